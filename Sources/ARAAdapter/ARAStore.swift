import PGClient
import Reconciler

/// The ARA database as reconcilerd sees it: the rows it owns, and a transactional apply.
/// Needs only SELECT, INSERT, UPDATE and DELETE on the tables; no DDL at run time.
public struct ARAStore: Sendable {
    public let connection: PGConnection
    public let names: ARANames
    private let tables: [TableSQL]
    /// From this many creates in one apply on, they go in by COPY (see `apply`).
    public let bulkCreateThreshold: Int

    public init(connection: PGConnection, names: ARANames = ARANames(), bulkCreateThreshold: Int = 200) throws(ARAError) {
        guard let configTable = SQLIdentifier(names.configTable) else { throw .invalidTableName(names.configTable) }
        self.connection = connection
        self.names = names
        self.bulkCreateThreshold = bulkCreateThreshold
        tables = ARATable.allCases.map { table in
            TableSQL(table: table, name: table.fixedName.flatMap(SQLIdentifier.init) ?? configTable,
                     filename: table == .dialplanContexts ? names.configFilename : nil)
        }
    }

    /// Every owned row, one query per table whatever the number of trunks.
    public func readOwned() async throws(ARAError) -> [Row] {
        var rows: [Row] = []
        for sql in tables {
            // Rows are built straight from the result, with no intermediate copy of it.
            let result: [Row]
            do {
                result = try await connection.query(sql.selectOwned, rows: { sql.row(from: $0) })
            } catch {
                throw .read(table: sql.name.name, error)
            }
            if rows.isEmpty { rows = result } else { rows += result }
        }
        return rows
    }

    /// The digest of the owned rows, computed by the server in one statement (no rows
    /// cross the network), to compare with `RowDigest(rows:)` of the desired rows. nil
    /// when the server cannot compute it (`hashtextextended` is Postgres 11+): read the
    /// rows then.
    public func readDigest() async throws(ARAError) -> RowDigest? {
        let sql = "SELECT " + tables.map(\.digest).joined(separator: ", ")
        let row: [String?]
        do {
            let result = try await connection.query(SQLQuery(unsafeSQL: sql, binds: [names.configFilename]))
            guard let first = result.rows.first else { return nil }
            row = first
        } catch {
            // Class 42 (no such function, table or column; no permission) and 22 (data):
            // this server cannot compute it, and reading the rows will say why if that
            // fails too. Anything else (a lost connection, a timeout) is the cycle's error.
            if case .server(let sqlstate, _, _) = error, sqlstate.hasPrefix("42") || sqlstate.hasPrefix("22") { return nil }
            throw .read(table: "the digest of the owned rows", error)
        }
        var digests: [ARATable: RowDigest.Table] = [:]
        for (sql, value) in zip(tables, row) {
            let parts = (value ?? "").split(separator: ":")
            guard parts.count == 2, let count = Int(parts[0]), let sum = Int128(String(parts[1])) else { return nil }
            digests[sql.table] = RowDigest.Table(count: count, sum: sum)
        }
        return RowDigest(tables: digests)
    }

