import PGClient
import Reconciler
import Testing
import TestSupport
@testable import DesiredState

@Suite("Reading Dograh's telephony_configurations")
struct DograhReaderTests {
    @Test("reads only three_cx rows, with inactive and ids, as the DML-only role")
    func readsThreeCX() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            let first = try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            try await DograhFixtures.insert(admin, name: "Twilio", credentials: #"{"auth_token": "x"}"#, provider: "twilio")
            let parked = try await DograhFixtures.insert(admin, organization: 2, name: "Parked",
                                                         credentials: DograhFixtures.credentials(domain: "b.3cx.cloud"), inactive: true)
            let reader = DograhReader(connection: try await databases.dograh())
            let records = try await reader.records()
            #expect(records.map(\.id) == [first, parked])
            #expect(records.map(\.inactive) == [false, true])
            #expect(records.last?.organizationID == 2)
            #expect(records.first?.updatedAt != nil)
            let snapshot = try await reader.snapshot()
            #expect(snapshot.trunks.map(\.endpointID) == ["dograh_1156_3cx_cloud_12611"])
        }
    }

    @Test("the change fingerprint moves when a configuration changes and not otherwise")
    func fingerprint() async throws {
        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            let id = try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let reader = DograhReader(connection: try await databases.dograh())
            let before = try await reader.fingerprint()
            #expect(try await reader.fingerprint() == before)
            try await admin.query("UPDATE telephony_configurations SET inactive = true, updated_at = now() + interval '1 second' WHERE id = \(id)")
            #expect(try await reader.fingerprint() != before)
        }
    }

    @Test("Dograh's SQLAlchemy URL (postgresql+asyncpg://) connects as is")
    func sqlalchemyURL() async throws {
        try await TestDatabases.with { databases in
            let url = databases.dograhURL.replacingOccurrences(of: "postgresql://", with: "postgresql+asyncpg://")
            let connection = try await PGConnection.connect(try ConnectionString(url))
            #expect(try await DograhReader(connection: connection).records().isEmpty)
        }
    }
}
