import Foundation
import Testing
import TestSupport

@Suite("reconcilerd --once: plan, apply, exit codes")
struct OnceCommandTests {
    func environment(_ databases: TestDatabases) -> [String: String] {
        // Dograh's own URL form, driver suffix included.
        ["DATABASE_URL": databases.dograhURL.replacingOccurrences(of: "postgresql://", with: "postgresql+asyncpg://"),
         "ASTERISK_ARA_DSN": databases.araURL]
    }

    @Test("exit 2 with changes pending, 0 after --apply, 0 when in sync")
    func exitCodes() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let env = environment(databases)

            let dryRun = try await ReconcilerdProcess.run(["--once"], environment: env)
            #expect(dryRun.status == 2, "\(dryRun.all)")
            #expect(dryRun.stdout.contains("+ create ps_registrations dograh_1156_3cx_cloud_12611"))
            #expect(dryRun.stdout.contains("Plan: 9 to create, 0 to update, 0 to delete."))

            let apply = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
            #expect(apply.status == 0, "\(apply.all)")
            #expect(apply.stdout.contains("Applied: 9 row changes committed in one transaction."))

            let again = try await ReconcilerdProcess.run(["--once"], environment: env)
            #expect(again.status == 0, "\(again.all)")
            #expect(again.stdout.contains("No changes: the ARA database is in sync with Dograh."))
        }
    }

    @Test("the JSON plan is valid JSON with the documented fields")
    func json() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let result = try await ReconcilerdProcess.run(["--once", "--output", "json"], environment: environment(databases))
            #expect(result.status == 2)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["schema_version"] as? Int == 1)
            #expect(object["in_sync"] as? Bool == false)
            #expect((object["steps"] as? [Any])?.count == 9)
            #expect((object["summary"] as? [String: Any])?["create"] as? Int == 9)
        }
    }

    @Test("no secret reaches stdout or stderr, in text or JSON, dry run or apply")
    func noSecrets() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials(password: "sip-secret-AAA"))
            try await DograhFixtures.insert(admin, name: "Broken", credentials: DograhFixtures.credentials(domain: "x.3cx.cloud", appName: nil))
            let env = environment(databases)
            var outputs: [String] = []
            for arguments in [["--once"], ["--once", "--output", "json"], ["--once", "--apply"]] {
                outputs.append(try await ReconcilerdProcess.run(arguments, environment: env).all)
            }
            try await admin.query("UPDATE telephony_configurations SET credentials = \(DograhFixtures.credentials(password: "sip-secret-BBB"))::json WHERE name = 'Milan'")
            for arguments in [["--once"], ["--once", "--output", "json"], ["--once", "--apply"], ["--once", "--log-format", "json"]] {
                outputs.append(try await ReconcilerdProcess.run(arguments, environment: env).all)
            }
            #expect(outputs.joined().contains("password: (sensitive, changed)"))
            for secret in ["sip-secret-AAA", "sip-secret-BBB", "ari-secret-xyz", databases.rolePassword] {
                #expect(!outputs.joined().contains(secret), "leaked \(secret)")
            }
        }
    }

    @Test("a missing database setting is a one-line usage error, exit 64")
    func missingDatabase() async throws {
        let result = try await ReconcilerdProcess.run(["--once"], environment: ["ASTERISK_ARA_DSN": "host=127.0.0.1"])
        #expect(result.status == 64)
        #expect(result.stderr == "reconcilerd: error: no Dograh database configured: set DATABASE_URL (environment or config file) or --dograh-dsn\n")
    }

    @Test("an unreachable database is a one-line error and exit 1, without the password")
    func unreachable() async throws {
        let result = try await ReconcilerdProcess.run(["--once"], environment: [
            "DATABASE_URL": "postgresql://dograh:pw-unreachable-1@127.0.0.1:1/dograh?connect_timeout=2",
            "ASTERISK_ARA_DSN": "postgresql://a:pw-unreachable-2@127.0.0.1:1/asterisk",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("reconcilerd: error: cannot connect to database (host=127.0.0.1 port=1 dbname=dograh user=dograh)"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!result.all.contains("pw-unreachable"))
    }

    @Test("flags beat the environment, the environment beats the config file")
    func precedence() async throws {
        try await TestDatabases.with { databases in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("reconcilerd-\(UUID()).conf")
            try """
                # comments and quotes are fine
                DATABASE_URL="\(databases.dograhURL)"
                ASTERISK_ARA_DSN=\(databases.araURL)
                RECONCILERD_OUTPUT=json
                """.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }

            let fromFile = try await ReconcilerdProcess.run(["--once", "--config", file.path])
            #expect(fromFile.status == 0, "\(fromFile.all)")
            #expect(fromFile.stdout.hasPrefix("{"))

            let envWins = try await ReconcilerdProcess.run(["--once", "--config", file.path], environment: ["RECONCILERD_OUTPUT": "text"])
            #expect(envWins.stdout.hasPrefix("No changes"))

            let flagWins = try await ReconcilerdProcess.run(["--once", "--config", file.path, "--output", "json"], environment: ["RECONCILERD_OUTPUT": "text"])
            #expect(flagWins.stdout.hasPrefix("{"))

            let broken = try await ReconcilerdProcess.run(["--once", "--config", file.path], environment: ["RECONCILERD_OUTPUT": "yaml"])
            #expect(broken.status == 64)
            #expect(broken.stderr.contains("RECONCILERD_OUTPUT (environment): 'yaml' is not one of the accepted values (text, json)"))
        }
    }

    @Test("--plan-detail-limit abridges a big text plan; --detail and the JSON plan stay complete")
    func bigPlan() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            for ext in ["12611", "12612", "12613"] {
                try await DograhFixtures.insert(admin, name: "Trunk \(ext)", credentials: DograhFixtures.credentials(extension: ext))
            }
            let env = environment(databases)
            let abridged = try await ReconcilerdProcess.run(["--once", "--plan-detail-limit", "1"], environment: env)
            #expect(abridged.status == 2, "\(abridged.all)")
            #expect(abridged.stdout.hasPrefix("Large plan: 3 configurations, over --plan-detail-limit 1;"), "\(abridged.stdout)")
            #expect(abridged.stdout.contains("  ps_endpoints: 3 to create, 0 to update, 0 to delete"))
            #expect(abridged.stdout.contains("+ create ps_registrations dograh_1156_3cx_cloud_12611"))
            #expect(!abridged.stdout.contains("dograh_1156_3cx_cloud_12613"))
            #expect(abridged.stdout.contains("… 2 more configurations not shown: --detail"))
            #expect(abridged.stdout.contains("Plan: 27 to create, 0 to update, 0 to delete."))

            let detail = try await ReconcilerdProcess.run(["--once", "--plan-detail-limit", "1", "--detail"], environment: env)
            #expect(detail.stdout.contains("+ create ps_registrations dograh_1156_3cx_cloud_12613"))
            #expect(!detail.stdout.contains("Large plan"))

            let json = try await ReconcilerdProcess.run(["--once", "--plan-detail-limit", "1", "--output", "json"], environment: env)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((object["steps"] as? [Any])?.count == 27)

            let negative = try await ReconcilerdProcess.run(["--once", "--plan-detail-limit", "many"], environment: env)
            #expect(negative.status == 64)
        }
    }

    @Test("--apply without --once is a usage error")
    func applyNeedsOnce() async throws {
        let result = try await ReconcilerdProcess.run(["--apply"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--apply only goes with --once"))
    }
}
