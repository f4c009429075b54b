import Testing
@testable import PGClient

@Suite("Connection strings")
struct ConnectionStringTests {
    @Test("SQLAlchemy's driver suffix is dropped", arguments: [
        ("postgresql+asyncpg://u:pw@h:5432/db", "postgresql://u:pw@h:5432/db"),
        ("postgres+psycopg://u@h/db", "postgres://u@h/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("host=h dbname=db", "host=h dbname=db"),
    ])
    func driverSuffix(input: String, expected: String) throws {
        #expect(try ConnectionString(input).raw == expected)
    }

    @Test("the redacted form names host, port, database and user, never the password")
    func redacted() throws {
        let url = try ConnectionString("postgresql+asyncpg://dograh:s3cr3t-pw@db.internal:6543/dograh")
        #expect(url.redacted == "host=db.internal port=6543 dbname=dograh user=dograh")
        #expect(!"\(url)".contains("s3cr3t-pw"))
        #expect(!String(reflecting: url).contains("s3cr3t-pw"))
        let dsn = try ConnectionString("host=h dbname=a user=u password=s3cr3t-pw")
        #expect(dsn.redacted == "host=h dbname=a user=u")
        #expect(dsn.scrub("FATAL: s3cr3t-pw bad") == "FATAL: ******** bad")
    }

    @Test("a malformed string is a clear error that does not echo it")
    func malformed() {
        #expect(throws: PGError.self) { try ConnectionString("host=h password='hunter2xyz") }
        do {
            _ = try ConnectionString("host=h password='hunter2xyz")
        } catch {
            #expect(!error.description.contains("hunter2xyz"))
        }
    }
}

@Suite("SQL queries")
struct SQLQueryTests {
    @Test("interpolated values become $n binds, never SQL text")
    func binds() {
        let name = "x'; DROP TABLE t; --"
        let query: SQLQuery = "SELECT * FROM t WHERE a = \(name) AND b = \(3) AND c = \(nil as String?)"
        #expect(query.sql == "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3")
        #expect(query.binds == [name, "3", nil])
        #expect(query.description == query.sql)
    }

    @Test("identifiers are validated and quoted", arguments: [
        ("ast_config", "\"ast_config\""), ("asterisk.ast_config", "\"asterisk\".\"ast_config\""),
    ])
    func identifiers(name: String, quoted: String) {
        #expect(SQLIdentifier(name)?.quoted == quoted)
    }

    @Test("unsafe identifiers are refused", arguments: ["", "a b", "t;drop", "\"x\"", "a.b.c", "1abc", "é"])
    func badIdentifiers(name: String) {
        #expect(SQLIdentifier(name) == nil)
    }
}
