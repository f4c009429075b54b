import PGClient
import Reconciler
import Testing
import TestSupport
@testable import ARAAdapter

@Suite("ARA adapter: the server's digest of the owned rows against RowDigest")
struct DigestTests {
    @Test("PGHash computes what hashtextextended computes, for every length, multibyte text and seeds")
    func hashMatchesPostgres() async throws {
        try await TestDatabases.with { databases in
            let connection = try await databases.adminARA()
            var samples = (0...40).map { String(repeating: "x", count: $0) }
            for length in 0...30 {
                var sample = ""
                for index in 0..<length { sample.append(Character(Unicode.Scalar(UInt8(33 + (index * 7 + length) % 90)))) }
                samples.append(sample)
            }
            samples += ["dograh_1156_3cx_cloud_12611\u{1F}userpass\u{1F}12611\u{1F}secret", "Zürich ☎️ 東京", "\u{1F}", "a;b^c\\d\"e'f"]
            for seed: Int64 in [0, 1, -1, 0x1234_5678_9ABC_DEF0] {
                for sample in samples {
                    let expected = try await connection.query("SELECT hashtextextended(\(sample), \(String(seed))::int8)").scalar()
                    var text = sample
                    let computed = text.withUTF8 { PGHash.hashBytesExtended(UnsafeRawBufferPointer($0), seed: UInt64(bitPattern: seed)) }
                    #expect(expected == String(Int64(bitPattern: computed)), "\(sample.debugDescription) seed \(seed)")
                }
            }
        }
    }

    @Test("after a converge the server's digest equals the desired rows' digest; NULL and '' hash alike")
    func equalAfterConverge() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            try await ARAInspection.insertOperatorRows(harness.araAdmin)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            try await DograhFixtures.insert(harness.dograhAdmin, name: "London",
                                            credentials: DograhFixtures.credentials(domain: "acme-uk.3cx.eu", extension: "201", password: "p;w^\\x", stripPrefix: "^(00|\\+)44"))
            try await harness.converge()
            let desired = Planner.desiredRows(try await harness.reader.snapshot())
            let expected = try #require(RowDigest(rows: desired))
            #expect(try await harness.store.readDigest() == expected)
            #expect(expected[.extensions].count == desired.filter { $0.table == .extensions }.count)
            // The endpoint's `auth` is NULL by design; '' means the same to Asterisk: the digest
            // does not tell them apart, a diff that reads the rows respells them (canonical spelling).
            try await harness.araAdmin.execute("UPDATE ps_endpoints SET auth = '' WHERE id LIKE 'dograh_%'")
            #expect(try await harness.store.readDigest() == expected)
            let changes = try await harness.plan().steps.flatMap(\.changes)
            #expect(changes.count == 2 && changes.allSatisfy { $0.column == "auth" && $0.canonicalSpelling })
        }
    }

    @Test("every kind of hand edit of owned rows changes the digest; the operator's own rows do not")
    func editsChangeIt() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            try await harness.converge()
            let expected = try #require(RowDigest(rows: Planner.desiredRows(try await harness.reader.snapshot())))
            let id = "dograh_1156_3cx_cloud_12611"
            // (what, the edit, how to undo it by hand when reconcilerd rightly leaves it)
            let edits: [(String, String, String?)] = [
                ("a managed value", "UPDATE ps_auths SET password = 'hand-edited' WHERE id = '\(id)'", nil),
                // Equivalent to 'yes' for the diff, so never rewritten: only the digest sees it
                // (and every cycle reads the rows while it stays).
                ("a boolean spelled otherwise", "UPDATE ps_registrations SET line = 'true' WHERE id = '\(id)'",
                 "UPDATE ps_registrations SET line = 'yes' WHERE id = '\(id)'"),
                ("a deleted row", "DELETE FROM ps_aors WHERE id = '\(id)'", nil),
                ("an orphan row", "INSERT INTO ps_auths (id, auth_type, username, password) VALUES ('dograh_orphan', 'userpass', 'u', 'p')", nil),
                // The diff keys rows by key and leaves a second copy of a desired context row.
                ("a duplicated context row", """
                    INSERT INTO ast_config (cat_metric, var_metric, commented, filename, category, var_name, var_val)
                    SELECT cat_metric, var_metric, commented, filename, category, var_name, var_val FROM ast_config WHERE filename = 'extensions_dograh.conf' LIMIT 1
                    """, "DELETE FROM ast_config WHERE id = (SELECT max(id) FROM ast_config)"),
                ("a value holding the separator", "UPDATE extensions SET appdata = appdata || E'\\x1f' WHERE context = '\(id)-inbound' AND exten = '_X.'", nil),
                ("a key renamed", "UPDATE extensions SET priority = 2 WHERE context = '\(id)-outbound'", nil),
            ]
            let before = try await ARAInspection.allRows(harness.araAdmin)
            for (name, sql, undo) in edits {
                try await harness.araAdmin.execute(sql)
                #expect(try await harness.store.readDigest() != expected, "\(name)")
                try await harness.converge()
                if let undo { try await harness.araAdmin.execute(undo) }
                #expect(try await ARAInspection.allRows(harness.araAdmin) == before, "\(name) was not put back")
                #expect(try await harness.store.readDigest() == expected, "\(name)")
            }
            try await ARAInspection.insertOperatorRows(harness.araAdmin)
            #expect(try await harness.store.readDigest() == expected)
        }
    }

    @Test("a server that cannot compute the digest gives nil (the rows are read instead); a lost connection is an error")
    func unavailable() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            try await harness.araAdmin.execute("DROP TABLE ps_aors")
            #expect(try await harness.store.readDigest() == nil)
            let connection = try await databases.ara()
            let store = try ARAStore(connection: connection)
            let pid = Int(await connection.backendPID())
            try await harness.araAdmin.query("SELECT pg_terminate_backend(\(pid))")
            await #expect(throws: ARAError.self) { try await store.readDigest() }
        }
    }
}

@Suite("ARA adapter: the server support doctor checks")
struct ServerSupportTests {
    @Test("the test server is supported: version 11 or later, and it hashes text as PGHash does")
    func realServerIsSupported() async throws {
        try await TestDatabases.with { databases in
            let support = try await ServerSupport.read(try await databases.adminARA())
            #expect(support.versionNumber >= ServerSupport.minimumVersionNumber)
            #expect(support.problem == nil, "\(support.problem ?? "")")
            #expect(support.summary.hasPrefix("PostgreSQL 1"))
        }
    }

    @Test("an old server or one that hashes differently is named as the problem")
    func problems() {
        let old = ServerSupport(versionNumber: 90_624, serverHash: nil)
        #expect(old.problem?.contains("PostgreSQL 9.6.24 is older than 11") == true)
        let foreign = ServerSupport(versionNumber: 150_020, serverHash: "12345")
        #expect(foreign.problem?.contains("big-endian") == true)
        #expect(ServerSupport(versionNumber: 150_020, serverHash: ServerSupport.localHash).problem == nil)
        #expect(ServerSupport.versionText(150_020) == "15.20")
    }
}
