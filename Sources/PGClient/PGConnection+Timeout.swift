import CLibPQ
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension PGConnection {
    /// Sends a statement and collects its result like `PQexecParams` / `PQexec`, but waits
    /// on the socket with a deadline: libpq's blocking calls would wait forever on a
    /// network that stalls instead of failing. With `binds == nil` the text may hold several
    /// `;`-separated statements. Returns the first failed result, or else the last one.
    func sendAndWait(_ connection: OpaquePointer, _ sql: String, _ binds: [String?]?, deadline: ContinuousClock.Instant) -> WaitOutcome {
        let sent: Int32 = if let binds {
            binds.withCStringOptionals { values in
                PQsendQueryParams(connection, sql, Int32(binds.count), nil, values, nil, nil, 0)
            }
        } else {
            PQsendQuery(connection, sql)
        }
        guard sent == 1 else { return .result(nil) }
        if let stalled = flush(connection, until: deadline) { return stalled }
        return collect(connection, until: deadline)
    }

    /// `COPY ... FROM STDIN` under the same deadline: sends the statement, then the pieces
    /// `next` produces (COPY text format) and the end marker, and returns the COPY's result
    /// or its error (a unique violation, say, comes back as that statement's error result).
    func copyAndWait(_ connection: OpaquePointer, _ sql: String, pieces next: (inout [UInt8]) -> Bool,
                     deadline: ContinuousClock.Instant) -> WaitOutcome {
        guard PQsendQuery(connection, sql) == 1 else { return .result(nil) }
        if let stalled = flush(connection, until: deadline) { return stalled }
        while PQisBusy(connection) == 1 {
            guard Self.wait(for: connection, events: Int16(POLLIN), until: deadline) else { return .timedOut }
            if PQconsumeInput(connection) == 0 { break }
        }
        guard let started = PQgetResult(connection) else { return .result(nil) }
        guard PQresultStatus(started) == PGRES_COPY_IN else { return collect(connection, until: deadline, first: started) }
        PQclear(started)
        var piece: [UInt8] = []
        var complete = true
        sending: while true {
            piece.removeAll(keepingCapacity: true)
            guard next(&piece) else { break }
            var offset = 0
            while offset < piece.count {
                let chunk = min(1 << 18, piece.count - offset)
                let queued = piece.withUnsafeBytes { PQputCopyData(connection, $0.baseAddress! + offset, Int32(chunk)) }
                switch queued {
                case 1: offset += chunk
                case 0:
                    guard Self.wait(for: connection, events: Int16(POLLIN | POLLOUT), until: deadline) else { return .timedOut }
                    if PQconsumeInput(connection) == 0 { complete = false; break sending }
                default:
                    complete = false  // the server ended the COPY: its error is the result
                    break sending
                }
            }
        }
        ending: while true {
            switch PQputCopyEnd(connection, complete ? nil : "reconcilerd stopped sending") {
            case 0: guard Self.wait(for: connection, events: Int16(POLLIN | POLLOUT), until: deadline) else { return .timedOut }
            default: break ending
            }
        }
        if let stalled = flush(connection, until: deadline) { return stalled }
        return collect(connection, until: deadline)
    }

    /// Flushes what libpq could not write at once, reading meanwhile (the server may be
    /// sending already, and a full input buffer would deadlock both sides). nil when done.
    private func flush(_ connection: OpaquePointer, until deadline: ContinuousClock.Instant) -> WaitOutcome? {
        while true {
            let flushed = PQflush(connection)
            if flushed == 0 { return nil }
            if flushed < 0 { return .result(nil) }
            guard Self.wait(for: connection, events: Int16(POLLIN | POLLOUT), until: deadline) else { return .timedOut }
            if PQconsumeInput(connection) == 0 { return .result(nil) }
        }
    }

    /// Reads results until libpq has no more; keeps the first failed one, or else the last.
    private func collect(_ connection: OpaquePointer, until deadline: ContinuousClock.Instant, first: OpaquePointer? = nil) -> WaitOutcome {
        var kept = first
        while true {
            while PQisBusy(connection) == 1 {
                guard Self.wait(for: connection, events: Int16(POLLIN), until: deadline) else {
                    PQclear(kept)
                    return .timedOut
                }
                if PQconsumeInput(connection) == 0 { break }
            }
            guard let result = PQgetResult(connection) else { break }
            if PQresultStatus(result) == PGRES_COPY_IN {
                // A COPY this call did not start feeding (several statements in one text).
                PQclear(result)
                PQputCopyEnd(connection, "unexpected COPY")
                continue
            }
            if let previous = kept, Self.failed(previous) {
                PQclear(result)
            } else {
                PQclear(kept)
                kept = result
            }
        }
        return .result(kept)
    }

    enum WaitOutcome {
        case result(OpaquePointer?)
        case timedOut
    }

    private static func failed(_ result: OpaquePointer) -> Bool {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: false
        default: true
        }
    }

    /// Polls the connection's socket; false when the deadline passes first.
    private static func wait(for connection: OpaquePointer, events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        let socket = PQsocket(connection)
        guard socket >= 0 else { return true }  // libpq reports the broken connection itself
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return false }
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, min(milliseconds, 1000))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }
        }
    }
}
