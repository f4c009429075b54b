import PGClient
import Reconciler
import Testing
import TestSupport
@testable import ARAAdapter

@Suite("ARA adapter: bulk creates by COPY, with the upsert as fallback")
struct BulkCreateTests {
    /// A harness whose store takes the COPY path from the first create on.
    private func bulkHarness(_ databases: TestDatabases) async throws -> Harness {
        let harness = try await Harness.make(databases)
        let store = try ARAStore(connection: try await databases.ara(), bulkCreateThreshold: 1)
        return Harness(databases: databases, dograhAdmin: harness.dograhAdmin, araAdmin: harness.araAdmin, store: store, reader: harness.reader)
    }

    /// Two configurations, one with every byte COPY's text format escapes or could misread.
    private func insertTwoConfigurations(_ harness: Harness) async throws {
        try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
        try await DograhFixtures.insert(harness.dograhAdmin, name: "Odd values",
                                        credentials: DograhFixtures.credentials(domain: "acme-uk.3cx.eu", extension: "201", password: "a\\b c;d^e\"f'g \\N", stripPrefix: ""))
    }

    @Test("a converge goes in by COPY and stores exactly the rows the upsert stores")
    func copyMatchesUpsert() async throws {
        let viaCopy = try await TestDatabases.with { databases in
            let harness = try await bulkHarness(databases)
            try await insertTwoConfigurations(harness)
            let (plan, report) = try await harness.cycle()
            #expect(report.createdByCopy)
            #expect(report.total == plan.count(.create))
            #expect(try await harness.plan().isEmpty)
            return try await ARAInspection.allRows(harness.araAdmin)
        }
        let viaUpsert = try await TestDatabases.with { databases in
            let harness = try await Harness.make(databases)
            try await insertTwoConfigurations(harness)
            let (_, report) = try await harness.cycle()
            #expect(!report.createdByCopy)
            return try await ARAInspection.allRows(harness.araAdmin)
        }
        #expect(viaCopy == viaUpsert)
        #expect(viaCopy.count == 18)
    }

    @Test("the same bulk plan applied twice: the second COPY hits the unique keys, rolls back to its savepoint and the upsert changes nothing")
    func appliedTwice() async throws {
        try await TestDatabases.with { databases in
            let harness = try await bulkHarness(databases)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            let plan = try await harness.plan()
            let first = try await harness.store.apply(plan.steps)
            let after = try await ARAInspection.allRows(harness.araAdmin)
            let second = try await harness.store.apply(plan.steps)
            #expect(first.createdByCopy)
            #expect(!second.createdByCopy)
            #expect(try await ARAInspection.allRows(harness.araAdmin) == after)
            #expect(try await harness.plan().isEmpty)
        }
    }

    @Test("config-table rows (no unique key) are not copied while reconcilerd has rows there: none stored twice")
    func configRowsNotDuplicated() async throws {
        try await TestDatabases.with { databases in
            let harness = try await bulkHarness(databases)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            try await harness.cycle()
            let contexts = try await harness.reader.snapshot().trunks.flatMap { TrunkRows.rows(for: $0) }.filter { $0.table == .dialplanContexts }
            #expect(contexts.count == 2)
            let report = try await harness.store.apply(contexts.map { .create($0) })
            #expect(report.total == 0)
            let count = try await harness.araAdmin.query("SELECT count(*) FROM ast_config WHERE filename = 'extensions_dograh.conf'").scalar()
            #expect(count == "2")
            // A second trunk: its rows go in by COPY, its config rows by the upsert.
            try await DograhFixtures.insert(harness.dograhAdmin, name: "London",
                                            credentials: DograhFixtures.credentials(domain: "acme-uk.3cx.eu", extension: "201", stripPrefix: ""))
            let (plan, second) = try await harness.cycle()
            #expect(second.createdByCopy)
            #expect(second.total == plan.count(.create))
            #expect(try await harness.araAdmin.query("SELECT count(*) FROM ast_config WHERE filename = 'extensions_dograh.conf'").scalar() == "4")
            #expect(try await harness.plan().isEmpty)
        }
    }

    @Test("a bulk apply that fails for another reason rolls back whole, naming the table")
    func otherErrorsFail() async throws {
        try await TestDatabases.with { databases in
            let harness = try await bulkHarness(databases)
            try await DograhFixtures.insert(harness.dograhAdmin, name: "Milan", credentials: DograhFixtures.credentials())
            try await harness.araAdmin.execute("ALTER TABLE extensions ADD CONSTRAINT no_stasis CHECK (app <> 'Stasis')")
            let plan = try await harness.plan()
            await #expect {
                try await harness.store.apply(plan.steps)
            } throws: { error in
                "\(error)".contains("extensions") && "\(error)".contains("23514")
            }
            #expect(try await harness.ownedRows().isEmpty)
        }
    }
}
