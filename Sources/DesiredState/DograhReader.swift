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
        let result = try await connection.query("""
            SELECT id, organization_id, name, credentials::text, inactive, updated_at::text
            FROM telephony_configurations
            WHERE provider = 'three_cx'
            ORDER BY id
            """)
        return try result.rows.map { row throws(PGError) in
            guard let id = row[0].flatMap({ Int($0) }), let organizationID = row[1].flatMap({ Int($0) }) else {
                throw .unexpectedResult("telephony_configurations row without id or organization_id")
            }
            return ConfigurationRecord(id: id, organizationID: organizationID, name: row[2] ?? "",
                                       credentialsJSON: row[3] ?? "null", inactive: row[4] == "t", updatedAt: row[5])
        }
    }

    public func snapshot() async throws(PGError) -> DesiredSnapshot {
        ConfigurationValidator.snapshot(try await records(), bridge: bridge)
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