    /// Applies every step in one transaction: all or nothing. Each table takes at most one
    /// INSERT, one UPDATE and one DELETE statement, whatever the number of rows. Applying
    /// the same steps twice changes nothing the second time; the report counts the rows
    /// each statement actually touched.
    ///
    /// With `leaderPID`, the transaction first checks that this backend still holds the
    /// leader lock and rolls back with `ARAError.notLeader` if not. `endpoints` (the
    /// record of `EndpointsTable`) is written in the same transaction.
    @discardableResult
    public func apply(_ steps: [PlanStep], endpoints: AppliedEndpoints.Changes = AppliedEndpoints.Changes(),
                      leaderPID: Int32? = nil) async throws -> ApplyReport {
        guard !steps.isEmpty || !endpoints.isEmpty else { return ApplyReport() }
        let tables = self.tables, bulkCreateThreshold = self.bulkCreateThreshold
        return try await connection.transaction { connection throws in
            if let leaderPID {
                let held = try connection.query(LeaderLock.isHeldQuery(pid: leaderPID)).scalar()
                guard held == "t" else { throw ARAError.notLeader }
            }
            var report = ApplyReport()
            // Rows by verb and table (`ARATable.rawValue`).
            let tableCount = ARATable.allCases.count
            var creates = [[Row]](repeating: [], count: tableCount), updates = creates, deletes = creates
            for step in steps {
                switch step {
                case .create(let row): creates[row.table.rawValue].append(row)
                case .update(_, let row): updates[row.table.rawValue].append(row)
                case .delete(let row): deletes[row.table.rawValue].append(row)
                }
            }
            let bulk = creates.reduce(0) { $0 + $1.count } >= bulkCreateThreshold
            let copied = try bulk && Self.copy(creates, tables, on: connection, into: &report)
            if !copied {
                for sql in tables { try Self.run(sql.insert, .create, creates[sql.table.rawValue], sql, on: connection, into: &report) }
            }
            for sql in tables {
                try Self.run(sql.update, .update, updates[sql.table.rawValue], sql, on: connection, into: &report)
            }
            for sql in tables.reversed() {
                try Self.run(sql.delete, .delete, deletes[sql.table.rawValue], sql, on: connection, into: &report)
            }
            try EndpointsTable.write(endpoints, on: connection)
            return report
        }
    }

    /// Inserts the creates with one COPY per table: about half the server's work of the
    /// upsert from JSON for a converge of thousands of trunks. COPY cannot skip a row that
    /// exists already (a plan applied twice, a race with another writer), so it runs in a
    /// savepoint: on a unique violation the savepoint is rolled back and false returned for
    /// the idempotent `insert` to run. The config table, which has no unique key, is copied
    /// only while it holds none of reconcilerd's rows.
    private static func copy(
        _ creates: [[Row]], _ tables: [TableSQL],
        on connection: isolated PGConnection, into report: inout ApplyReport
    ) throws -> Bool {
        try connection.execute("SAVEPOINT reconcilerd_bulk_create")
        var copied = ApplyReport()
        for sql in tables {
            let rows = creates[sql.table.rawValue]
            guard !rows.isEmpty else { continue }
            do throws(PGError) {
                if let probe = sql.anyOwned, try connection.query(probe).scalar() == "t" {
                    // The config table has no unique key for COPY to trip over: with rows of
                    // reconcilerd's in it already, a COPY could store one twice.
                    copied.record(sql.table, .create, try connection.query(SQLQuery(unsafeSQL: sql.insert, binds: [sql.payload(rows)])).affected)
                    continue
                }
                // Pieces of 2,000 rows (~250 KB): the server inserts while the next is written.
                var next = rows.startIndex
                copied.record(sql.table, .create, try connection.copyIn(sql.copyIn) { piece in
                    guard next < rows.endIndex else { return false }
                    let end = min(next + 2_000, rows.endIndex)
                    sql.copyData(rows[next..<end], into: &piece)
                    next = end
                    return true
                })
            } catch {
                guard case .server(let sqlstate, _, _) = error, sqlstate == "23505" else {
                    throw ARAError.apply(step: "create of \(rows.count) row(s)", table: sql.name.name, error)
                }
                try connection.execute("ROLLBACK TO SAVEPOINT reconcilerd_bulk_create")
                return false
            }
        }
        try connection.execute("RELEASE SAVEPOINT reconcilerd_bulk_create")
        report.merge(copied)
        report.createdByCopy = true
        return true
    }

    private static func run(
        _ statement: String, _ verb: PlanStep.Verb, _ rows: [Row], _ sql: TableSQL,
        on connection: isolated PGConnection, into report: inout ApplyReport
    ) throws {
        guard !rows.isEmpty else { return }
        let affected: Int
        do {
            affected = try connection.query(SQLQuery(unsafeSQL: statement, binds: [sql.payload(rows)])).affected
        } catch {
            throw ARAError.apply(step: "\(verb.rawValue) of \(rows.count) row(s)", table: sql.name.name, error)
        }
        report.record(sql.table, verb, affected)
    }
}
