import DesiredState
import PGClient
import Reconciler
import Testing
import TestSupport
@testable import ARAAdapter

/// One reconcile cycle against the test databases, as reconcilerd runs it.
struct Harness {
    let databases: TestDatabases
    let dograhAdmin: PGConnection
    let araAdmin: PGConnection
    let store: ARAStore
    let reader: DograhReader

    static func make(_ databases: TestDatabases) async throws -> Harness {
        Harness(databases: databases, dograhAdmin: try await databases.adminDograh(), araAdmin: try await databases.adminARA(),
                store: try ARAStore(connection: try await databases.ara()), reader: DograhReader(connection: try await databases.dograh()))
    }

    func plan() async throws -> Plan {
        Planner.plan(desired: try await reader.snapshot(), actual: try await store.readOwned())
    }

    @discardableResult
    func cycle() async throws -> (Plan, ApplyReport) {
        let plan = try await plan()
        return (plan, try await store.apply(plan.steps))
    }

    func ownedRows() async throws -> Set<Row> { Set(try await store.readOwned()) }

    /// Cycles until nothing is left to do (deprovisioning takes two), returning the rows
    /// deleted in all.
    @discardableResult
    func converge() async throws -> (deleted: Int, created: Int, cycles: Int) {
        var deleted = 0, created = 0
        for round in 1...4 {
            let (plan, _) = try await cycle()
            deleted += plan.count(.delete)
            created += plan.count(.create)
            if plan.steps.isEmpty { return (deleted, created, round) }
        }
        return (deleted, created, 5)
    }
}

@Suite("ARA adapter: read owned rows, apply plans in one transaction")
struct ApplyTests {
    @Test("converge from empty writes exactly the derived rows; a second cycle is a no-op")
    func convergeAndIdempotence() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            try await DograhFixtures.insert(harness.dograhAdmin, name: "London",
                                            credentials: DograhFixtures.credentials(domain: "acme-uk.3cx.eu", extension: "201", stripPrefix: ""))
            let (first, report) = try await harness.cycle()
            #expect(first.count(.create) == 18)
            #expect(report.total == 18)
            let expected = Set(try await harness.reader.snapshot().trunks.flatMap { TrunkRows.rows(for: $0) })
            #expect(try await harness.ownedRows() == expected)

