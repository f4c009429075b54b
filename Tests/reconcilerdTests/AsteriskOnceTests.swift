import AsteriskDoubles
import Foundation
import Testing
import TestSupport

@Suite("reconcilerd --once with Asterisk (ARI/AMI doubles)")
struct AsteriskOnceTests {
    func insertTrunks(_ databases: TestDatabases, count: Int) async throws {
        let admin = try await databases.adminDograh()
        for index in 0..<count {
            try await DograhFixtures.insert(admin, name: "Trunk \(index)",
                                            credentials: DograhFixtures.credentials(domain: "pbx\(index).3cx.cloud", extension: "10\(index)",
                                                                                    password: "sip-secret-\(index)"))
        }
    }

    @Test("N new registrations: exactly one reload of each module; a no-op cycle reloads nothing; status is shown")
    func reloadOnce() async throws {
        try await TestDatabases.with { databases in
            try await insertTrunks(databases, count: 4)
            try await AsteriskHarness.with(databases) { asterisk in
                let env = asterisk.environment(databases)
                let applied = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
                #expect(applied.status == 0, "\(applied.all)")
                #expect(asterisk.reloads.sorted() == ["pbx_config.so", "res_pjsip_outbound_registration.so"])
                #expect(applied.stdout.contains("Asterisk: reload res_pjsip_outbound_registration.so — done."))
                #expect(asterisk.registers.isEmpty)

                let again = try await ReconcilerdProcess.run(["--once"], environment: env)
                #expect(again.status == 0, "\(again.all)")
                #expect(again.stdout.components(separatedBy: "registration: Registered").count == 5)
                #expect(asterisk.reloads.count == 2, "a no-op cycle must not reload")
                for secret in [AsteriskHarness.ariPassword, AsteriskHarness.amiSecret, "sip-secret-1"] {
                    #expect(!(applied.all + again.all).contains(secret))
                }
            }
        }
    }

    @Test("a password change sends PJSIPRegister for that trunk only, and no reload")
    func registerOnPasswordChange() async throws {
        try await TestDatabases.with { databases in
            try await insertTrunks(databases, count: 3)
            try await AsteriskHarness.with(databases) { asterisk in
                let env = asterisk.environment(databases)
                #expect(try await ReconcilerdProcess.run(["--once", "--apply"], environment: env).status == 0)
                let admin = try await databases.adminDograh()
                let fixed = DograhFixtures.credentials(domain: "pbx1.3cx.cloud", extension: "101", password: "sip-secret-new")
                try await admin.query("UPDATE telephony_configurations SET credentials = \(fixed)::json WHERE name = 'Trunk 1'")
                let reloadsBefore = asterisk.reloads.count
                let result = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
                #expect(result.status == 0, "\(result.all)")
                #expect(asterisk.registers == ["dograh_pbx1_3cx_cloud_101"])
                #expect(asterisk.reloads.count == reloadsBefore)
                #expect(!result.all.contains("sip-secret-new"))
            }
        }
    }

    @Test("Asterisk down: rows still commit, exit 1; the next run sees the stale registrations and reloads")
    func asteriskDownThenRecovers() async throws {
        try await TestDatabases.with { databases in
            try await insertTrunks(databases, count: 2)
            try await AsteriskHarness.with(databases) { asterisk in
                let down = asterisk.environment(databases, ariURL: "http://127.0.0.1:1")
                let failed = try await ReconcilerdProcess.run(["--once", "--apply"], environment: down)
                #expect(failed.status == 1)
                #expect(failed.stderr.contains("rows committed, but Asterisk did not confirm:"))
                #expect(failed.stderr.contains("reload res_pjsip_outbound_registration.so; run again when Asterisk answers"))
                #expect(failed.stdout.contains("registration: unknown (Asterisk not reachable)"))
                #expect(!failed.all.contains(AsteriskHarness.ariPassword))

                let env = asterisk.environment(databases)
                let dryRun = try await ReconcilerdProcess.run(["--once"], environment: env)
                #expect(dryRun.status == 2, "stale Asterisk counts as pending: \(dryRun.all)")
                #expect(dryRun.stdout.contains("registration not loaded by Asterisk (stale)"))
                #expect(dryRun.stdout.contains("2 Asterisk registrations stale."))

                #expect(try await ReconcilerdProcess.run(["--once", "--apply"], environment: env).status == 0)
                #expect(asterisk.reloads.contains("res_pjsip_outbound_registration.so"))
                let settled = try await ReconcilerdProcess.run(["--once"], environment: env)
                #expect(settled.status == 0, "\(settled.all)")
            }
        }
    }

