import Foundation
import PGClient
import Testing
import TestSupport

@Suite("doctor: Dograh's schema version")
struct DoctorSchemaTests {
    func environment(_ databases: TestDatabases) -> [String: String] {
        ["DATABASE_URL": databases.dograhURL, "ASTERISK_ARA_DSN": databases.araURL]
    }

    @Test("a Dograh without the inactive column is named too old, with the migration it needs; the ARA checks still run")
    func tooOld() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await admin.execute("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
            try await admin.execute("INSERT INTO alembic_version VALUES ('5d1e0b7f2a90')")
            try await admin.execute("GRANT SELECT ON alembic_version TO reconcilerd")

            let current = try await ReconcilerdProcess.run(["doctor"], environment: environment(databases))
            #expect(current.stdout.contains("ok    dograh schema: schema has telephony_configurations.inactive (alembic_version: 5d1e0b7f2a90)"), "\(current.all)")
            #expect(current.stdout.contains("ok    dograh database"))

            try await admin.execute("ALTER TABLE telephony_configurations DROP COLUMN inactive CASCADE")
            let old = try await ReconcilerdProcess.run(["doctor"], environment: environment(databases))
            #expect(old.status == 1)
            #expect(old.stdout.contains(
                "FAIL  dograh schema: Dograh's database is too old (alembic_version: 5d1e0b7f2a90): telephony_configurations has no inactive column; "
                    + "reconcilerd needs Dograh migration c7a1e4f93b26 or later — fix: upgrade Dograh"), "\(old.all)")
            // Not the reader's SQL error.
            #expect(!old.all.contains("does not exist"), "\(old.all)")
            #expect(old.stdout.contains("ok    ara database"), "\(old.all)")
        }
    }

    @Test("no alembic_version and no telephony_configurations: not Dograh's database")
    func notDograh() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await admin.execute("DROP TABLE telephony_configurations CASCADE")
            let result = try await ReconcilerdProcess.run(["doctor"], environment: environment(databases))
            #expect(result.status == 1)
            #expect(result.stdout.contains("FAIL  dograh schema: no telephony_configurations table (no alembic_version table)"), "\(result.all)")
        }
    }
}
