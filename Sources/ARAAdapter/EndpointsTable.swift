import PGClient
import Reconciler

/// `reconcilerd_endpoints`: which endpoint id each Dograh configuration was last
/// provisioned under (`AppliedEndpoints`), written in the same transaction as the rows.
/// It is what lets an edit that breaks a configuration keep its working trunk (held at the
/// last valid version) even when the broken version derives another id or none.
///
/// Without the table (`reconcilerd migrate` not run) reconcilerd keeps no such record: an
/// invalid configuration is held only under the id its current version still derives, so a
/// broken SIP domain or extension orphans the old trunk, which is then removed.
public enum EndpointsTable {
    public static let name = "reconcilerd_endpoints"

    public static let createStatement = """
        CREATE TABLE IF NOT EXISTS reconcilerd_endpoints (
            configuration_id integer PRIMARY KEY,
            endpoint_id varchar(40) NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// The record, or nil when the table does not exist (then nothing is written to it).
    public static func read(_ connection: PGConnection) async throws(PGError) -> AppliedEndpoints? {
        let exists = try await connection.query("SELECT to_regclass('reconcilerd_endpoints') IS NOT NULL").scalar()
        guard exists == "t" else { return nil }
        let rows = try await connection.query("SELECT configuration_id, endpoint_id FROM reconcilerd_endpoints")
        var byConfiguration: [Int: String] = [:]
        for row in rows.rows {
            if let id = row[0].flatMap({ Int($0) }), let endpoint = row[1] { byConfiguration[id] = endpoint }
        }
        return AppliedEndpoints(byConfiguration)
    }

    /// Writes `changes` inside the caller's transaction.
    static func write(_ changes: AppliedEndpoints.Changes, on connection: isolated PGConnection) throws(PGError) {
        if !changes.upserts.isEmpty {
            let payload = JSONValue.array(changes.upserts.map { entry in
                .object([("configuration_id", .int(entry.configurationID)), ("endpoint_id", .string(entry.endpointID))])
            }).serialized()
            try connection.query("""
                INSERT INTO reconcilerd_endpoints (configuration_id, endpoint_id)
                SELECT configuration_id, endpoint_id FROM json_populate_recordset(NULL::reconcilerd_endpoints, \(payload)::json)
                ON CONFLICT (configuration_id) DO UPDATE SET endpoint_id = EXCLUDED.endpoint_id, applied_at = now()
                """)
        }
        if !changes.deletes.isEmpty {
            let ids = JSONValue.array(changes.deletes.map { .int($0) }).serialized()
            try connection.query("""
                DELETE FROM reconcilerd_endpoints
                WHERE configuration_id IN (SELECT value::integer FROM json_array_elements_text(\(ids)::json))
                """)
        }
    }
}
