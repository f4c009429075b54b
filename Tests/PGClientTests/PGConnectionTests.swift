import Dispatch
import Testing
import TestSupport
@testable import PGClient

@Suite("libpq connection against the test Postgres")
struct PGConnectionTests {
    @Test("parameterized round trip, NULLs and affected counts")
    func roundTrip() async throws {
        try await TestDatabases.with { databases in
            let connection = try await databases.adminARA()
            let rows = try await connection.query("SELECT \("a'b")::text, \(nil as String?)::text, \(41)::int + 1")
            #expect(rows.rows == [["a'b", nil, "42"]])
            try await connection.execute("CREATE TEMP TABLE t (v text)")
            #expect(try await connection.query("INSERT INTO t SELECT generate_series(1, 3)::text").affected == 3)
        }
    }

    @Test("a server error carries SQLSTATE and message")
    func serverError() async throws {
        try await TestDatabases.with { databases in
            let connection = try await databases.adminARA()
            do {
                try await connection.execute("SELECT * FROM no_such_table")
                Issue.record("expected an error")
            } catch let error as PGError {
                #expect(error.sqlstate == "42P01")
                #expect(error.description.contains("no_such_table"))
                #expect(!error.isConnectionProblem)
            }
            // The connection stays usable after an error.
            #expect(try await connection.query("SELECT 1").rows == [["1"]])
        }
    }

    @Test("a wrong password is a clear connection error that never shows the password")
    func wrongPassword() async throws {
        try await TestDatabases.with { databases in
            let url = databases.araURL.replacingOccurrences(of: databases.rolePassword, with: "wrong-pw-1234")
            do {
                _ = try await PGConnection.connect(try ConnectionString(url))
                Issue.record("expected the connection to fail")
            } catch let error as PGError {
                #expect(error.isConnectionProblem)
                #expect(error.description.contains("password authentication failed"))
                #expect(error.description.contains("user=reconcilerd"))
                #expect(!error.description.contains("wrong-pw-1234"))
            }
        }
    }

    @Test("nothing listens: a one-line connection error")
    func unreachable() async throws {
        do {
            _ = try await PGConnection.connect(try ConnectionString("postgresql://u:pw-secret-9@127.0.0.1:1/db"), connectTimeout: 2)
            Issue.record("expected the connection to fail")
        } catch {
            #expect(error.description.hasPrefix("cannot connect to database (host=127.0.0.1 port=1 dbname=db user=u)"))
            #expect(!error.description.contains("pw-secret-9"))
        }
    }

    @Test("a transaction rolls back entirely when its body throws")
    func rollback() async throws {
        try await TestDatabases.with { databases in
            let connection = try await databases.adminARA()
            try await connection.execute("CREATE TABLE r (v varchar(3))")
            await #expect(throws: PGError.self) {
                try await connection.transaction { connection in
                    try connection.execute("INSERT INTO r VALUES ('ok')")
                    try connection.execute("INSERT INTO r VALUES ('too long')")
                }
            }
            #expect(try await connection.query("SELECT count(*) FROM r").scalar() == "0")
        }
    }

    @Test("blocking libpq calls run on the connection's own thread, not the two-thread cooperative pool")
    func offThePool() async throws {
        try await TestDatabases.with { databases in
            var connections: [PGConnection] = []
            for _ in 0..<6 { connections.append(try await databases.adminARA()) }
            let clock = ContinuousClock()
            let start = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in connections {
                    group.addTask { try await connection.execute("SELECT pg_sleep(1)") }
                }
                try await group.waitForAll()
            }
            // Six 1 s server-side sleeps: on the cooperative pool (two threads here) they
            // would queue up for at least 3 s; each on its own queue they overlap. Sleeping
            // costs no CPU, so a loaded machine does not blur the difference.
            #expect(clock.now - start < .milliseconds(2500))
            #expect(await connections[0].isOnOwnExecutor())
        }
    }

    @Test("a statement that outlives the query timeout fails with .timeout and the connection is abandoned")
    func queryTimeout() async throws {
        try await TestDatabases.with { databases in
            let connection = try await PGConnection.connect(try ConnectionString(databases.adminARAURL), queryTimeout: .seconds(1))
            let clock = ContinuousClock()
            let start = clock.now
            do {
                try await connection.execute("SELECT pg_sleep(10)")
                Issue.record("expected a timeout")
            } catch let error as PGError {
                guard case .timeout = error else {
                    Issue.record("expected .timeout, got \(error)")
                    return
                }
                #expect(error.isConnectionProblem)
            }
            #expect(clock.now - start < .seconds(5))
            #expect(await connection.isHealthy == false)
            await #expect(throws: PGError.self) { try await connection.query("SELECT 1") }
            // A multi-statement execute and a large parameter still work within the timeout.
            let fresh = try await PGConnection.connect(try ConnectionString(databases.adminARAURL), queryTimeout: .seconds(10))
            let big = String(repeating: "x", count: 4_000_000)
            #expect(try await fresh.query("SELECT length(\(big))").scalar() == "4000000")
            #expect(try await fresh.execute("SELECT 1; SELECT 2").rows == [["2"]])
        }
    }
}
