import ARAAdapter
import DesiredState
import Foundation
import Logging
import PGClient
import Reconciler

/// `reconcilerd --once [--apply]`: one cycle, the plan on stdout, Terraform's exit codes.
struct OnceRun {
    let settings: RuntimeSettings
    let apply: Bool
    /// Prints statement counts to stderr as one JSON line, for the benchmark.
    var printStats = false
    let logger: Logger

    static let inSync: Int32 = 0
    static let failed: Int32 = 1
    static let changesPending: Int32 = 2

    func run() async -> Int32 {
        do {
            let cycle = try await Wiring.cycle(settings, logger: logger)
            var observed = try await cycle.observe()
            logInvalid(observed.plan)
            guard apply else {
                if settings.output == .text { Self.writeText(observed.plan, names: settings.names) } else { writeJSON([(observed.plan, nil)]) }
                await writeStats(cycle, observed, applied: 0)
                Self.keepUntilExit(observed)
                return observed.plan.isEmpty ? Self.inSync : Self.changesPending
            }
            var rounds: [(Plan, Cycle.Applied?)] = []
            var written = 0
            var text = settings.output == .text ? StandardOutputBuffer() : nil
            defer {
                text?.flush()
                if text == nil { writeJSON(rounds) }
            }
            // Deprovisioning takes two rounds: the registration row, then (once Asterisk
            // has dropped the registration) the rest.
            for round in 1...2 {
                // The text plan is written while the transaction runs (at 10,000 trunks
                // both take a few hundred milliseconds, and the plan does not depend on the
                // outcome, which follows it), on a thread that yields to the database.
                let plan = observed.plan
                text?.flush()
                async let applying = cycle.apply(plan)
                if text != nil {
                    let names = settings.names
                    await IdleThread.run { Self.writeText(plan, names: names, separated: round > 1) }
                }
                let applied = try await applying
                written += applied.report.total
                rounds.append((plan, applied))
                text?.append(appliedLines(plan, applied))
                if !applied.failedActuations.isEmpty {
                    FileHandle.standardError.write(Data("reconcilerd: error: \(Self.pendingMessage(applied.failedActuations))\n".utf8))
                    return Self.failed
                }
                let awaiting = Set(observed.plan.deferred.filter { $0.reason == .awaitingUnregistration }.map(\.endpointID))
                guard round == 1, !awaiting.isEmpty else { break }
                guard let asterisk = cycle.asterisk else {
                    // Nobody can reload Asterisk for us: deleting the auth now would make
                    // the un-REGISTER of the operator's reload fail.
                    FileHandle.standardError.write(Data("reconcilerd: note: registrations removed; reload \(Actuation.registrationModule) in Asterisk (module reload \(Actuation.registrationModule)), then run again to remove the remaining rows\n".utf8))
                    break
                }
                if !(await asterisk.waitUntilUnregistered(awaiting, timeout: settings.unregisterTimeout)) {
                    logger.warning("Asterisk still reports registrations after the wait; their rows stay until it drops them",
                                   metadata: ["event": "deprovision.waiting", "endpoints": "\(awaiting.sorted().joined(separator: ","))"])
                }
                observed = try await cycle.observe()
                if observed.plan.steps.isEmpty { break }
            }
            await writeStats(cycle, observed, applied: written)
            Self.keepUntilExit(observed, rounds)
            return Self.inSync
        } catch {
            FileHandle.standardError.write(Data("reconcilerd: error: \(error)\n".utf8))
            return Self.failed
        }
    }

    /// The process exits right after `run`: the cycle's rows and plan are left for the exit
    /// to reclaim instead of being freed one by one (at 10,000 trunks that took longer than
    /// planning a no-op). The connections are not kept: they close as usual.
    nonisolated(unsafe) private static var keptUntilExit: [Any] = []

    private static func keepUntilExit(_ values: Any...) {
        keptUntilExit += values
    }

