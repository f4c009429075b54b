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
            guard apply else {
                write(render(observed.plan, applied: nil))
                await writeStats(cycle, observed, applied: 0)
                return observed.plan.isEmpty ? Self.inSync : Self.changesPending
            }
            var written = 0
            // Deprovisioning takes two rounds: the registration row, then (once Asterisk
            // has dropped the registration) the rest.
            for round in 1...2 {
                let applied = try await cycle.apply(observed.plan)
                written += applied.report.total
                write(render(observed.plan, applied: applied))
                if !applied.failedActuations.isEmpty {
                    let pending = applied.failedActuations.map(\.description).joined(separator: ", ")
                    FileHandle.standardError.write(Data("reconcilerd: error: rows committed, but Asterisk did not confirm: \(pending); the next run or daemon cycle retries it\n".utf8))
                    return Self.failed
                }
                let awaiting = Set(observed.plan.deferred.filter { $0.reason == .awaitingUnregistration }.map(\.endpointID))
                guard round == 1, !awaiting.isEmpty else { break }
                if let asterisk = cycle.asterisk, !(await asterisk.waitUntilUnregistered(awaiting, timeout: settings.unregisterTimeout)) {
                    logger.warning("Asterisk still reports registrations after the wait; their rows stay until it drops them",
                                   metadata: ["event": "deprovision.waiting", "endpoints": "\(awaiting.sorted().joined(separator: ","))"])
                }
                observed = try await cycle.observe()
                if observed.plan.steps.isEmpty { break }
            }
            await writeStats(cycle, observed, applied: written)
            return Self.inSync
        } catch {
            FileHandle.standardError.write(Data("reconcilerd: error: \(error)\n".utf8))
            return Self.failed
        }
    }

    private func writeStats(_ cycle: Cycle, _ observed: Cycle.Observed, applied: Int) async {
        guard printStats else { return }
        let stats = JSONValue.object([
            ("dograh_statements", .int(await cycle.dograh.connection.statementCount)),
            ("ara_statements", .int(await cycle.ara.connection.statementCount)),
            ("configurations", .int(observed.desired.trunks.count + observed.desired.skipped.count)),
            ("rows_read", .int(observed.actual.count)),
            ("steps", .int(observed.plan.steps.count)),
            ("rows_written", .int(applied)),
        ])
        FileHandle.standardError.write(Data(("stats: " + stats.serialized() + "\n").utf8))
    }

    private func render(_ plan: Plan, applied: Cycle.Applied?) -> String {
        let actuationState: (Actuation) -> String = { actuation in
            guard let applied else { return "planned" }
            if self.settings.asteriskConfigured == false { return "not sent (Asterisk not configured)" }
            return applied.failedActuations.contains(actuation) ? "failed (pending)" : "done"
        }
        switch settings.output {
        case .json:
            var extra: [(String, JSONValue)] = [("applied", .bool(applied != nil))]
            if let report = applied?.report {
                extra.append(("result", .object(ARATable.allCases.map { table in
                    (settings.names.name(of: table), .object(PlanStep.Verb.allCases.map { ($0.rawValue, .int(report.count(table, $0))) }))
                })))
                extra.append(("actuation_results", .array(plan.actuations.map { actuation in
                    .object([("actuation", .string(actuation.description)), ("state", .string(actuationState(actuation)))])
                })))
            }
            return PlanJSON.document(plan, names: settings.names, extra: extra).serialized(pretty: true) + "\n"
        case .text:
            let text = PlanText.render(plan, names: settings.names)
            guard let applied else { return text }
            var lines = [text + "Applied: \(applied.report.total) row change\(applied.report.total == 1 ? "" : "s") committed in one transaction."]
            for actuation in plan.actuations { lines.append("Asterisk: \(actuation) — \(actuationState(actuation)).") }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// Builds a cycle's parts from settings: both databases and, when configured, Asterisk.
enum Wiring {
    static func cycle(_ settings: RuntimeSettings, logger: Logger) async throws -> Cycle {
        let dograhTarget = try settings.connectionString(.dograhDSN, purpose: "Dograh")
        let araTarget = try settings.connectionString(.araDSN, purpose: "ARA (Asterisk realtime)")
        let asterisk = try AsteriskSide.make(settings, logger: logger)
        let dograh = try await PGConnection.connect(dograhTarget)
        let ara = try await PGConnection.connect(araTarget)
        return Cycle(dograh: DograhReader(connection: dograh, bridge: settings.bridge), ara: try ARAStore(connection: ara, names: settings.names),
                     asterisk: asterisk, policy: settings.policy, logger: logger)
    }
}
