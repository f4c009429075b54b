/// The plan for a person: `+ create`, `~ update` with old → new per column, `- delete`,
/// grouped by configuration, then a summary line. Secrets show as `(sensitive)`.
public enum PlanText {
    public static func render(_ plan: Plan, names: ARANames = ARANames(), annotations: [String: [String]] = [:]) -> String {
        var text = ""
        write(plan, names: names, annotations: annotations) { text += $0 }
        return text
    }

    /// The same text in pieces, one configuration at a time, so that a plan of tens of
    /// thousands of steps can go to stdout without being held in memory whole.
    public static func write(_ plan: Plan, names: ARANames = ARANames(), annotations: [String: [String]] = [:],
                             to sink: (String) -> Void) {
        var out: [String] = []
        func flush() {
            sink(out.joined(separator: "\n") + "\n")
            out.removeAll(keepingCapacity: true)
        }
        let byEndpoint = Dictionary(grouping: plan.steps, by: \.key.endpointID)
        let deferredByEndpoint = Dictionary(grouping: plan.deferred, by: \.endpointID)
        let driftByEndpoint = Dictionary(grouping: plan.asteriskDrift, by: \.endpointID)
        for outcome in plan.configurations {
            out.append(header(outcome))
            if let endpointID = outcome.endpointID {
                if let line = registrationLine(outcome, asterisk: plan.asterisk) { out.append("    " + line) }
                for drift in driftByEndpoint[endpointID] ?? [] { out.append("    ! asterisk: " + describe(drift)) }
                for line in annotations[endpointID] ?? [] { out.append("    " + line) }
                for step in byEndpoint[endpointID] ?? [] {
                    out += lines(step, names: names)
                }
                for deferral in deferredByEndpoint[endpointID] ?? [] {
                    out.append("  … held back, \(deferral.reason.rawValue): \(deferral.steps.count) row change\(deferral.steps.count == 1 ? "" : "s")")
                    out += deferral.steps.flatMap { lines($0, names: names).prefix(1).map { "  " + $0 } }
                }
            }
            if let prefix = outcome.stripPrefix, !outcome.dialTestVectors.isEmpty {
                let samples = outcome.dialTestVectors.map { "\($0.dialled) → \($0.sent ?? "no route")" }
                out.append("    routing (strip_prefix \(prefix.isEmpty ? "empty" : prefix)): " + samples.joined(separator: ", "))
            }
            out.append("")
            flush()
        }
        let unclaimedDrift = plan.asteriskDrift.filter { drift in !plan.configurations.contains { $0.endpointID == drift.endpointID } }
        for drift in unclaimedDrift { out += ["asterisk still holds \(drift.endpointID)", "    ! asterisk: " + describe(drift), ""] }
        if !plan.actuations.isEmpty {
            out.append("Then Asterisk: " + plan.actuations.map(\.description).joined(separator: ", ") + ".")
        }
        out.append(summary(plan))
        flush()
    }

    static func describe(_ drift: AsteriskDrift) -> String {
        switch drift.kind {
        case .missing: "registration not loaded by Asterisk (stale): reload needed"
        case .stale: "registration still loaded although its row is gone (stale): reload needed"
        }
    }

    static func registrationLine(_ outcome: ConfigurationOutcome, asterisk: Plan.AsteriskMonitoring) -> String? {
        guard outcome.state == .desired || outcome.registration != nil else { return nil }
        switch asterisk {
        case .notConfigured: return nil
        case .unreachable: return "registration: unknown (Asterisk not reachable)"
        case .observed: return "registration: " + (outcome.registration?.rawValue ?? "not loaded")
        }
    }

    public static func summary(_ plan: Plan) -> String {
        let invalid = plan.invalidConfigurations.count
        var notes = ""
        if !plan.deferred.isEmpty {
            let held = plan.deferred.reduce(0) { $0 + $1.steps.count }
            notes += " \(held) row change\(held == 1 ? "" : "s") held back."
        }
        if !plan.asteriskDrift.isEmpty { notes += " \(plan.asteriskDrift.count) Asterisk registration\(plan.asteriskDrift.count == 1 ? "" : "s") stale." }
        if invalid > 0 { notes += " \(invalid) configuration\(invalid == 1 ? "" : "s") invalid (left unchanged)." }
        if plan.isEmpty {
            return "No changes: the ARA database is in sync with Dograh.\(notes)"
        }
        return "Plan: \(plan.count(.create)) to create, \(plan.count(.update)) to update, \(plan.count(.delete)) to delete.\(notes)"
    }

    static func header(_ outcome: ConfigurationOutcome) -> String {
        let target = outcome.endpointID.map { " → \($0)" } ?? ""
        guard let configuration = outcome.configuration else {
            return "rows of no configuration\(target) (orphaned: removed)"
        }
        switch outcome.state {
        case .desired: return "\(configuration)\(target)"
        case .inactive: return "\(configuration)\(target) (inactive in Dograh: not provisioned)"
        case .invalid(let error):
            let field = error.field.map { "field \($0): " } ?? ""
            let consequence = error.endpointID == nil ? "not provisioned" : "its existing rows are left unchanged"
            return "\(configuration)\(target) INVALID — \(field)\(error.reason); \(consequence)"
        case .orphaned: return "\(configuration)\(target) (orphaned)"
        case .notForThisBridge: return "\(configuration)\(target) (not for this bridge)"
        }
    }

    static func lines(_ step: PlanStep, names: ARANames) -> [String] {
        let title = "\(names.name(of: step.key.table)) \(step.key)"
        switch step {
        case .create(let row):
            return ["  + create \(title)"] + columns(row)
        case .delete(let row):
            return ["  - delete \(title)"] + columns(row)
        case .update:
            return ["  ~ update \(title)"] + step.changes.map { change in
                change.isSensitive
                    ? "      \(change.column): (sensitive, changed)"
                    : "      \(change.column): \(quoted(change.old)) → \(quoted(change.new))"
            }
        }
    }

    private static func columns(_ row: Row) -> [String] {
        let width = row.table.managedColumns.map(\.count).max() ?? 0
        return zip(row.table.managedColumns, row.values).compactMap { column, value in
            guard value != nil || row.table.isSensitive(column) else { return nil }
            let padded = column + String(repeating: " ", count: width - column.count)
            return "      \(padded) = " + (row.table.isSensitive(column) ? "(sensitive)" : quoted(value))
        }
    }

    private static func quoted(_ value: String?) -> String {
        value.map { "\"\($0)\"" } ?? "NULL"
    }
}
