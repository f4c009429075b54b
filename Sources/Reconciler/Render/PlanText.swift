/// The plan for a person: `+ create`, `~ update` with old → new per column, `- delete`,
/// grouped by configuration, then a summary line. Secrets show as `(sensitive)`.
public enum PlanText {
    public static func render(_ plan: Plan, names: ARANames = ARANames(), annotations: [String: [String]] = [:],
                              layout: PlanTextLayout? = nil) -> String {
        var text = ""
        write(plan, names: names, annotations: annotations, layout: layout) { text += $0 }
        return text
    }

    /// The same text in pieces, one configuration at a time, so that a plan of tens of
    /// thousands of steps can go to stdout without being held in memory whole.
    public static func write(_ plan: Plan, names: ARANames = ARANames(), annotations: [String: [String]] = [:],
                             layout: PlanTextLayout? = nil, to sink: (String) -> Void) {
        write(plan, names: names, annotations: annotations, layout: layout, bytes: { sink(String(decoding: $0, as: UTF8.self)) })
    }

    /// The pieces as UTF-8 bytes. A converge of 10,000 trunks prints ~600,000 lines (22 MB):
    /// appending bytes is a copy, where appending to a String checks and grows it each time.
    /// `layout` (default: everything) says how many configurations are shown in full.
    public static func write(_ plan: Plan, names: ARANames = ARANames(), annotations: [String: [String]] = [:],
                             layout: PlanTextLayout? = nil, bytes sink: ([UInt8]) -> Void) {
        let layout = layout ?? .full(plan)
        var out = TextBytes()
        func line(_ text: String) {
            out.add(text)
            out.newline()
        }
        func flush() {
            sink(out.bytes)
            out.bytes.removeAll(keepingCapacity: true)
        }
        let labels = ColumnLabels()
        // Step positions by endpoint (as slices of the keys): no step or id is copied. An
        // abridged plan indexes only the steps of the configurations it shows.
        let shownOutcomes = plan.configurations.prefix(layout.shown)
        let shownIDs: Set<Substring>? = layout.isAbridged ? Set(shownOutcomes.compactMap { $0.endpointID.map { Substring($0) } }) : nil
        var byEndpoint: [Substring: [Int]] = [:]
        for (index, step) in plan.steps.enumerated() {
            let endpointID = step.key.endpointIDSlice
            if let shownIDs, !shownIDs.contains(endpointID) { continue }
            byEndpoint[endpointID, default: []].append(index)
        }
        let deferredByEndpoint = Dictionary(grouping: plan.deferred, by: \.endpointID)
        let driftByEndpoint = Dictionary(grouping: plan.asteriskDrift, by: \.endpointID)
        for text in layout.headLines(names: names) { line(text) }
        for outcome in shownOutcomes {
            line(header(outcome))
            if let endpointID = outcome.endpointID {
                if let registration = registrationLine(outcome, asterisk: plan.asterisk) { line("    " + registration) }
                for drift in driftByEndpoint[endpointID] ?? [] { line("    ! asterisk: " + describe(drift)) }
                for annotation in annotations[endpointID] ?? [] { line("    " + annotation) }
                for index in byEndpoint[Substring(endpointID)] ?? [] {
                    append(plan.steps[index], names: names, labels: labels, to: &out)
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
            out.newline()
            flush()
        }
        if let tail = layout.tailLine {
            line(tail)
            out.newline()
        }
        let unclaimedDrift = plan.asteriskDrift.filter { drift in !plan.configurations.contains { $0.endpointID == drift.endpointID } }
        for drift in unclaimedDrift {
            line("asterisk still holds \(drift.endpointID)")
            line("    ! asterisk: " + describe(drift))
            out.newline()
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
        registrationStatus(outcome, asterisk: asterisk).map { "registration: " + $0 }
    }

    /// The trunk's registration as the plan and the status page show it; nil when there is
    /// none to show (Asterisk not configured, or nothing provisioned).
    public static func registrationStatus(_ outcome: ConfigurationOutcome, asterisk: Plan.AsteriskMonitoring) -> String? {
        guard outcome.state == .desired || outcome.registration != nil else { return nil }
        switch asterisk {
        case .notConfigured: return nil
        case .unreachable: return "unknown (Asterisk not reachable)"
        case .observed: return outcome.registration?.rawValue ?? "not loaded"
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
        if invalid > 0 { notes += " \(invalid) configuration\(invalid == 1 ? "" : "s") invalid (their trunks left unchanged)." }
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
            return "\(configuration)\(target) INVALID — \(field)\(error.reason); not provisioned"
        case .held(let error):
            return "\(configuration)\(target) \(heldReason(error))"
        case .orphaned: return "\(configuration)\(target) (orphaned)"
        case .notForThisBridge: return "\(configuration)\(target) (not for this bridge)"
        }
    }

    /// "held: last valid version, <field>: <reason>", as the plan, `status` and the alert say it.
    public static func heldReason(_ error: ConfigurationError) -> String {
        "held: last valid version, " + (error.field.map { "\($0): " } ?? "") + error.reason
    }

    /// `  + create ps_auths dograh_x` (the key's parts joined by `/`).
    static func title(_ step: PlanStep, names: ARANames) -> String {
        var text = TextBytes()
        appendTitle(step, names: names, to: &text)
        return String(decoding: text.bytes, as: UTF8.self)
    }

    private static func appendTitle(_ step: PlanStep, names: ARANames, to out: inout TextBytes) {
        let verb: String = switch step {
        case .create: "  + create "
        case .delete: "  - delete "
        case .update: "  ~ update "
        }
        out.add(verb)
        out.add(names.name(of: step.key.table))
        out.bytes.append(0x20)
        // The key's parts joined by `/`: its packed text with each NUL replaced.
        let start = out.bytes.count
        out.add(step.key.packed)
        out.bytes.withUnsafeMutableBufferPointer { buffer in
            for index in start..<buffer.count where buffer[index] == 0 { buffer[index] = 0x2F }
        }
    }

    private static func append(_ step: PlanStep, names: ARANames, labels: ColumnLabels, to out: inout TextBytes) {
        appendTitle(step, names: names, to: &out)
        out.newline()
        switch step {
        case .create(let row), .delete(let row):
            // Each value's bytes go straight between its column label and the closing quote.
            let columns = labels.columns(of: row.table)
            row.forEachValue { column, value in
                let label = columns[column]
                if label.sensitive {
                    out.bytes += label.text
                    out.add("(sensitive)")
                    out.newline()
                } else if let value {
                    out.bytes += label.text
                    out.bytes.append(0x22)
                    out.bytes.append(contentsOf: value)
                    out.bytes.append(0x22)
                    out.newline()
                }
            }
        case .update:
            for change in step.changes {
                out.add("      " + change.column as String)
                if change.isSensitive {
                    out.add(": (sensitive, changed)\n")
                } else {
                    out.add(": ")
                    appendQuoted(change.old, to: &out)
                    out.add(" → ")
                    appendQuoted(change.new, to: &out)
                    if change.canonicalSpelling { out.add(" (canonical spelling)") }
                    out.newline()
                }
            }
        }
    }

    /// `      column    = ` per table and column, padded to the table's longest column name.
    private struct ColumnLabels {
        struct Label {
            let text: [UInt8]
            let sensitive: Bool
        }

        private let tables: [[Label]]

        init() {
            tables = ARATable.allCases.map { table in
                let columns = table.managedColumns
                let width = columns.map(\.count).max() ?? 0
                return columns.map { column in
                    Label(text: Array(("      " + column + String(repeating: " ", count: width - column.count) + " = ").utf8),
                          sensitive: table.isSensitive(column))
                }
            }
        }

        func columns(of table: ARATable) -> [Label] { tables[table.rawValue] }
    }

    private static func appendQuoted(_ value: String?, to out: inout TextBytes) {
        guard let value else {
            out.add("NULL")
            return
        }
        out.bytes.append(0x22)
        out.add(value)
        out.bytes.append(0x22)
    }
}

/// UTF-8 text built by appending bytes.
struct TextBytes {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(4096) }

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func add(_ text: Substring) {
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: text.utf8)
        }
    }

    mutating func newline() { bytes.append(0x0A) }
}
