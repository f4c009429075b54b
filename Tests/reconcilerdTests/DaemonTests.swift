import Foundation
import PGClient
import Testing
import TestSupport

@Suite("reconcilerd daemon: control loop, alerts, guards, leadership, shutdown")
struct DaemonTests {
    func environment(_ databases: TestDatabases, _ extra: [String: String] = [:]) -> [String: String] {
        ["DATABASE_URL": databases.dograhURL, "ASTERISK_ARA_DSN": databases.araURL,
         "RECONCILERD_INTERVAL": "200ms", "RECONCILERD_LISTEN": "", "RECONCILERD_LOG_LEVEL": "debug"].merging(extra) { $1 }
    }

    func ownedCount(_ databases: TestDatabases, table: String = "ps_auths") async throws -> Int {
        let admin = try await databases.adminARA()
        return Int(try await admin.query(SQLQuery(unsafeSQL: "SELECT count(*) FROM \(table) WHERE id LIKE 'dograh%'")).scalar() ?? "") ?? -1
    }

    @Test("a new configuration is provisioned within an interval; no-op polls skip the full diff; SIGTERM exits 0")
    func picksUpChanges() async throws {
        try await TestDatabases.with { databases in
            let daemon = try RunningReconcilerd([], environment: environment(databases))
            #expect(await daemon.waitFor { daemon.count("event=cycle.success") >= 1 })
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            #expect(try await daemon.waitFor(timeout: .seconds(5)) { try await ownedCount(databases) == 1 }, "\(daemon.output)")
            let skippedBefore = daemon.count("event=cycle.skipped")
            try await Task.sleep(for: .seconds(1))
            #expect(daemon.count("event=cycle.skipped") > skippedBefore, "quiet polls only run the cheap check")
            #expect(await daemon.stop() == 0)
            #expect(daemon.output.contains("event=daemon.stopped"))
        }
    }

