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
        // Flush what libpq could not write at once, reading meanwhile (the server may be
        // sending already, and a full input buffer would deadlock both sides).
        while true {
            let flushed = PQflush(connection)
            if flushed == 0 { break }
            if flushed < 0 { return .result(nil) }
            guard Self.wait(for: connection, events: Int16(POLLIN | POLLOUT), until: deadline) else { return .timedOut }
            if PQconsumeInput(connection) == 0 { return .result(nil) }
        }
        var kept: OpaquePointer?
        while true {
            while PQisBusy(connection) == 1 {
                guard Self.wait(for: connection, events: Int16(POLLIN), until: deadline) else {
                    PQclear(kept)
                    return .timedOut
                }
                if PQconsumeInput(connection) == 0 { break }
            }
            guard let result = PQgetResult(connection) else { break }
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
