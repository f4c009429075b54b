import ARAAdapter
import DesiredState
import Logging
import PGClient
import Reconciler

/// One level-triggered pass: read desired, read actual rows and Asterisk, plan. Applying
/// and actuating are separate steps, so a dry run is just "observe and print".
struct Cycle: Sendable {
    let dograh: DograhReader
    let ara: ARAStore
    let asterisk: AsteriskSide?
    let policy: PlanPolicy
    let logger: Logger

    struct Observed: Sendable {
        let desired: DesiredSnapshot
        let actual: [Row]
        let live: LiveView
        let plan: Plan
    }

    func observe(holdExpired: Set<String> = []) async throws -> Observed {
        let desired = try await dograh.snapshot()
        let actual = try await ara.readOwned()
        var live = await asterisk?.observe() ?? .notConfigured
        if case .observed(var state) = live {
            state.holdExpired = holdExpired
            live = .observed(state)
        }
        let plan = Planner.plan(desired: desired, actual: actual, names: ara.names, live: live, policy: policy)
        return Observed(desired: desired, actual: actual, live: live, plan: plan)
    }

    struct Applied: Sendable {
        let report: ApplyReport
        /// Actuations Asterisk did not confirm; they stay pending.
        let failedActuations: [Actuation]
    }

    /// Commits the plan's steps in one transaction, then tells Asterisk. A failed
    /// actuation does not undo the commit: it is returned to be retried.
    func apply(_ plan: Plan, alsoActuate pending: [Actuation] = []) async throws -> Applied {
        let report = try await ara.apply(plan.steps)
        let actuations = Array(Set(plan.actuations + pending)).sorted()
        guard let asterisk else { return Applied(report: report, failedActuations: []) }
        return Applied(report: report, failedActuations: await asterisk.actuate(actuations))
    }
}
