import PGClient
import Reconciler

/// Helpers shared by the integration tests: the owned rows of an ARA database as a set,
/// and the operator's own rows that must survive every cycle.
public enum ARAInspection {
    /// Every row of the ARA tables (owned or not) as text lines, for before/after checks.
    public static func allRows(_ connection: PGConnection, configTable: String = "ast_config") async throws -> [String] {
        var lines: [String] = []
        for table in ["ps_auths", "ps_aors", "ps_endpoints", "ps_registrations", "extensions", configTable] {
            let rows = try await connection.query(SQLQuery(unsafeSQL: "SELECT row_to_json(x)::text FROM \(table) AS x"))
            lines += rows.rows.map { "\(table) \($0[0] ?? "")" }
        }
        return lines.map { $0.replacingOccurrences(of: #""id":\d+,"#, with: "", options: .regularExpression) }.sorted()
    }

    /// Rows an operator keeps by hand, one in every table, including near-misses of the
    /// ownership rules (`dograhx`, a `dograh_` category in another file).
    public static func insertOperatorRows(_ connection: PGConnection) async throws {
        try await connection.execute("""
            INSERT INTO ps_auths (id, auth_type, username, password) VALUES ('office_phone', 'userpass', 'office', 'operator-secret'), ('dograhx', 'userpass', 'x', 'y');
            INSERT INTO ps_aors (id, max_contacts) VALUES ('office_phone', 1);
            INSERT INTO ps_endpoints (id, transport, aors, context) VALUES ('office_phone', 'transport-udp', 'office_phone', 'internal');
            INSERT INTO ps_registrations (id, server_uri, client_uri, line) VALUES ('carrier', 'sip:carrier.example', 'sip:me@carrier.example', 'no');
            INSERT INTO extensions (context, exten, priority, app, appdata) VALUES ('internal', '100', 1, 'Dial', 'PJSIP/office_phone'), ('dograhx-inbound', '1', 1, 'NoOp', '');
            INSERT INTO ast_config (filename, category, var_name, var_val) VALUES ('extensions.conf', 'internal', 'switch', 'Realtime/internal@extensions'),
                ('extensions.conf', 'dograh_not_ours-inbound', 'switch', 'Realtime/x@extensions');
            """)
    }
}
