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
            let cycle = try await connect()
            let observed = try await cycle.observe()
            let plan = observed.plan
            guard apply, !plan.isEmpty else {
                write(render(plan, applied: nil))
                await writeStats(cycle, observed, applied: 0)
                return plan.isEmpty || apply ? Self.inSync : Self.changesPending
            }
            let report = try await cycle.ara.apply(plan.steps)
            write(render(plan, applied: report))
            await writeStats(cycle, observed, applied: report.total)
            return Self.inSync
        } catch {
            FileHandle.standardError.write(Data("reconcilerd: error: \(error)\n".utf8))
            return Self.failed
        }
    }

    private func connect() async throws -> Cycle {
        let dograhTarget = try settings.connectionString(.dograhDSN, purpose: "Dograh")
        let araTarget = try settings.connectionString(.araDSN, purpose: "ARA (Asterisk realtime)")
        let dograh = try await PGConnection.connect(dograhTarget)
        let ara = try await PGConnection.connect(araTarget)
        return Cycle(dograh: DograhReader(connection: dograh), ara: try ARAStore(connection: ara, names: settings.names), logger: logger)
    }

    private func render(_ plan: Plan, applied report: ApplyReport?) -> String {
        switch settings.output {
        case .json:
            var extra: [(String, JSONValue)] = [("applied", .bool(report != nil))]
            if let report {
                extra.append(("result", .object(ARATable.allCases.map { table in
                    (settings.names.name(of: table), .object(PlanStep.Verb.allCases.map { ($0.rawValue, .int(report.count(table, $0))) }))
                })))
            }
            return PlanJSON.document(plan, names: settings.names, extra: extra).serialized(pretty: true) + "\n"
        case .text:
            let text = PlanText.render(plan, names: settings.names)
            guard let report else { return text }
            return text + "Applied: \(report.total) row change\(report.total == 1 ? "" : "s") committed in one transaction.\n"
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

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
