import AsteriskDoubles
import Foundation
import PGClient
import Testing
import TestSupport

@Suite("Reliability: secrets never leak")
struct SecretsTests {
    @Test("every output of every command, daemon log, plan (text and JSON), status row, metric and error holds no secret")
    func noSecretAnywhere() async throws {
        let transcript = Transcript("secrets")
        var commands = 0
        try await TestDatabases.with { databases in
            let migrate = try await ReconcilerdProcess.run(["migrate", "--ara-dsn", databases.adminARAURL])
            transcript.add(migrate)
            #expect(migrate.status == 0)
            let dograh = try await databases.adminDograh()
            let plain = Secrets.sip("sec-plain"), special = "sip-rel-sp;ec^ial'\"\\-" + UUID().uuidString.prefix(6)
            Secrets.register(special)
            try await DograhFixtures.insert(dograh, name: "Secret A", credentials: DograhFixtures.credentials(domain: "sa.3cx.cloud", extension: "100", password: plain))
            try await DograhFixtures.insert(dograh, name: "Secret B", credentials: DograhFixtures.credentials(domain: "sb.3cx.cloud", extension: "101", password: special))
            // An invalid one: its too-long password is reported by length only.
            let long = "sip-rel-toolong-" + String(repeating: "Zq", count: 60)
            Secrets.register(long)
            try await DograhFixtures.insert(dograh, name: "Secret C", credentials: DograhFixtures.credentials(domain: "sc.3cx.cloud", extension: "102", password: long))

            try await AsteriskRig.with(databases) { rig in
                let env = rig.environment(databases)
                func run(_ arguments: [String], _ environment: [String: String]? = nil) async throws -> ReconcilerdProcess.Output {
                    let output = try await ReconcilerdProcess.run(arguments, environment: environment ?? env)
                    transcript.add(output)
                    commands += 1
                    return output
                }
                _ = try await run(["--once"])
                _ = try await run(["--once", "--output", "json"])
                _ = try await run(["--once", "--apply"])
                // A password change: plans with a sensitive update, PJSIPRegister over AMI.
                let rotated = Secrets.sip("sec-rotated")
                try await dograh.query("UPDATE telephony_configurations SET credentials = \(DograhFixtures.credentials(domain: "sa.3cx.cloud", extension: "100", password: rotated))::json, updated_at = now() WHERE name = 'Secret A'")
                _ = try await run(["--once", "--output", "json"])
                _ = try await run(["--once", "--apply", "--output", "json"])
                _ = try await run(["--once", "--apply", "--log-format", "json"])
                _ = try await run(["status"])
                _ = try await run(["status", "--output", "json"])
                _ = try await run(["doctor"])

                // Wrong credentials everywhere: the errors name the user, never the secret.
                let wrongDSN = "dsn-rel-wrong-Kq93x"
                let wrongARI = "ari-rel-wrong-Lm20z"
                let wrongAMI = "ami-rel-wrong-Np57y"
                let malformedURL = "dsn-rel-malformed-Zt5r"
                let keyValue = "dsn-rel-kv-Hy7w"
                for secret in [wrongDSN, wrongARI, wrongAMI, malformedURL, keyValue] { Secrets.register(secret) }
                let hostPort = "127.0.0.1:\(databases.port)"
                _ = try await run(["--once"], env.merging(["ASTERISK_ARA_DSN": "postgresql://reconcilerd:\(wrongDSN)@\(hostPort)/\(databases.araName)"]) { $1 })
                _ = try await run(["--once"], env.merging(["DATABASE_URL": "postgresql+asyncpg://reconcilerd:\(wrongDSN)@\(hostPort)/\(databases.dograhName)"]) { $1 })
                _ = try await run(["--once"], env.merging(["DATABASE_URL": "postgresql://reconcilerd:\(malformedURL)@127.0.0.1:notaport/x"]) { $1 })
                _ = try await run(["--once"], env.merging(["ASTERISK_ARA_DSN": "host=127.0.0.1 password=\(keyValue) port=notaport dbname=x"]) { $1 })
                _ = try await run(["--once"], env.merging(["ASTERISK_ARA_DSN": "host=127.0.0.1 password='\(keyValue)' dbname=x user=nobody port=\(databases.port)"]) { $1 })
                _ = try await run(["--once"], env.merging(["ARI_PASSWORD": wrongARI, "AMI_SECRET": wrongAMI]) { $1 })
                _ = try await run(["doctor"], env.merging(["ARI_PASSWORD": wrongARI, "AMI_SECRET": wrongAMI, "ASTERISK_ARA_DSN": "postgresql://reconcilerd:\(wrongDSN)@\(hostPort)/\(databases.araName)"]) { $1 })
                _ = try await run(["--once", "--ari-password", wrongARI, "--ami-secret", wrongAMI])
                let configFile = FileManager.default.temporaryDirectory.appendingPathComponent("rel-\(UUID().uuidString).conf")
                try "ARI_PASSWORD=\(wrongARI)\nAMI_SECRET=\(wrongAMI)\nASTERISK_ARA_DSN=postgresql://reconcilerd:\(wrongDSN)@\(hostPort)/\(databases.araName)\n"
                    .write(to: configFile, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: configFile) }
                var noAsterisk = env
                for key in ["ARI_PASSWORD", "AMI_SECRET", "ASTERISK_ARA_DSN"] { noAsterisk[key] = nil }
                _ = try await run(["--once", "--config", configFile.path], noAsterisk)
                _ = try await run(["doctor", "--config", configFile.path], noAsterisk)

                // In-process error descriptions of the libpq layer.
                do {
                    _ = try await PGConnection.connect(try ConnectionString("postgresql://reconcilerd:\(wrongDSN)@\(hostPort)/\(databases.araName)"))
                    Issue.record("a wrong password must not connect")
                } catch {
                    transcript.add(String(describing: error))
                    transcript.add(String(reflecting: error))
                }
                do {
                    _ = try ConnectionString("postgresql://reconcilerd:\(malformedURL)@127.0.0.1:5432/db?sslmode=nonsense&x=\(malformedURL)")
                } catch {
                    transcript.add(String(describing: error))
                }
                transcript.add(String(describing: try ConnectionString(databases.araURL)))
                transcript.add(String(reflecting: try ConnectionString(databases.araURL)))

                // The daemon: debug logs, /metrics, /healthz, /readyz, a password change, ARI 401 and AMI auth failure.
                let port = try await HTTP.freePort()
                let daemon = try RunningReconcilerd([], environment: env.merging(["RECONCILERD_LISTEN": "127.0.0.1:\(port)", "RECONCILERD_RESYNC": "1s"]) { $1 })
                #expect(await daemon.waitFor { daemon.count("event=cycle.success") >= 1 }, "\(daemon.output)")
                let again = Secrets.sip("sec-daemon")
                try await dograh.query("UPDATE telephony_configurations SET credentials = \(DograhFixtures.credentials(domain: "sb.3cx.cloud", extension: "101", password: again))::json, updated_at = now() WHERE name = 'Secret B'")
                #expect(await daemon.waitFor(timeout: .seconds(10)) { daemon.count("event=apply.committed") >= 1 })
                let ara = try await databases.adminARA()
                try await ara.execute("UPDATE ps_auths SET password = 'hand-edited-pw-Rr81' WHERE id = 'dograh_sa_3cx_cloud_100'")
                Secrets.register("hand-edited-pw-Rr81")
                #expect(await daemon.waitFor(timeout: .seconds(10)) { daemon.count("event=drift.resolved") >= 1 }, "\(daemon.output.suffix(2000))")
                for path in ["/metrics", "/healthz", "/readyz", "/nope"] {
                    transcript.add(try await HTTP.get("http://127.0.0.1:\(port)\(path)").body)
                }
                #expect(await daemon.stop() == 0)
                transcript.add(daemon)
                let bad = try RunningReconcilerd([], environment: env.merging(["ARI_PASSWORD": wrongARI, "AMI_SECRET": wrongAMI]) { $1 })
                #expect(await bad.waitFor { bad.count("event=cycle.success") >= 1 })
                try await Task.sleep(for: .seconds(1))
                _ = await bad.stop()
                transcript.add(bad)
                for row in try await ARAFaults.statusRows(databases) { transcript.add(row) }
            }
        }
        transcript.finish()
        // Everything the suite produced so far, this test included.
        let ledger = Secrets.ledgerSnapshot
        let leaks = Secrets.leaks(in: ledger)
        let lines = ledger.reduce(0) { $0 + $1.split(separator: "\n", omittingEmptySubsequences: false).count }
        #expect(leaks.isEmpty)
        Figures.print("secrets_suite_total", [
            "commands_run_here": "\(commands)", "secrets_checked": "\(Secrets.all.count)", "outputs_in_ledger": "\(ledger.count)",
            "lines_scanned": "\(lines)", "leaked_secrets": "\(leaks.values.reduce(0, +))",
        ])
    }
}
