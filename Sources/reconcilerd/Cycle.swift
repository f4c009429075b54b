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
        /// The owned rows as read; empty when the digests showed them to be exactly the
        /// desired rows (then nothing was read and the plan has no row steps).
        let actual: [Row]
        /// Owned rows in the ARA database, read or not.
        let ownedRows: Int
        let live: LiveView
        let plan: Plan
    }

    func observe(holdExpired: Set<String> = []) async throws -> Observed {
        // The ARA server computes the digest of the owned rows while the Dograh rows are
        // read and validated. A Dograh error still wins (it is awaited first).
        async let databaseDigest = ara.readDigest()
        async let record = EndpointsTable.read(ara.connection)
        let configurations = try await dograh.configurations()
        let applied = try await record
        let desired = DesiredSnapshot.resolve(configurations, applied: applied ?? AppliedEndpoints())
        let digest = try await databaseDigest
        // Equal digests: the owned rows are exactly the desired ones, nothing to read or
        // diff. Otherwise (or without a digest) the rows are read and diffed; different
        // row counts (a converge from empty, say) say so before anything is hashed.
        var same = false
        if let digest, digest.countsMatch(desired.trunks) {
            same = await Self.digest(of: desired.trunks, names: ara.names) == digest
        }
        // A diff needs the desired rows: built (in two halves at once) while the rows are read
        // (unless the digest counted none: a converge from empty reads nothing).
        async let desiredRows = same ? nil : Self.rows(of: desired.trunks, names: ara.names)
        let actual = same || digest?.rowCount == 0 ? [] : try await ara.readOwned()
        var live = await asterisk?.observe() ?? .notConfigured
        if case .observed(var state) = live {
            state.holdExpired = holdExpired
            live = .observed(state)
        }
        let plan = Planner.plan(desired: desired, actual: same ? .sameAsDesired : .rows(actual), desiredRows: await desiredRows,
                                names: ara.names, live: live, policy: policy, applied: applied)
        return Observed(desired: desired, actual: actual, ownedRows: same ? digest?.rowCount ?? 0 : actual.count, live: live, plan: plan)
    }

    /// The desired rows' digest, hashed in two halves at once (a few tens of milliseconds
    /// at 10,000 trunks, on the critical path of every pass).
    static func digest(of trunks: [Trunk], names: ARANames) async -> RowDigest? {
        await inHalves(trunks, { RowDigest(trunks: $0, names: names) }) { first, second in
            guard let first, let second else { return nil }
            return first.adding(second)
        }
    }

    /// `Planner.desiredRows`, built in two halves at once, trunks in endpoint id order (the
    /// plan's order, so that ordering the steps finds them mostly in place).
    static func rows(of trunks: [Trunk], names: ARANames) async -> [Row] {
        await inHalves(trunks.sorted { $0.endpointID < $1.endpointID },
                       { Planner.desiredRows(DesiredSnapshot(trunks: $0, skipped: []), names: names) }, combine: +)
    }

    /// `work` on each half of `trunks` at once, the results joined in order; from 1,000
    /// trunks on (below that, starting a task costs more than it saves).
    private static func inHalves<T: Sendable>(_ trunks: [Trunk], _ work: @escaping @Sendable ([Trunk]) -> T,
                                              combine: (T, T) -> T) async -> T {
        guard trunks.count >= 1_000 else { return work(trunks) }
        let middle = trunks.count / 2
        async let first = work(Array(trunks[..<middle]))
        let second = work(Array(trunks[middle...]))
        return combine(await first, second)
    }

    struct Applied: Sendable {
        let report: ApplyReport
        /// Actuations Asterisk did not confirm; they stay pending.
        let failedActuations: [Actuation]
    }

    /// Commits the plan's steps (and the endpoint record) in one transaction, then tells
    /// Asterisk. A failed actuation does not undo the commit: it is returned to be retried.
    func apply(_ plan: Plan, actuations: [Actuation], leaderPID: Int32?) async throws -> Applied {
        let report = try await ara.apply(plan.steps, endpoints: plan.appliedEndpoints, leaderPID: leaderPID)
        guard let asterisk, !actuations.isEmpty else { return Applied(report: report, failedActuations: []) }
        return Applied(report: report, failedActuations: await asterisk.actuate(actuations))
    }
}
