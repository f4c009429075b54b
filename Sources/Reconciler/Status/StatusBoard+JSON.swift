extension StatusBoard {
    /// `/status.json` (docs/STATUS-SCHEMA.md): the same data as the page.
    public func json(now: Double) -> JSONValue {
        func time(_ seconds: Double?) -> JSONValue { seconds.map { .string(UnixTime.iso8601($0)) } ?? .null }
        func alertList(_ alerts: [Alert]) -> JSONValue {
            .array(alerts.map { .object([("event", .string($0.event)), ("message", .string($0.message))]) })
        }
        let pass: JSONValue = lastPass.map { pass in
            .object([("at", time(pass.at)), ("result", .string(pass.result.rawValue)),
                     ("duration_ms", .int(Int((pass.durationSeconds * 1000).rounded())))])
        } ?? .null
        return .object([
            ("schema_version", .int(1)),
            ("generated_at", time(now)),
            ("mode", .string(mode)),
            ("role", .optional(role?.rawValue)),
            ("asterisk", .optional(asterisk?.rawValue)),
            ("started_at", time(startedAt)),
            ("last_pass", pass),
            ("last_full_pass_at", time(lastFullPassAt)),
            ("next_pass_at", time(nextPassAt)),
            ("alerts", alertList(alerts)),
            ("configurations", .array(rows.map { row in
                .object([
                    ("configuration_id", row.configurationID.map(JSONValue.int) ?? .null),
                    ("organization_id", row.organizationID.map(JSONValue.int) ?? .null),
                    ("name", .optional(row.name)),
                    ("endpoint_id", .optional(row.endpointID)),
                    ("state", .string(row.state.rawValue)),
                    ("reason", .optional(row.reason)),
                    ("registration", row.registration.map { .object([("status", .string($0)), ("since", time(row.registrationSince))]) } ?? .null),
                    ("reregister", row.reRegister.map { .object([("attempts", .int($0.attempts)), ("next_at", time($0.nextAt))]) } ?? .null),
                    ("alerts", alertList(row.alerts)),
                ])
            })),
        ])
    }
}
