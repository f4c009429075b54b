import ARAAdapter
import Reconciler

enum StatusRendering {
    static func table(_ entries: [StatusTable.Entry]) -> String {
        let header = ["CONFIG", "ORG", "NAME", "ENDPOINT", "STATE", "SYNCED", "REGISTRATION", "OBSERVED", "LAST ERROR"]
        let rows = entries.map { entry in
            ["\(entry.configurationID)", "\(entry.organizationID)", entry.name, entry.endpointID ?? "-", entry.state,
             entry.synced ? "yes" : "no", entry.registrationStatus ?? "-", entry.observedAt ?? "-", entry.lastError ?? ""]
        }
        guard !rows.isEmpty else { return "No status yet: the daemon writes reconcilerd_status after its first cycle.\n" }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }

    static func json(_ entries: [StatusTable.Entry]) -> String {
        JSONValue.array(entries.map { entry in
            .object([
                ("configuration_id", .int(entry.configurationID)), ("organization_id", .int(entry.organizationID)),
                ("name", .string(entry.name)), ("endpoint_id", .optional(entry.endpointID)), ("state", .string(entry.state)),
                ("synced", .bool(entry.synced)), ("registration_status", .optional(entry.registrationStatus)),
                ("last_error", .optional(entry.lastError)), ("observed_at", .optional(entry.observedAt)),
            ])
        }).serialized(pretty: true) + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