            let (second, secondReport) = try await harness.cycle()
            #expect(second.isEmpty)
            #expect(secondReport.total == 0)
        }
    }

    @Test("applying the same plan twice changes nothing the second time")
    func samePlanTwice() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            let plan = try await harness.plan()
            try await harness.store.apply(plan.steps)
            let after = try await ARAInspection.allRows(harness.araAdmin)
            try await harness.store.apply(plan.steps)
            #expect(try await ARAInspection.allRows(harness.araAdmin) == after)
            #expect(try await harness.plan().isEmpty)
        }
    }

    @Test("the operator's own rows in every table survive provisioning and deprovisioning untouched")
    func unownedRowsSurvive() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            try await ARAInspection.insertOperatorRows(harness.araAdmin)
            let before = try await ARAInspection.allRows(harness.araAdmin)
            let id = try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            try await harness.cycle()
            try await harness.dograhAdmin.query("DELETE FROM telephony_configurations WHERE id = \(id)")
            let result = try await harness.converge()
            #expect(result.deleted == 9)
            #expect(try await ARAInspection.allRows(harness.araAdmin) == before)
        }
    }

    @Test("a hand edit of an owned row shows as an update and is put back; unmanaged columns are left alone")
    func handEdit() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            try await harness.cycle()
            try await harness.araAdmin.execute("""
                UPDATE ps_endpoints SET from_user = '99999', language = 'it' WHERE id = 'dograh_1156_3cx_cloud_12611';
                UPDATE ps_registrations SET line = 'true' WHERE id = 'dograh_1156_3cx_cloud_12611';
                """)
            let (plan, _) = try await harness.cycle()
            // The boolean spelled `true` means `yes`: rewritten, marked as a canonical spelling.
            #expect(plan.steps.flatMap(\.changes).map { "\($0.column) \($0.canonicalSpelling)" } == ["from_user false", "line true"])
            let line = try await harness.araAdmin.query("SELECT line FROM ps_registrations WHERE id = 'dograh_1156_3cx_cloud_12611'")
            #expect(line.rows == [["yes"]])
            let row = try await harness.araAdmin.query("SELECT from_user, language FROM ps_endpoints WHERE id = 'dograh_1156_3cx_cloud_12611'")
            #expect(row.rows == [["12611", "it"]])
        }
    }

    @Test("deprovisioning, inactive flips and a domain change leave exactly the desired rows")
    func lifecycle() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            let id = try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            try await harness.cycle()

            try await harness.dograhAdmin.query("UPDATE telephony_configurations SET inactive = true WHERE id = \(id)")
            // Two-phase: the registration row first, the rest in the next cycle.
            let (phase1, _) = try await harness.cycle()
            #expect(phase1.count(.delete) == 1 && phase1.steps.first?.key.table == .psRegistrations)
            #expect(try await harness.ownedRows().count == 8)
            #expect(try await harness.cycle().0.count(.delete) == 8)
            #expect(try await harness.ownedRows().isEmpty)

            try await harness.dograhAdmin.query("UPDATE telephony_configurations SET inactive = false WHERE id = \(id)")
            #expect(try await harness.cycle().0.count(.create) == 9)

            let moved = DograhFixtures.credentials(domain: "9999.3cx.cloud")
            try await harness.dograhAdmin.query("UPDATE telephony_configurations SET credentials = \(moved)::json WHERE id = \(id)")
            let result = try await harness.converge()
            #expect(result.created == 9 && result.deleted == 9 && result.cycles == 3)
            #expect(Set(try await harness.ownedRows().map(\.key.endpointID)) == ["dograh_9999_3cx_cloud_12611"])

            try await harness.dograhAdmin.query("DELETE FROM telephony_configurations WHERE id = \(id)")
            try await harness.converge()
            #expect(try await harness.ownedRows().isEmpty)
        }
    }

    @Test("values with ; ^ quotes and SQL are stored literally (escaped for Asterisk)")
    func literalStorage() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            let password = "p;w^d'); DROP TABLE ps_auths;--\"\\"
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Robert'); DROP TABLE x;--",
                                            credentials: DograhFixtures.credentials(password: password))
            try await harness.cycle()
            let stored = try await harness.araAdmin.query("SELECT password FROM ps_auths WHERE id = 'dograh_1156_3cx_cloud_12611'")
            #expect(stored.rows == [[AsteriskEscaping.escape(password)]])
            #expect(try await harness.plan().isEmpty)
        }
    }

    @Test("one failing statement rolls the whole apply back: nothing is half-applied")
    func rollback() async throws {
        try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            var steps = try await harness.plan().steps
            // extensions.app is varchar(40): the last table written fails after the others succeeded.
            let bad = Row(key: RowKey(table: .extensions, parts: ["dograh_bad-inbound", "1", "1"]),
                          values: [String(repeating: "x", count: 41), "data"])
            steps.append(.create(bad))
            do {
                try await harness.store.apply(steps)
                Issue.record("expected the apply to fail")
            } catch let error as ARAError {
                #expect(error.underlying?.sqlstate == "22001")
                #expect(error.description.contains("extensions"))
                #expect(error.description.contains("rolled back"))
            }
            #expect(try await harness.ownedRows().isEmpty)
        }
    }

    @Test("the runtime role has DML only and that is enough")
    func dmlOnly() async throws {
        try await TestDatabases.with { databases in
            let connection = try await databases.ara()
            await #expect(throws: PGError.self) { try await connection.execute("CREATE TABLE sneaky (x int)") }
            let harness = try await Harness.make(databases)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            #expect(try await harness.cycle().1.total == 9)
        }
    }

    @Test("a configurable config table and filename are honoured; a bad table name is refused")
    func configTable() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminARA()
            try await admin.execute("CREATE TABLE my_static (LIKE ast_config INCLUDING ALL); GRANT SELECT, INSERT, UPDATE, DELETE ON my_static TO reconcilerd")
            let names = ARANames(configTable: "my_static", configFilename: "dograh.conf")
            let store = try ARAStore(connection: try await databases.ara(), names: names)
            let trunk = try ConfigurationValidator.validate(ConfigurationRecord(id: 1, organizationID: 1, name: "a", credentialsJSON: DograhFixtures.credentials(), inactive: false)).get()
            let plan = Planner.plan(desired: DesiredSnapshot(trunks: [trunk], skipped: []), actual: try await store.readOwned(), names: names)
            try await store.apply(plan.steps)
            let rows = try await admin.query("SELECT filename, category FROM my_static ORDER BY category")
            #expect(rows.rows == [["dograh.conf", "dograh_1156_3cx_cloud_12611-inbound"], ["dograh.conf", "dograh_1156_3cx_cloud_12611-outbound"]])
            #expect(try await admin.query("SELECT count(*) FROM ast_config").scalar() == "0")
            #expect(throws: ARAError.self) { try ARAStore(connection: admin, names: ARANames(configTable: "x; DROP TABLE y")) }
        }
    }
}
