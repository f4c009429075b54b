/// One thing worth an operator's attention, with a stable `event` name for log pipelines
/// and a `key` that identifies the same finding from one cycle to the next. Fields never
/// hold secret values (a password change shows as the column name only).
public struct Finding: Hashable, Sendable {
    public let event: String
    public let key: String
    public let message: String
    public let fields: [(String, String)]

    public init(event: String, key: String, message: String, fields: [(String, String)]) {
        self.event = event
        self.key = key
        self.message = message
        self.fields = fields
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.key == rhs.key && lhs.event == rhs.event }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    /// Findings of these events must persist for the grace period before they are raised.
    public var needsGrace: Bool { event == "registration.failed" }
}

/// Classifies what a plan reveals into findings. Provisioning a new configuration and
/// deprovisioning a removed one are normal work, not drift.
public enum Findings {
    ///
    /// With `editedInDograh` (endpoint ids whose trunk changed since the previous pass, see
    /// `edited(from:to:)`), a difference is drift only where Dograh did not change the trunk:
    /// a password rotated in Dograh is work, the same column edited by hand is drift. Without
    /// it (first pass), every difference in a provisioned trunk counts.
    /// One `config.invalid` finding per configuration the plan skipped as invalid.
    /// A held one says so: its trunk keeps running at the last valid version.
    public static func invalidConfigurations(_ plan: Plan) -> [Finding] {
        plan.configurations.compactMap { outcome in
            guard let error = outcome.state.error else { return nil }
            let field = error.field ?? "-"
            var fields = [("configuration_id", "\(error.configuration.id)"),
                          ("organization_id", "\(error.configuration.organizationID)"),
                          ("configuration", error.configuration.name), ("field", field), ("reason", error.reason)]
            let message: String
            if case .held = outcome.state {
                message = PlanText.heldReason(error)
                fields.append(("endpoint", outcome.endpointID ?? "-"))
            } else {
                message = "configuration skipped"
            }
            return Finding(event: "config.invalid", key: "config.invalid/\(error.configuration.id)/\(field)/\(error.reason)",
                           message: message, fields: fields)
        }
    }

    public static func of(_ plan: Plan, actual: [Row], names: ARANames = ARANames(), editedInDograh: Set<String>? = nil) -> [Finding] {
        var findings: [Finding] = []
        let desiredIDs = Set(plan.configurations.filter { $0.state == .desired }.compactMap(\.endpointID))
        let presentIDs = Set(actual.map(\.key.endpointID))
        let edited = editedInDograh ?? []
        for step in plan.steps + plan.deferred.flatMap(\.steps) where !edited.contains(step.key.endpointID) {
            let key = step.key, table = names.name(of: key.table)
            let base: [(String, String)] = [("table", table), ("id", key.description), ("endpoint", key.endpointID)]
            switch step {
            case .update:
                let columns = step.changes.map(\.column).joined(separator: ",")
                findings.append(Finding(event: "drift.row", key: "drift.row/\(table)/\(key)",
                                        message: "an owned row differs from the desired state", fields: base + [("columns", columns)]))
            case .create where presentIDs.contains(key.endpointID):
                findings.append(Finding(event: "drift.missing", key: "drift.missing/\(table)/\(key)",
                                        message: "an owned row is missing", fields: base))
            case .delete where desiredIDs.contains(key.endpointID):
                findings.append(Finding(event: "drift.unexpected", key: "drift.unexpected/\(table)/\(key)",
                                        message: "an unexpected row in an owned trunk", fields: base))
            case .create, .delete:
                break
            }
        }
        for drift in plan.asteriskDrift {
            findings.append(Finding(event: "drift.asterisk_stale", key: "drift.asterisk_stale/\(drift.endpointID)",
                                    message: "Asterisk's loaded registrations differ from the rows",
                                    fields: [("endpoint", drift.endpointID), ("kind", drift.kind.rawValue)]))
        }
        findings += invalidConfigurations(plan)
        let blocked = plan.deferred.filter { $0.reason == .pruneBudget }.map(\.endpointID)
        if !blocked.isEmpty {
            findings.append(Finding(event: "prune.blocked", key: "prune.blocked",
                                    message: "refused to remove this many trunks in one cycle (--allow-mass-delete overrides)",
                                    fields: [("trunks", "\(blocked.count)"), ("endpoints", blocked.prefix(10).joined(separator: ","))]))
        }
        for outcome in plan.configurations where outcome.state == .desired {
            guard let id = outcome.endpointID, let status = outcome.registration, status == .rejected || status == .unregistered else { continue }
            findings.append(Finding(event: "registration.failed", key: "registration.failed/\(id)",
                                    message: "a trunk is not registered with 3CX",
                                    fields: [("endpoint", id), ("status", status.rawValue)]))
        }
        return findings
    }

    /// Endpoint ids whose desired trunk differs between two passes (added, removed or
    /// changed): comparing trunks, not the ~9 rows each maps to, keeps this cheap per pass.
    public static func edited(from previous: [Trunk], to current: [Trunk]) -> Set<String> {
        let before = Dictionary(previous.map { ($0.endpointID, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(current.map { ($0.endpointID, $0) }, uniquingKeysWith: { first, _ in first })
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
    }
}
