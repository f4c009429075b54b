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
        /// The owned rows: as read, or the desired rows when the digests showed them equal.
        let actual: [Row]
        /// Rows read from the ARA database this pass (0 when the digests matched).
        let rowsRead: Int
        let live: LiveView
        let plan: Plan
    }

    func observe(holdExpired: Set<String> = []) async throws -> Observed {
        // The ARA server computes the digest of the owned rows while the Dograh rows are
        // read and validated. A Dograh error still wins (it is awaited first).
        async let databaseDigest = ara.readDigest()
        let desired = try await dograh.snapshot()
        let desiredRows = Planner.desiredRows(desired, names: ara.names)
        let digest = try await databaseDigest
        // Equal digests: the owned rows are exactly the desired ones, nothing to read or
        // diff. Otherwise (or without a digest) the rows are read and diffed.
        let same = digest != nil && digest == RowDigest(rows: desiredRows)
        let actual = same ? desiredRows : try await ara.readOwned()
        var live = await asterisk?.observe() ?? .notConfigured
        if case .observed(var state) = live {
            state.holdExpired = holdExpired
            live = .observed(state)
        }
        let plan = Planner.plan(desired: desired, desiredRows: desiredRows, actual: same ? .sameAsDesired : .rows(actual),
                                live: live, policy: policy)
        return Observed(desired: desired, actual: actual, rowsRead: same ? 0 : actual.count, live: live, plan: plan)
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
