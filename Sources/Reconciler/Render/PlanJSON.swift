/// The JSON plan (`--output json`). Schema version 1, documented in docs/PLAN-SCHEMA.md.
/// Sensitive columns appear as `{"sensitive": true, "changed": <bool>}`, never with a value.
public enum PlanJSON {
    public static let schemaVersion = 1

    public static func document(_ plan: Plan, names: ARANames = ARANames(), extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([
            ("schema_version", .int(schemaVersion)),
            ("in_sync", .bool(plan.isEmpty)),
            ("summary", .object([
                ("create", .int(plan.count(.create))),
                ("update", .int(plan.count(.update))),
                ("delete", .int(plan.count(.delete))),
                ("invalid_configurations", .int(plan.invalidConfigurations.count)),
                ("deferred", .int(plan.deferred.reduce(0) { $0 + $1.steps.count })),
                ("asterisk_drift", .int(plan.asteriskDrift.count)),
            ])),
            ("asterisk", .string(plan.asterisk.rawValue)),
            ("configurations", .array(plan.configurations.map(configuration))),
            ("steps", .array(plan.steps.map { step($0, names: names) })),
            ("deferred", .array(plan.deferred.map { deferral in
                .object([
                    ("endpoint_id", .string(deferral.endpointID)),
                    ("reason", .string(deferral.reason.rawValue)),
                    ("steps", .array(deferral.steps.map { step($0, names: names) })),
                ])
            })),
            ("asterisk_drift", .array(plan.asteriskDrift.map {
                .object([("endpoint_id", .string($0.endpointID)), ("kind", .string($0.kind.rawValue))])
            })),
            ("actuations", .array(plan.actuations.map(actuation))),
        ] + extra)
    }

    static func actuation(_ actuation: Actuation) -> JSONValue {
        switch actuation {
        case .reloadModule(let module): .object([("action", .string("reload_module")), ("module", .string(module))])
        case .register(let id): .object([("action", .string("register")), ("registration", .string(id))])
        }
    }

    static func configuration(_ outcome: ConfigurationOutcome) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("configuration_id", outcome.configuration.map { .int($0.id) } ?? .null),
            ("organization_id", outcome.configuration.map { .int($0.organizationID) } ?? .null),
            ("name", .optional(outcome.configuration?.name)),
            ("endpoint_id", .optional(outcome.endpointID)),
            ("state", .string(stateName(outcome.state))),
            ("registration", .optional(outcome.registration?.rawValue)),
        ]
        if let error = outcome.state.error {
            members.append(("error", .object([("field", .optional(error.field)), ("reason", .string(error.reason))])))
        }
        if let prefix = outcome.stripPrefix {
            members.append(("strip_prefix", .string(prefix)))
            members.append(("dial_test_vectors", .array(outcome.dialTestVectors.map {
                .object([("dialled", .string($0.dialled)), ("sent", .optional($0.sent))])
            })))
        }
        return .object(members)
    }

    public static func stateName(_ state: ConfigurationOutcome.State) -> String {
        switch state {
        case .desired: "desired"
        case .inactive: "inactive"
        case .invalid: "invalid"
        case .held: "held"
        case .orphaned: "orphaned"
        case .notForThisBridge: "not_for_this_bridge"
        }
    }

    static func step(_ step: PlanStep, names: ARANames) -> JSONValue {
        let key = step.key
        var members: [(String, JSONValue)] = [
            ("action", .string(step.verb.rawValue)),
            ("table", .string(names.name(of: key.table))),
            ("endpoint_id", .string(key.endpointID)),
            ("key", .object(zip(key.table.keyColumns, key.parts).map { ($0, .string($1)) })),
        ]
        switch step {
        case .create(let row), .delete(let row):
            members.append(("columns", .object(zip(row.table.managedColumns, row.values).map { column, value in
                (column, row.table.isSensitive(column) ? sensitive(changed: step.verb == .create) : .optional(value))
            })))
        case .update:
            members.append(("changes", .object(step.changes.map { change in
                (change.column, change.isSensitive
                    ? sensitive(changed: true)
                    : .object([("old", .optional(change.old)), ("new", .optional(change.new))]
                        + (change.canonicalSpelling ? [("canonical_spelling", .bool(true))] : [])))
            })))
        }
        return .object(members)
    }

    private static func sensitive(changed: Bool) -> JSONValue {
        .object([("sensitive", .bool(true)), ("changed", .bool(changed))])
    }
}
