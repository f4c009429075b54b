import ARAAdapter
import Foundation
import Reconciler

/// What `--once` prints: each round's plan (two rounds when a deprovisioning completes in
/// the run), as text as it goes or as one JSON document at the end; with `--stats`, one
/// JSON line of statement counts on stderr.
actor OnceOutput {
    private let settings: RuntimeSettings
    private let printStats: Bool
    /// `--plan-detail-limit` and `--detail`: how much of a big text plan is shown.
    private let detailLimit: Int
    private let detail: Bool
    private var rounds: [ControlLoop.Round] = []

    init(settings: RuntimeSettings, printStats: Bool, detailLimit: Int = PlanTextLayout.defaultLimit, detail: Bool = false) {
        self.settings = settings
        self.printStats = printStats
        self.detailLimit = detailLimit
        self.detail = detail
    }

    func publish(_ round: ControlLoop.Round) {
        if settings.output == .text {
            Self.writeText(round.plan, names: settings.names, layout: PlanTextLayout.make(round.plan, limit: detailLimit, detail: detail),
                           separated: !rounds.isEmpty)
            if let applied = round.applied { write(appliedLines(round.plan, applied)) }
        }
        rounds.append(round)
    }

    func finish() async {
        if settings.output == .json { writeJSON() }
        guard printStats, let last = rounds.last, let cycle = last.cycle, let observed = last.observed else { return }
        let written = rounds.reduce(0) { $0 + ($1.applied?.report.total ?? 0) }
        let stats = JSONValue.object([
            ("dograh_statements", .int(await cycle.dograh.connection.statementCount)),
            ("ara_statements", .int(await cycle.ara.connection.statementCount)),
            ("configurations", .int(observed.desired.trunks.count + observed.desired.skipped.count)),
            ("rows_read", .int(observed.actual.count)),
            ("owned_rows", .int(observed.ownedRows)),
            ("steps", .int(observed.plan.steps.count)),
            ("rows_written", .int(written)),
        ])
        FileHandle.standardError.write(Data(("stats: " + stats.serialized() + "\n").utf8))
    }

    /// The plan as text on stdout, piece by piece (a converge of 10,000 trunks is a plan
    /// of ~90,000 steps); `separated` puts a blank line before a later round's plan.
    static func writeText(_ plan: Plan, names: ARANames, layout: PlanTextLayout, separated: Bool = false) {
        var out = StandardOutputBuffer()
        if separated { out.append("\n") }
        PlanText.write(plan, names: names, layout: layout, bytes: { out.append(bytes: $0) })
        out.flush()
    }

    /// Every round in one JSON document, later rounds nested under `next_round`.
    private func writeJSON() {
        var next: JSONValue?
        for round in rounds.reversed() {
            var extra = jsonExtra(round.plan, round.applied)
            if let next { extra.append(("next_round", next)) }
            next = PlanJSON.document(round.plan, names: settings.names, extra: extra)
        }
        if let next { write(next.serialized(pretty: true) + "\n") }
    }

    private func appliedLines(_ plan: Plan, _ applied: Cycle.Applied) -> String {
        var lines = "Applied: \(applied.report.total) row change\(applied.report.total == 1 ? "" : "s") committed in one transaction.\n"
        for actuation in plan.actuations { lines += "Asterisk: \(actuation) — \(actuationState(actuation, applied)).\n" }
        return lines
    }

    private func jsonExtra(_ plan: Plan, _ applied: Cycle.Applied?) -> [(String, JSONValue)] {
        var extra: [(String, JSONValue)] = [("applied", .bool(applied != nil))]
        guard let applied else { return extra }
        extra.append(("result", .object(ARATable.allCases.map { table in
            (settings.names.name(of: table), .object(PlanStep.Verb.allCases.map { ($0.rawValue, .int(applied.report.count(table, $0))) }))
        })))
        extra.append(("actuation_results", .array(plan.actuations.map { actuation in
            .object([("actuation", .string(actuation.description)), ("state", .string(actuationState(actuation, applied)))])
        })))
        return extra
    }

    private func actuationState(_ actuation: Actuation, _ applied: Cycle.Applied) -> String {
        if !settings.asteriskConfigured { return "not sent (Asterisk not configured)" }
        return applied.failedActuations.contains(actuation) ? "failed (pending)" : "done"
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
