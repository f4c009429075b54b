import Foundation
import PGClient
import Testing
import TestSupport

@Suite("graceful shutdown and doctor")
struct ShutdownAndDoctorTests {
    @Test("SIGTERM during a large first apply: exit 0 and the rows are all there or none (never half)")
    func sigtermMidCycle() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await admin.execute("INSERT INTO organizations (id, provider_id) VALUES (1, 'org-1')")
            try await admin.execute("""
                INSERT INTO telephony_configurations (organization_id, name, provider, credentials, created_at, updated_at)
                SELECT 1, 'trunk ' || n, 'three_cx',
                       json_build_object('sip_domain', 'p' || n || '.3cx.cloud', 'extension', '100', 'sip_password', 'sip-secret-x', 'app_name', 'dograh'),
                       now(), now()
                FROM generate_series(1, 1500) AS n
                """)
            let daemon = try RunningReconcilerd([], environment: [
                "DATABASE_URL": databases.dograhURL, "ASTERISK_ARA_DSN": databases.araURL, "RECONCILERD_LISTEN": "",
                "RECONCILERD_LOG_LEVEL": "debug",
            ])
            #expect(await daemon.waitFor { daemon.output.contains("event=daemon.started") })
            try await Task.sleep(for: .milliseconds(300))
            #expect(await daemon.stop() == 0, "\(daemon.output)")
            let ara = try await databases.adminARA()
            var counts: [Int] = []
            for table in ["ps_auths", "ps_aors", "ps_endpoints", "ps_registrations"] {
                counts.append(Int(try await ara.query(SQLQuery(unsafeSQL: "SELECT count(*) FROM \(table)")).scalar() ?? "") ?? -1)
            }
            let extensions = Int(try await ara.query("SELECT count(*) FROM extensions").scalar() ?? "") ?? -1
            #expect(Set(counts).count == 1, "tables disagree: \(counts)")
            #expect(counts[0] == 0 || counts[0] == 1500)
            #expect(extensions == counts[0] * 3)
            #expect(daemon.output.contains("event=daemon.stopped"))
            // The leader lock went with the process: a new writer gets it at once.
            let lock = try await databases.ara()
            #expect(try await lock.query("SELECT pg_try_advisory_lock(\(Int(0x7265_636F))::int4, \(Int(0x6E63_6C64))::int4)").scalar() == "t")
        }
    }

    @Test("doctor: one line per check with a fix hint; exit 1 when something is missing")
    func doctor() async throws {
        try await TestDatabases.with { databases in
            try await AsteriskHarness.with(databases) { asterisk in
                let env = asterisk.environment(databases)
                let result = try await ReconcilerdProcess.run(["doctor"], environment: env)
                #expect(result.stdout.contains("ok    dograh database"))
                #expect(result.stdout.contains("ok    ara write access"))
                #expect(result.stdout.contains("ok    ara server: PostgreSQL 1"), "\(result.stdout)")
                #expect(result.stdout.contains("ok    module res_pjsip_outbound_registration.so"))
                #expect(result.stdout.contains("ok    ami: logged in"))
                let failing = result.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
                #expect(result.status == (failing.isEmpty ? 0 : 1))
                #expect(!result.all.contains(AsteriskHarness.ariPassword) && !result.all.contains(AsteriskHarness.amiSecret))

                let admin = try await databases.adminARA()
                try await admin.execute("REVOKE INSERT ON ps_auths FROM reconcilerd")
                let broken = try await ReconcilerdProcess.run(["doctor"], environment: env.merging(["AMI_SECRET": "wrong"]) { $1 })
                #expect(broken.status == 1)
                #expect(broken.stdout.contains("FAIL  ara write access"))
                #expect(broken.stdout.contains("fix: GRANT SELECT, INSERT, UPDATE, DELETE"))
                #expect(broken.stdout.contains("FAIL  ami: cannot log in"))
            }
        }
    }
}
