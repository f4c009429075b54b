import CLibPQ
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One libpq connection. Every libpq call runs on the actor's private dispatch queue, never
/// on the cooperative pool (see `DispatchQueueExecutor`).
public actor PGConnection {
    private let executor: DispatchQueueExecutor
    private let connection: OpaquePointer
    private let target: ConnectionString
    private var transactionDepth = 0
    /// Bounds every statement: a stalled network must never hang a cycle.
    private let queryTimeout: Duration
    /// Set after a timeout: the protocol state is unknown, so the connection is not reused.
    private var abandoned = false
    /// Statements sent to the server (round trips), for the benchmark and `--stats`.
    public private(set) var statementCount = 0

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private init(executor: DispatchQueueExecutor, connection: OpaquePointer, target: ConnectionString, queryTimeout: Duration) {
        self.queryTimeout = queryTimeout
        self.executor = executor
        self.connection = connection
        self.target = target
    }

    isolated deinit { PQfinish(connection) }

    /// Opens a connection. `connectTimeout` (seconds) applies unless the string sets its own;
    /// `queryTimeout` bounds each statement (sending included) on this connection.
    public static func connect(
        _ target: ConnectionString,
        applicationName: String = "reconcilerd",
        connectTimeout: Int = 10,
        queryTimeout: Duration = .seconds(30)
    ) async throws(PGError) -> PGConnection {
        let executor = DispatchQueueExecutor(label: "reconcilerd.libpq")
        let result: Result<OpaquePointer, PGError> = await withCheckedContinuation { continuation in
            executor.runDetached {
                continuation.resume(returning: Self.open(target, applicationName: applicationName, connectTimeout: connectTimeout))
            }
        }
        return PGConnection(executor: executor, connection: try result.get(), target: target, queryTimeout: queryTimeout)
    }

    private static func open(_ target: ConnectionString, applicationName: String, connectTimeout: Int) -> Result<OpaquePointer, PGError> {
        // `dbname` first with expand_dbname = 1: the whole DSN is expanded, and the later
        // keywords only fill in what it leaves unset (fallback_application_name) or add
        // a timeout when it has none.
        var keywords = ["dbname", "fallback_application_name"]
        var values = [target.raw, applicationName]
        if !target.raw.contains("connect_timeout") {
            keywords.append("connect_timeout")
            values.append(String(connectTimeout))
        }
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            return .failure(.connectionFailed(target: target.redacted, message: "out of memory"))
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = target.scrub(String(cString: PQerrorMessage(connection)).singleLine())
            PQfinish(connection)
            return .failure(.connectionFailed(target: target.redacted, message: message))
        }
        // libpq prints NOTICEs to stderr unless a receiver takes them.
        PQsetNoticeReceiver(connection, { _, _ in }, nil)
        // Sends must not block either: the timeout loop flushes with poll().
        PQsetnonblocking(connection, 1)
        return .success(connection)
    }

    /// Runs one parameterized statement.
    @discardableResult
    public func query(_ query: SQLQuery) throws(PGError) -> PGRows {
        statementCount += 1
        return try consume(try run(query.sql, query.binds))
    }

    /// Runs one parameterized statement and turns each result row into a `T` straight from
    /// libpq's buffer (rows for which `transform` returns nil are dropped), instead of
    /// copying the whole result into `PGRows` first: reading ~90,000 ARA rows, a string
    /// per value was most of a cycle's allocations.
    public func query<T: Sendable>(
        _ query: SQLQuery, rows transform: @Sendable (PGResultRow) -> T?
    ) throws(PGError) -> [T] {
        statementCount += 1
        return try consume(try run(query.sql, query.binds)) { result in
            let rowCount = PQntuples(result), columnCount = Int(PQnfields(result))
            var mapped: [T] = []
            mapped.reserveCapacity(Int(rowCount))
            for row in 0..<rowCount {
                if let value = transform(PGResultRow(result: result, row: row, count: columnCount)) { mapped.append(value) }
            }
            return mapped
        }
    }

    /// `COPY <table> (<columns>) FROM STDIN` fed with `data` in COPY's text format (tab
    /// between columns, newline after each row, `\N` for NULL); returns the rows copied.
    /// The fast way to insert many rows; any error fails the statement as a whole.
    public func copyIn(_ sql: String, data: [UInt8]) throws(PGError) -> Int {
        var sent = false
        return try copyIn(sql) { buffer in
            guard !sent else { return false }
            buffer += data
            sent = true
            return true
        }
    }

    /// `copyIn` with the data produced piece by piece while the server already reads:
    /// `next` appends the next piece to the (empty) buffer it is given, or returns false
    /// when there is no more.
    public func copyIn(_ sql: String, pieces next: (inout [UInt8]) -> Bool) throws(PGError) -> Int {
        guard !abandoned else {
            throw .connectionLost(target: target.redacted, message: "connection abandoned after a timeout")
        }
        statementCount += 1
        switch copyAndWait(connection, sql, pieces: next, deadline: ContinuousClock.now + queryTimeout) {
        case .result(let result):
            return try consume(result).affected
        case .timedOut:
            abandoned = true
            throw .timeout(target: target.redacted, after: queryTimeout)
        }
    }

    /// Runs statements without parameters (BEGIN, COMMIT, several `;`-separated statements).
    @discardableResult
    public func execute(_ sql: String) throws(PGError) -> PGRows {
        statementCount += 1
        return try consume(try run(sql, nil))
    }

    /// Runs `body` inside BEGIN ... COMMIT; any error rolls the whole transaction back.
    public func transaction<T: Sendable>(_ body: @Sendable (isolated PGConnection) throws -> T) throws -> T {
        precondition(transactionDepth == 0, "nested transactions are not supported")
        try execute("BEGIN")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            if isHealthy { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// One statement within `queryTimeout`. After a timeout the connection is abandoned:
    /// its protocol state is unknown, and the caller reconnects.
    private func run(_ sql: String, _ binds: [String?]?) throws(PGError) -> OpaquePointer? {
        guard !abandoned else {
            throw .connectionLost(target: target.redacted, message: "connection abandoned after a timeout")
        }
        switch sendAndWait(connection, sql, binds, deadline: ContinuousClock.now + queryTimeout) {
        case .result(let result):
            return result
        case .timedOut:
            // No PQcancel: it opens a new connection and waits without a timeout, so on the
            // very network that stalled it would hang the pass. The statement dies with
            // the connection.
            abandoned = true
            throw .timeout(target: target.redacted, after: queryTimeout)
        }
    }

    /// Whether actor-isolated code (every libpq call) runs on this connection's private queue.
    func isOnOwnExecutor() -> Bool { executor.isCurrent }

    /// The backend's process id, e.g. to terminate it from a test.
    public func backendPID() -> Int32 { PQbackendPID(connection) }

    public var isHealthy: Bool { !abandoned && PQstatus(connection) == CONNECTION_OK }

    private func consume(_ result: OpaquePointer?) throws(PGError) -> PGRows {
        try consume(result) { Self.rows(of: $0) }
    }

    /// Checks the result (throwing the server's error), reads it with `read`, frees it.
    private func consume<R>(_ result: OpaquePointer?, _ read: (OpaquePointer) -> R) throws(PGError) -> R {
        guard let result else {
            throw lostOrFailed(message: String(cString: PQerrorMessage(connection)))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return read(result)
        default:
            if let state = PQresultErrorField(result, CLibPQ_DIAG_SQLSTATE) {
                let message = PQresultErrorField(result, CLibPQ_DIAG_MESSAGE_PRIMARY).map { String(cString: $0) } ?? "error"
                let detail = PQresultErrorField(result, CLibPQ_DIAG_MESSAGE_DETAIL).map { String(cString: $0) }
                let error = PGError.server(sqlstate: String(cString: state), message: target.scrub(message), detail: detail.map(target.scrub))
                if PQstatus(connection) != CONNECTION_OK {
                    throw .connectionLost(target: target.redacted, message: error.description)
                }
                throw error
            }
            throw lostOrFailed(message: String(cString: PQresultErrorMessage(result)))
        }
    }

    private func lostOrFailed(message: String) -> PGError {
        let text = target.scrub(message.singleLine())
        if abandoned || PQstatus(connection) != CONNECTION_OK {
            return .connectionLost(target: target.redacted, message: text)
        }
        return .unexpectedResult(text)
    }

    private static func rows(of result: OpaquePointer) -> PGRows {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        var columns: [String] = []
        columns.reserveCapacity(Int(columnCount))
        for column in 0..<columnCount { columns.append(String(cString: PQfname(result, column))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                values.append(PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
            rows.append(values)
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PGRows(columns: columns, rows: rows, affected: affected)
    }
}

private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    var duplicates = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    duplicates.append(nil)
    return duplicates.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}

extension Array where Element == String? {
    func withCStringOptionals<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        guard !isEmpty else { return body(nil) }
        let duplicates: [UnsafeMutablePointer<CChar>?] = map { $0.flatMap { strdup($0) } }
        defer { duplicates.forEach { free($0) } }
        return duplicates.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
        }
    }
}
