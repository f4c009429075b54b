import Testing
import TestSupport
@testable import PGClient

@Suite("COPY FROM STDIN and reading rows in place")
struct CopyInTests {
    @Test("COPY text format round trip: escapes, NULL, multibyte, a payload larger than libpq's buffers")
    func roundTrip() async throws {
        try await TestDatabases.with { databases in
            let connection = try await databases.adminARA()
            try await connection.execute("CREATE TABLE c (k text PRIMARY KEY, v text)")
            var data = Array("a\tback\\\\slash\nb\t\\N\nc\ttab\\there\\nnewline ☎️\n".utf8)
            for index in 0..<20_000 { data += Array("bulk\(index)\t\(String(repeating: "x", count: 40))\n".utf8) }
            #expect(try await connection.copyIn("COPY c (k, v) FROM STDIN", data: data) == 20_003)
            let rows = try await connection.query("SELECT k, v FROM c WHERE k IN ('a', 'b', 'c') ORDER BY k").rows
            #expect(rows == [["a", "back\\slash"], ["b", nil], ["c", "tab\there\nnewline ☎️"]])
            #expect(await connection.statementCount == 3)
        }
    }

    @Test("a COPY that fails (unique key) reports the server's SQLSTATE and leaves the connection usable")
    func failure() async throws {
        try await TestDatabases.with { databases in
            let connection = try await databases.adminARA()
            try await connection.execute("CREATE TABLE c (k text PRIMARY KEY)")
            var data: [UInt8] = []
            for index in 0..<5_000 { data += Array("k\(index % 4_000)\n".utf8) }
            do {
                _ = try await connection.copyIn("COPY c (k) FROM STDIN", data: data)
                Issue.record("expected a unique violation")
            } catch let error as PGError {
                #expect(error.sqlstate == "23505")
            }
            #expect(try await connection.query("SELECT count(*) FROM c").scalar() == "0")
            await #expect(throws: PGError.self) { try await connection.copyIn("COPY no_such_table FROM STDIN", data: []) }
            #expect(try await connection.query("SELECT 1").rows == [["1"]])
        }
    }

    @Test("rows are read in place: NULLs, empty text, columns joined with a 0 byte")
    func rowView() async throws {
        try await TestDatabases.with { databases in
            let connection = try await databases.adminARA()
            let query = SQLQuery(unsafeSQL: "SELECT * FROM (VALUES ('a', NULL, ''), ('Zürich', 'x', NULL)) AS t(p, q, r) ORDER BY p")
            let rows = try await connection.query(query, rows: { row in
                (row.string(0), row.isNull(1), row.joined(0..<3).text, row.joined(1..<3).nulls)
            })
            #expect(rows.map(\.0) == ["Zürich", "a"])
            #expect(rows.map(\.1) == [false, true])
            #expect(rows.map(\.2) == ["Zürich\0x\0", "a\0\0"])
            #expect(rows.map(\.3) == [0b10, 0b01])
        }
    }
}