    @Test("deprovisioning is two-phase: registration row, reload, wait, then the rest")
    func twoPhaseDeprovisioning() async throws {
        try await TestDatabases.with { databases in
            try await insertTrunks(databases, count: 1)
            try await AsteriskHarness.with(databases) { asterisk in
                let env = asterisk.environment(databases)
                #expect(try await ReconcilerdProcess.run(["--once", "--apply"], environment: env).status == 0)
                let admin = try await databases.adminDograh()
                try await admin.query("DELETE FROM telephony_configurations")
                asterisk.state.setRemovalLag(listings: 2)
                asterisk.state.clearRecordings()

                let result = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
                #expect(result.status == 0, "\(result.all)")
                #expect(result.stdout.contains("Plan: 0 to create, 0 to update, 1 to delete. 8 row changes held back."))
                #expect(result.stdout.contains("held back, awaiting unregistration"))
                #expect(result.stdout.contains("Plan: 0 to create, 0 to update, 8 to delete."))
                // The wait polled AMI until the registration was gone, after the reload.
                let actions = asterisk.state.amiActions.map(\.name)
                #expect(actions.filter { $0 == "PJSIPShowRegistrationsOutbound" }.count >= 3)
                #expect(asterisk.reloads.first == "res_pjsip_outbound_registration.so")
                let araAdmin = try await databases.adminARA()
                #expect(try await araAdmin.query("SELECT count(*) FROM ps_auths WHERE id LIKE 'dograh%'").scalar() == "0")
                #expect(asterisk.state.liveRegistrations.isEmpty)
            }
        }
    }

    @Test("a trunk with a call up keeps its credentials until the call ends")
    func callHold() async throws {
        try await TestDatabases.with { databases in
            try await insertTrunks(databases, count: 1)
            try await AsteriskHarness.with(databases) { asterisk in
                let env = asterisk.environment(databases)
                #expect(try await ReconcilerdProcess.run(["--once", "--apply"], environment: env).status == 0)
                let id = "dograh_pbx0_3cx_cloud_100"
                asterisk.state.setEndpoint(DoubleEndpoint(resource: id, state: "online", channelIDs: ["1795752212.10"]), resource: id)
                let admin = try await databases.adminDograh()
                let rotated = DograhFixtures.credentials(domain: "pbx0.3cx.cloud", extension: "100", password: "sip-secret-rotated")
                try await admin.query("UPDATE telephony_configurations SET credentials = \(rotated)::json")

                let held = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
                #expect(held.status == 0)
                #expect(held.stdout.contains("held back, pending (active calls)"))
                #expect(asterisk.registers.isEmpty)

                asterisk.state.setEndpoint(DoubleEndpoint(resource: id), resource: id)
                let released = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
                #expect(released.status == 0)
                #expect(asterisk.registers == [id])
            }
        }
    }
}

@Suite("reconcilerd daemon with Asterisk")
struct DaemonAsteriskTests {
    @Test("a change held for an active call is applied once --max-hold has passed")
    func maxHold() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials(domain: "pbx0.3cx.cloud", extension: "100"))
            try await AsteriskHarness.with(databases) { asterisk in
                var env = asterisk.environment(databases)
                #expect(try await ReconcilerdProcess.run(["--once", "--apply"], environment: env).status == 0)
                let id = "dograh_pbx0_3cx_cloud_100"
                asterisk.state.setEndpoint(DoubleEndpoint(resource: id, state: "online", channelIDs: ["call-1"]), resource: id)
                let rotated = DograhFixtures.credentials(domain: "pbx0.3cx.cloud", extension: "100", password: "sip-secret-rotated")
                try await admin.query("UPDATE telephony_configurations SET credentials = \(rotated)::json")
                env.merge(["RECONCILERD_INTERVAL": "200ms", "RECONCILERD_MAX_HOLD": "2s", "RECONCILERD_LISTEN": ""]) { $1 }
                let clock = ContinuousClock()
                let start = clock.now
                let daemon = try RunningReconcilerd([], environment: env)
                #expect(await daemon.waitFor(timeout: .seconds(15)) { asterisk.registers == [id] }, "\(daemon.output)")
                #expect(clock.now - start >= .seconds(2), "held while the call was up")
                #expect(await daemon.stop() == 0)
            }
        }
    }
}
