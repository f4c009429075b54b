import PGClient
import Reconciler

/// Reads the desired state from Dograh's database: every `three_cx` configuration.
public struct DograhReader: Sendable {
    public let connection: PGConnection
    public let bridge: BridgeSelector?

    public init(connection: PGConnection, bridge: BridgeSelector? = nil) {
        self.connection = connection
        self.bridge = bridge
    }

    public func records() async throws(PGError) -> [ConfigurationRecord] {
        // Each record straight from libpq's buffer: no table of strings in between.
        let rows = try await connection.query(SQLQuery(unsafeSQL: """
            SELECT id, organization_id, name, credentials::text, inactive, updated_at::text
            FROM telephony_configurations
            WHERE provider = 'three_cx'
            ORDER BY id
            """), rows: { row -> Result<ConfigurationRecord, PGError> in
            guard let id = row.string(0).flatMap({ Int($0) }), let organizationID = row.string(1).flatMap({ Int($0) }) else {
                return .failure(.unexpectedResult("telephony_configurations row without id or organization_id"))
            }
            return .success(ConfigurationRecord(id: id, organizationID: organizationID, name: row.string(2) ?? "",
                                                credentialsJSON: row.string(3) ?? "null", inactive: row.string(4) == "t", updatedAt: row.string(5)))
        })
        return try rows.map { result throws(PGError) in try result.get() }
    }

    /// Every configuration, validated on its own.
    public func configurations() async throws(PGError) -> [ValidatedConfiguration] {
        await ConfigurationValidator.validatedConcurrently(try await records(), bridge: bridge)
    }

    /// The desired state, given what reconcilerd last applied.
    public func snapshot(applied: AppliedEndpoints = AppliedEndpoints()) async throws(PGError) -> DesiredSnapshot {
        DesiredSnapshot.resolve(try await configurations(), applied: applied)
    }

    /// A cheap fingerprint of the three_cx rows (count, newest update, id sum) to skip a
    /// full read when nothing changed.
    public func fingerprint() async throws(PGError) -> String {
        let result = try await connection.query("""
            SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '-') || '/' || coalesce(sum(id)::text, '0')
                   || '/' || count(*) FILTER (WHERE inactive)::text
            FROM telephony_configurations WHERE provider = 'three_cx'
            """)
        return try result.scalar() ?? ""
    }
}
