import Foundation
import PGClient
import Testing
import TestSupport

/// The lifecycle rules end to end through `--once`, against the test Postgres.
@Suite("Lifecycle: held at the last valid version, inactive wins, one writer")
struct LifecycleCommandTests {
    func environment(_ databases: TestDatabases) -> [String: String] {
        ["DATABASE_URL": databases.dograhURL, "ASTERISK_ARA_DSN": databases.araURL]
    }

    /// A SIP domain whose endpoint id would exceed Asterisk's 31 characters.
    static let tooLong = "a-very-long-tenant-name.3cx.cloud"

    @Test("an edit that breaks a working configuration keeps its trunk exactly as it was, until it is fixed")
    func brokenEditIsHeld() async throws {
        try await TestDatabases.with { databases in
            let migrate = try await ReconcilerdProcess.run(["migrate", "--ara-dsn", databases.adminARAURL])
            #expect(migrate.status == 0, "\(migrate.all)")
            let admin = try await databases.adminDograh()
            let id = try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let env = environment(databases)
            #expect(try await ReconcilerdProcess.run(["--once", "--apply"], environment: env).status == 0)
            let ara = try await databases.adminARA()
            let working = try await ARAInspection.allRows(ara)
            let record = try await ara.query("SELECT configuration_id, endpoint_id FROM reconcilerd_endpoints").rows.map { $0.map { $0 ?? "" } }
            #expect(record == [["\(id)", "dograh_1156_3cx_cloud_12611"]])

            try await admin.query("UPDATE telephony_configurations SET credentials = \(DograhFixtures.credentials(domain: Self.tooLong))::json WHERE id = \(id)")
            let dryRun = try await ReconcilerdProcess.run(["--once"], environment: env)
            #expect(dryRun.stdout.contains("held: last valid version, sip_domain:"), "\(dryRun.all)")
            #expect(dryRun.stdout.contains("dograh_1156_3cx_cloud_12611"), "the plan names the trunk it keeps")
            #expect(!dryRun.stdout.contains("delete"), "\(dryRun.stdout)")
            let apply = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
            #expect(apply.status == 0, "\(apply.all)")
            #expect(try await ARAInspection.allRows(ara) == working, "not one row of the working trunk changed")
            #expect(apply.stderr.contains("held: last valid version"), "the alert says so: \(apply.stderr)")

            // Fixed with a new password: the held trunk follows the new version.
            try await admin.query("UPDATE telephony_configurations SET credentials = \(DograhFixtures.credentials(password: "sip-secret-2"))::json WHERE id = \(id)")
            let fixed = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
            #expect(fixed.status == 0, "\(fixed.all)")
            #expect(fixed.stdout.contains("~ update ps_auths dograh_1156_3cx_cloud_12611"), "\(fixed.stdout)")
        }
    }

    @Test("inactive wins over broken credentials: the trunk is deprovisioned, two-phase")
    func inactiveAndBrokenIsDeprovisioned() async throws {
        try await TestDatabases.with { databases in
            _ = try await ReconcilerdProcess.run(["migrate", "--ara-dsn", databases.adminARAURL])
            let admin = try await databases.adminDograh()
            let id = try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let env = environment(databases)
            #expect(try await ReconcilerdProcess.run(["--once", "--apply"], environment: env).status == 0)
            try await admin.query("""
                UPDATE telephony_configurations SET inactive = true, credentials = \(DograhFixtures.credentials(password: nil))::json WHERE id = \(id)
                """)
            let first = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
            #expect(first.status == 0, "\(first.all)")
            #expect(first.stdout.contains("- delete ps_registrations dograh_1156_3cx_cloud_12611"), "\(first.stdout)")
            #expect(first.stderr.contains("reload res_pjsip_outbound_registration.so"), "phase two waits for the reload: \(first.stderr)")
            let second = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
            #expect(second.status == 0, "\(second.all)")
            let ara = try await databases.adminARA()
            #expect(try await ARAInspection.allRows(ara).isEmpty, "every row of the inactive trunk is gone")
        }
    }

    @Test("--once --apply next to a daemon holding the leader lock waits, then exits 1 naming the lock and its holder, writing nothing")
    func secondWriterIsRefused() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let holder = try await PGConnection.connect(try ConnectionString(databases.araURL), applicationName: "reconcilerd-leader")
            #expect(try await holder.query("SELECT pg_try_advisory_lock(1919247215::int4, 1852009572::int4)").scalar() == "t")
            let pid = await holder.backendPID()
            let env = environment(databases)

            let started = Date()
            let refused = try await ReconcilerdProcess.run(["--once", "--apply", "--lock-wait", "1s"], environment: env)
            #expect(refused.status == 1, "\(refused.all)")
            #expect(Date().timeIntervalSince(started) >= 1, "it waited for the lock first")
            #expect(refused.stderr.contains("leader lock is held by another reconcilerd"), "\(refused.stderr)")
            #expect(refused.stderr.contains("backend pid \(pid)"), "\(refused.stderr)")
            #expect(refused.stderr.contains("application_name reconcilerd-leader"), "\(refused.stderr)")
            let ara = try await databases.adminARA()
            #expect(try await ARAInspection.allRows(ara).isEmpty, "nothing was written")

            let dryRun = try await ReconcilerdProcess.run(["--once"], environment: env)
            #expect(dryRun.status == 2, "a dry run does not need the lock: \(dryRun.all)")

            _ = try await holder.query("SELECT pg_advisory_unlock_all()")
            let applied = try await ReconcilerdProcess.run(["--once", "--apply", "--lock-wait", "1s"], environment: env)
            #expect(applied.status == 0, "\(applied.all)")
        }
    }
}