    /// What the operator must know when Asterisk did not confirm: a missed reload is seen
    /// again by the next run (stale registrations), a missed PJSIPRegister is not.
    static func pendingMessage(_ failed: [Actuation]) -> String {
        var parts = ["rows committed, but Asterisk did not confirm: " + failed.map(\.description).joined(separator: ", ")]
        if failed.contains(where: { if case .reloadModule = $0 { true } else { false } }) {
            parts.append("run again when Asterisk answers (or start the daemon): the reload is planned again from what Asterisk reports")
        }
        let registers = failed.compactMap { if case .register(let id) = $0 { id } else { nil } }
        if !registers.isEmpty {
            parts.append("then re-register by hand: " + registers.map { "asterisk -rx 'pjsip send register \($0)'" }.joined(separator: "; "))
        }
        return parts.joined(separator: "; ")
    }

    private func logInvalid(_ plan: Plan) {
        for finding in Findings.invalidConfigurations(plan) {
            var metadata: Logger.Metadata = ["event": "\(finding.event)"]
            for (key, value) in finding.fields { metadata[key] = "\(value)" }
            logger.warning("\(finding.message)", metadata: metadata)
        }
    }

    private func writeStats(_ cycle: Cycle, _ observed: Cycle.Observed, applied: Int) async {
        guard printStats else { return }
        let stats = JSONValue.object([
            ("dograh_statements", .int(await cycle.dograh.connection.statementCount)),
            ("ara_statements", .int(await cycle.ara.connection.statementCount)),
            ("configurations", .int(observed.desired.trunks.count + observed.desired.skipped.count)),
            ("rows_read", .int(observed.actual.count)),
            ("owned_rows", .int(observed.ownedRows)),
            ("steps", .int(observed.plan.steps.count)),
            ("rows_written", .int(applied)),
        ])
        FileHandle.standardError.write(Data(("stats: " + stats.serialized() + "\n").utf8))
    }

    /// The plan as text on stdout, piece by piece (a converge of 10,000 trunks is a plan
    /// of ~90,000 steps); `separated` puts a blank line before a later round's plan.
    static func writeText(_ plan: Plan, names: ARANames, separated: Bool = false) {
        var out = StandardOutputBuffer()
        if separated { out.append("\n") }
        PlanText.write(plan, names: names, bytes: { out.append(bytes: $0) })
        out.flush()
    }

    /// Each round (two when a deprovisioning completes in this run) in one JSON document,
    /// later rounds nested under `next_round`.
    private func writeJSON(_ rounds: [(Plan, Cycle.Applied?)]) {
        var next: JSONValue?
        for (plan, applied) in rounds.reversed() {
            var extra = jsonExtra(plan, applied)
            if let next { extra.append(("next_round", next)) }
            next = PlanJSON.document(plan, names: settings.names, extra: extra)
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

/// Builds a cycle's parts from settings: both databases and, when configured, Asterisk.
enum Wiring {
    static func cycle(_ settings: RuntimeSettings, logger: Logger) async throws -> Cycle {
        _ = try settings.connectionString(.dograhDSN)
        _ = try settings.connectionString(.araDSN)
        let asterisk = try AsteriskSide.make(settings, logger: logger)
        async let araConnection = settings.connect(.araDSN)
        let dograh = try await settings.connect(.dograhDSN)
        let ara = try await araConnection
        return Cycle(dograh: DograhReader(connection: dograh, bridge: settings.bridge), ara: try ARAStore(connection: ara, names: settings.names),
                     asterisk: asterisk, policy: settings.policy, logger: logger)
    }
}

/// Collects output and writes it to stdout in blocks of about 64 KiB.
struct StandardOutputBuffer {
    private var pending: [UInt8] = []

    mutating func append(_ text: String) {
        append(bytes: Array(text.utf8))
    }

    mutating func append(bytes: [UInt8]) {
        pending += bytes
        if pending.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        FileHandle.standardOutput.write(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }
}
