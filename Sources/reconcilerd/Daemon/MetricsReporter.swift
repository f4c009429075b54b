import ARAAdapter
import Foundation
import Reconciler

/// Turns each pass report into metric values.
struct MetricsReporter: Sendable {
    let metrics: ReconcilerMetrics

    /// `board`: the status page after this pass, whose states the configurations gauge counts.
    func record(_ report: Controller.PassSummary, applied: ApplyReport?, board: StatusBoard? = nil) {
        metrics.cycleFinished(result: ReconcilerMetrics.CycleResult(rawValue: report.result.rawValue)!, duration: report.duration)
        metrics.setPendingActuations(report.pendingActuations)
        metrics.setLeader(report.isLeader)
        metrics.setReRegistering(report.reRegistering.count)
        // A skipped pass is a successful check of Dograh: the daemon is ready.
        if report.result != .error { metrics.setLastSuccess(Date()) }
        guard report.result == .success, let plan = report.plan else { return }
        if let board {
            metrics.setConfigurations(Dictionary(board.rows.map { ($0.state.rawValue, 1) }, uniquingKeysWith: +))
        }
        var drift: [String: Int] = [:]
        for finding in report.findings {
            switch finding.event {
            case "drift.row": drift["row", default: 0] += 1
            case "drift.unexpected": drift["unexpected", default: 0] += 1
            case "drift.missing": drift["missing", default: 0] += 1
            case "drift.asterisk_stale": drift["asterisk_stale", default: 0] += 1
            case "config.invalid": drift["invalid_config", default: 0] += 1
            default: break
            }
        }
        metrics.setDrift(drift)
        var trunks: [String: Int] = [:]
        for outcome in plan.configurations where outcome.state == .desired {
            let status = plan.asterisk == .observed ? (outcome.registration?.rawValue ?? RegistrationStatus.noState.rawValue) : "unknown"
            trunks[status, default: 0] += 1
        }
        metrics.setTrunks(trunks)
        var deferred: [String: Int] = [:]
        for deferral in plan.deferred {
            let reason = switch deferral.reason {
            case .awaitingUnregistration: "awaiting_unregistration"
            case .activeCalls: "active_calls"
            case .pruneBudget: "prune_budget"
            }
            deferred[reason, default: 0] += deferral.steps.count
        }
        metrics.setDeferred(deferred)
        if let applied {
            for table in ARATable.allCases {
                for verb in PlanStep.Verb.allCases where applied.count(table, verb) > 0 {
                    metrics.recordApply(table: table.fixedName ?? "config", verb: verb.rawValue, count: applied.count(table, verb))
                }
            }
        }
    }
}
