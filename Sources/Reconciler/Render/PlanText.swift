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
        // One string per configuration, lines appended in place: a converge of 10,000
        // trunks prints ~600,000 lines, and an array of them per step cost more than the rest.
        var out = ""
        out.reserveCapacity(4096)
        func line(_ text: String) {
            out += text
            out += "\n"
        }
        func flush() {
            sink(out)
            out.removeAll(keepingCapacity: true)
        }
        let labels = ColumnLabels()
        let byEndpoint = Dictionary(grouping: plan.steps, by: \.key.endpointID)
        let deferredByEndpoint = Dictionary(grouping: plan.deferred, by: \.endpointID)
        let driftByEndpoint = Dictionary(grouping: plan.asteriskDrift, by: \.endpointID)
        for outcome in plan.configurations {
            line(header(outcome))
            if let endpointID = outcome.endpointID {
                if let registration = registrationLine(outcome, asterisk: plan.asterisk) { line("    " + registration) }
                for drift in driftByEndpoint[endpointID] ?? [] { line("    ! asterisk: " + describe(drift)) }
                for annotation in annotations[endpointID] ?? [] { line("    " + annotation) }
                for step in byEndpoint[endpointID] ?? [] {
                    append(step, names: names, labels: labels, to: &out)
                }
                for deferral in deferredByEndpoint[endpointID] ?? [] {
                    line("  … held back, \(deferral.reason.rawValue): \(deferral.steps.count) row change\(deferral.steps.count == 1 ? "" : "s")")
                    for step in deferral.steps { line("  " + title(step, names: names)) }
                }
            }
            if let prefix = outcome.stripPrefix, !outcome.dialTestVectors.isEmpty {
                let samples = outcome.dialTestVectors.map { "\($0.dialled) → \($0.sent ?? "no route")" }
                line("    routing (strip_prefix \(prefix.isEmpty ? "empty" : prefix)): " + samples.joined(separator: ", "))
            }
            line("")
            flush()
        }
        let unclaimedDrift = plan.asteriskDrift.filter { drift in !plan.configurations.contains { $0.endpointID == drift.endpointID } }
        for drift in unclaimedDrift {
            line("asterisk still holds \(drift.endpointID)")
            line("    ! asterisk: " + describe(drift))
            line("")
        }
        if !plan.actuations.isEmpty {
            line("Then Asterisk: " + plan.actuations.map(\.description).joined(separator: ", ") + ".")
        }
        line(summary(plan))
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

    /// A step's lines: its title, then the columns it sets (create, delete) or changes (update).
    static func lines(_ step: PlanStep, names: ARANames) -> [String] {
        var text = ""
        append(step, names: names, labels: ColumnLabels(), to: &text)
        return text.split(separator: "\n").map(String.init)
    }

    /// `  + create ps_auths dograh_x` (the key's parts joined by `/`).
    static func title(_ step: PlanStep, names: ARANames) -> String {
        let verb = switch step {
        case .create: "  + create "
        case .delete: "  - delete "
        case .update: "  ~ update "
        }
        var title = verb + names.name(of: step.key.table) + " "
        for byte in step.key.packed.utf8 where byte == 0 {
            // Rare (multi-column keys): rebuilt with `/` only when a separator is there.
            return title + step.key.parts.joined(separator: "/")
        }
        title += step.key.packed
        return title
    }

    private static func append(_ step: PlanStep, names: ARANames, labels: ColumnLabels, to out: inout String) {
        out += title(step, names: names)
        out += "\n"
        switch step {
        case .create(let row), .delete(let row):
            let table = row.table
            row.forEachValue { index, value in
                let sensitive = labels.sensitive[table.rawValue][index]
                guard value != nil || sensitive else { return }
                out += labels.padded[table.rawValue][index]
                if sensitive {
                    out += "(sensitive)"
                } else if let value {
                    out += "\""
                    out += value
                    out += "\""
                } else {
                    out += "NULL"
                }
                out += "\n"
            }
        case .update:
            for change in step.changes {
                out += "      " + change.column
                if change.isSensitive {
                    out += ": (sensitive, changed)\n"
                } else {
                    out += ": "
                    appendQuoted(change.old, to: &out)
                    out += " → "
                    appendQuoted(change.new, to: &out)
                    out += "\n"
                }
            }
        }
    }

    /// `      column    = ` per table and column, padded to the table's longest column name.
    private struct ColumnLabels {
        let padded: [[String]]
        let sensitive: [[Bool]]

        init() {
            padded = ARATable.allCases.map { table in
                let columns = table.managedColumns
                let width = columns.map(\.count).max() ?? 0
                return columns.map { "      " + $0 + String(repeating: " ", count: width - $0.count) + " = " }
            }
            sensitive = ARATable.allCases.map { table in table.managedColumns.map(table.isSensitive) }
        }
    }

    private static func appendQuoted(_ value: String?, to out: inout String) {
        guard let value else {
            out += "NULL"
            return
        }
        out += "\""
        out += value
        out += "\""
    }
}
