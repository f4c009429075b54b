import PGClient
import Reconciler

/// `reconcilerd_status`: one row per configuration with what the last cycle found, for
/// `reconcilerd status` and for anyone who can query the ARA database.
public struct StatusTable: Sendable {
    public static let name = "reconcilerd_status"

    /// DDL for `reconcilerd migrate` (run once with a role that may create tables; the
    /// runtime role needs only DML on it).
    public static let createStatements = [
        """
        CREATE TABLE IF NOT EXISTS reconcilerd_status (
            configuration_id integer PRIMARY KEY,
            organization_id integer NOT NULL,
            name varchar(64) NOT NULL,
            endpoint_id varchar(255),
            state varchar(32) NOT NULL,
            synced boolean NOT NULL,
            registration_status varchar(32),
            last_error text,
            observed_at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ]

    public struct Entry: Sendable, Hashable {
        public let configurationID: Int
        public let organizationID: Int
        public let name: String
        public let endpointID: String?
        public let state: String
        public let synced: Bool
        public let registrationStatus: String?
        public let lastError: String?
        public let observedAt: String?

        public init(configurationID: Int, organizationID: Int, name: String, endpointID: String?, state: String,
                    synced: Bool, registrationStatus: String?, lastError: String?, observedAt: String? = nil) {
            self.configurationID = configurationID
            self.organizationID = organizationID
            self.name = name
            self.endpointID = endpointID
            self.state = state
            self.synced = synced
            self.registrationStatus = registrationStatus
            self.lastError = lastError
            self.observedAt = observedAt
        }
    }

    public let connection: PGConnection

    public init(connection: PGConnection) { self.connection = connection }

    public static func migrate(_ connection: PGConnection) async throws {
        for statement in createStatements + [EndpointsTable.createStatement] { try await connection.execute(statement) }
        for table in [name, EndpointsTable.name] {
            _ = try? await connection.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON \(table) TO reconcilerd")
        }
    }

    /// Replaces the table's content with `entries` in one transaction.
    public func replace(with entries: [Entry]) async throws {
        let payload = JSONValue.array(entries.map { entry in
            .object([
                ("configuration_id", .int(entry.configurationID)), ("organization_id", .int(entry.organizationID)),
                ("name", .string(entry.name)), ("endpoint_id", .optional(entry.endpointID)), ("state", .string(entry.state)),
                ("synced", .bool(entry.synced)), ("registration_status", .optional(entry.registrationStatus)),
                ("last_error", .optional(entry.lastError)),
            ])
        }).serialized()
        try await connection.transaction { connection in
            try connection.query("""
                INSERT INTO reconcilerd_status (configuration_id, organization_id, name, endpoint_id, state, synced, registration_status, last_error, observed_at)
                SELECT configuration_id, organization_id, name, endpoint_id, state, synced, registration_status, last_error, now()
                FROM json_populate_recordset(NULL::reconcilerd_status, \(payload)::json)
                ON CONFLICT (configuration_id) DO UPDATE SET organization_id = EXCLUDED.organization_id, name = EXCLUDED.name,
                    endpoint_id = EXCLUDED.endpoint_id, state = EXCLUDED.state, synced = EXCLUDED.synced,
                    registration_status = EXCLUDED.registration_status, last_error = EXCLUDED.last_error, observed_at = now()
                """)
            try connection.query("""
                DELETE FROM reconcilerd_status WHERE configuration_id NOT IN
                    (SELECT configuration_id FROM json_populate_recordset(NULL::reconcilerd_status, \(payload)::json))
                """)
        }
    }

    public func read() async throws -> [Entry] {
        let rows = try await connection.query("""
            SELECT configuration_id, organization_id, name, endpoint_id, state, synced, registration_status, last_error, observed_at::text
            FROM reconcilerd_status ORDER BY configuration_id
            """)
        return rows.rows.map { row in
            Entry(configurationID: Int(row[0] ?? "") ?? 0, organizationID: Int(row[1] ?? "") ?? 0, name: row[2] ?? "",
                  endpointID: row[3], state: row[4] ?? "", synced: row[5] == "t", registrationStatus: row[6],
                  lastError: row[7], observedAt: row[8])
        }
    }

    /// The entries a plan implies: synced when none of the configuration's rows are still
    /// to change (after a committed apply, only the deferred ones are). `reRegistering`: the
    /// trunks the daemon re-registers with backoff, and in how long each is next due.
    public static func entries(for plan: Plan, applied: Bool, reRegistering: [String: ReRegisterTracker.Due] = [:]) -> [Entry] {
        let pending = Set((applied ? [] : plan.steps.map(\.key.endpointID)) + plan.deferred.map(\.endpointID))
        return plan.configurations.compactMap { outcome in
            guard let configuration = outcome.configuration else { return nil }
            var error: String?
            if case .held(let problem) = outcome.state {
                error = PlanText.heldReason(problem)
            } else if let problem = outcome.state.error {
                error = (problem.field.map { "\($0): " } ?? "") + problem.reason
            } else if let id = outcome.endpointID, let retry = reRegistering[id] {
                error = "re-registering with backoff: \(retry.attempts) PJSIPRegister sent, next in \(Int(retry.nextIn.components.seconds)) s"
            }
            let state = PlanJSON.stateName(outcome.state)
            return Entry(configurationID: configuration.id, organizationID: configuration.organizationID, name: configuration.name,
                         endpointID: outcome.endpointID, state: state,
                         synced: outcome.state == .desired && !pending.contains(outcome.endpointID ?? ""),
                         registrationStatus: outcome.registration?.rawValue, lastError: error)
        }
    }
}