    @Test("the resync pass catches a hand edit, puts it back and logs drift.row once, then drift.resolved once")
    func resyncHealsHandEdit() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let daemon = try RunningReconcilerd([], environment: environment(databases, ["RECONCILERD_RESYNC": "1s"]))
            #expect(try await daemon.waitFor { try await ownedCount(databases) == 1 })
            let ara = try await databases.adminARA()
            try await ara.execute("UPDATE ps_endpoints SET from_user = 'hacked' WHERE id = 'dograh_1156_3cx_cloud_12611'")
            #expect(try await daemon.waitFor(timeout: .seconds(6)) {
                try await ara.query("SELECT from_user FROM ps_endpoints WHERE id = 'dograh_1156_3cx_cloud_12611'").scalar() == "12611"
            })
            #expect(await daemon.waitFor { daemon.count("event=drift.resolved") == 1 })
            #expect(daemon.count(" event=drift.row") == 1)
            #expect(daemon.lines.first { $0.contains(" event=drift.row") }?.contains("columns=from_user") == true)
            _ = await daemon.stop()
        }
    }

    @Test("observe mode reports drift without writing; a persisting drift is logged once per --realert, its fix once")
    func observeMode() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let daemon = try RunningReconcilerd(["--mode", "observe"], environment: environment(databases, ["RECONCILERD_RESYNC": "200ms", "RECONCILERD_REALERT": "1h"]))
            #expect(await daemon.waitFor { daemon.count("event=cycle.success") >= 5 })
            #expect(try await ownedCount(databases) == 0, "observe mode must not write")
            #expect(daemon.count(" event=drift.") == 0, "a new trunk to provision is not drift")
            let unexpected = try await databases.adminARA()
            try await unexpected.execute("INSERT INTO extensions (context, exten, priority, app, appdata) VALUES ('dograh_x-inbound', '1', 1, 'NoOp', '')")
            #expect(await daemon.waitFor { daemon.count("event=cycle.success") >= 12 })
            // Rows of a trunk nobody wants are deprovisioning work, not drift; logged nowhere.
            try await unexpected.execute("DELETE FROM extensions WHERE context = 'dograh_x-inbound'")
            let before = daemon.count("event=cycle.success")
            #expect(await daemon.waitFor { daemon.count("event=cycle.success") >= before + 5 })
            #expect(daemon.count("event=apply.committed") == 0)
            _ = await daemon.stop()
        }
    }

    @Test("Dograh unreadable: nothing is deleted, the failure is logged once, backoff, and it recovers")
    func dograhOutage() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let daemon = try RunningReconcilerd([], environment: environment(databases))
            #expect(try await daemon.waitFor { try await ownedCount(databases) == 1 })
            try await admin.execute("REVOKE SELECT ON telephony_configurations FROM reconcilerd")
            #expect(await daemon.waitFor { daemon.count("event=cycle.failed") >= 2 })
            try await Task.sleep(for: .seconds(2))
            #expect(try await ownedCount(databases) == 1, "an unreadable desired state must never delete")
            #expect(daemon.count("level=error") == 1, "the same failure is logged once:\n\(daemon.output)")
            // Backoff: 1 s, 2 s, ... so only a few attempts in 2 s at a 200 ms interval.
            #expect(daemon.count("event=cycle.failed") <= 4)
            try await admin.execute("GRANT SELECT ON telephony_configurations TO reconcilerd")
            try await admin.execute("DELETE FROM telephony_configurations")
            #expect(await daemon.waitFor(timeout: .seconds(10)) { daemon.count("event=cycle.recovered") == 1 })
            #expect(try await daemon.waitFor(timeout: .seconds(10)) { try await ownedCount(databases) == 0 })
            _ = await daemon.stop()
        }
    }

    @Test("the prune budget blocks a mass delete (prune.blocked) until --allow-mass-delete")
    func massDeleteGuard() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            for index in 0..<4 {
                try await DograhFixtures.insert(admin, name: "T\(index)", credentials: DograhFixtures.credentials(domain: "p\(index).3cx.cloud"))
            }
            let env = environment(databases)
            #expect(try await ReconcilerdProcess.run(["--once", "--apply"], environment: env).status == 0)
            try await admin.execute("DELETE FROM telephony_configurations")
            let daemon = try RunningReconcilerd([], environment: env)
            #expect(await daemon.waitFor { daemon.count("event=prune.blocked") == 1 })
            #expect(try await ownedCount(databases) == 4)
            _ = await daemon.stop()

            let once = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
            #expect(once.stdout.contains("held back, blocked by the prune budget"))
            #expect(try await ownedCount(databases, table: "ps_registrations") == 4)
            let allowed = try await ReconcilerdProcess.run(["--once", "--apply", "--allow-mass-delete"], environment: env)
            #expect(allowed.status == 0)
            // Without Asterisk to reload, a run stops after the registrations and says so.
            #expect(allowed.stderr.contains("then run again to remove the remaining rows"))
            #expect(try await ownedCount(databases, table: "ps_registrations") == 0)
            #expect(try await ownedCount(databases) == 4)
            #expect(try await ReconcilerdProcess.run(["--once", "--apply", "--allow-mass-delete"], environment: env).status == 0)
            #expect(try await ownedCount(databases) == 0)
        }
    }

    @Test("two daemons: exactly one writes; after the writer is killed the standby takes over")
    func leaderElection() async throws {
        try await TestDatabases.with { databases in
            let env = environment(databases)
            let first = try RunningReconcilerd([], environment: env)
            #expect(await first.waitFor { first.count("event=cycle.success") >= 1 })
            let second = try RunningReconcilerd([], environment: env)
            #expect(await second.waitFor { second.count("event=cycle.success") >= 1 })
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            #expect(try await first.waitFor { try await ownedCount(databases) == 1 })
            try await Task.sleep(for: .milliseconds(500))
            #expect(first.count("event=apply.committed") == 1)
            #expect(second.count("event=apply.committed") == 0, "the standby must not write")

            first.signal(SIGKILL)
            _ = await first.stop()
            try await DograhFixtures.insert(admin, name: "London", credentials: DograhFixtures.credentials(domain: "uk.3cx.eu"))
            #expect(try await second.waitFor(timeout: .seconds(10)) { try await ownedCount(databases) == 2 }, "\(second.output)")
            #expect(second.count("event=apply.committed") == 1)
            #expect(await second.stop() == 0)
        }
    }

    @Test("migrate creates reconcilerd_status; the daemon fills it; status prints it")
    func statusTable() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            try await DograhFixtures.insert(admin, name: "Broken", credentials: DograhFixtures.credentials(domain: "b.3cx.cloud", password: nil))
            let migrate = try await ReconcilerdProcess.run(["migrate", "--ara-dsn", databases.adminARAURL])
            #expect(migrate.status == 0, "\(migrate.all)")
            let daemon = try RunningReconcilerd([], environment: environment(databases))
            let ara = try await databases.adminARA()
            #expect(await daemon.waitFor {
                (try? await ara.query("SELECT count(*) FROM reconcilerd_status").scalar()) == "2"
            })
            _ = await daemon.stop()
            let status = try await ReconcilerdProcess.run(["status"], environment: environment(databases))
            #expect(status.status == 0, "\(status.all)")
            #expect(status.stdout.contains("dograh_1156_3cx_cloud_12611"))
            #expect(status.stdout.contains("sip_password: is missing"))
            let json = try await ReconcilerdProcess.run(["status", "--output", "json"], environment: environment(databases))
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == 2)
            #expect(rows.first?["synced"] as? Bool == true)
        }
    }
}

@Suite("reconcilerd daemon: HTTP endpoint")
struct DaemonHTTPTests {
    @Test("/healthz, /readyz and /metrics answer, and the metrics move with the cycles")
    func metricsMove() async throws {
        try await TestDatabases.with { databases in
            let port = try await LoopbackTools.freePort()
            let daemon = try RunningReconcilerd([], environment: [
                "DATABASE_URL": databases.dograhURL, "ASTERISK_ARA_DSN": databases.araURL,
                "RECONCILERD_INTERVAL": "200ms", "RECONCILERD_LISTEN": "127.0.0.1:\(port)",
            ])
            let base = "http://127.0.0.1:\(port)"
            #expect(try await daemon.waitFor { try await LoopbackTools.get(base + "/readyz").status == 200 }, "\(daemon.output)")
            let health = try await LoopbackTools.get(base + "/healthz")
            #expect(health.status == 200 && health.body.hasPrefix("ok"))
            #expect(try await LoopbackTools.get(base + "/nope").status == 404)
            let before = try await LoopbackTools.get(base + "/metrics").body
            #expect(before.contains("reconcilerd_leader 1"))
            #expect(before.contains(#"reconcilerd_apply_actions_total{table="ps_auths",verb="create"} 0"#))

            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            #expect(try await daemon.waitFor {
                try await LoopbackTools.get(base + "/metrics").body.contains(#"reconcilerd_apply_actions_total{table="ps_auths",verb="create"} 1"#)
            })
            let after = try await LoopbackTools.get(base + "/metrics").body
            #expect(after.contains(#"reconcilerd_trunks{registration="unknown"} 1"#))
            #expect(after.contains(#"reconcilerd_cycles_total{result="skipped"}"#))
            #expect(!after.contains("sip-secret"))
            #expect(await daemon.stop() == 0)
        }
    }
}
