import ARAAdapter
import Foundation
import Logging
import PGClient
import Reconciler

/// The daemon's level-triggered loop. Each pass re-reads the full desired and actual
/// state; a timer, an Asterisk event or a failed pass only decide *when* the next pass
/// runs. Passes never overlap: there is one loop and it awaits each pass.
actor ControlLoop {
    struct Options: Sendable {
        var interval: Duration
        var resync: Duration
        var realert: Duration
        var registrationGrace: Duration
        var maxHold: Duration
        var unregisterTimeout: Duration
        var mode: RuntimeSettings.Mode
    }

    enum PassResult: String, Sendable, CaseIterable { case success, error, skipped }

    /// What one pass did, for metrics and tests.
    struct PassReport: Sendable {
        let result: PassResult
        let duration: Duration
        let plan: Plan?
        let applied: ApplyReport?
        let findings: [Finding]
        let pendingActuations: Int
        let isLeader: Bool
    }

    private let options: Options
    private let connect: @Sendable () async throws -> Cycle
    private let leader: LeaderLock?
    private let logger: Logger
    private let stop: StopFlag
    private let onPass: @Sendable (PassReport) async -> Void
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    private var cycle: Cycle?
    private var lastFingerprint: String?
    private var lastFullPass: ContinuousClock.Instant?
    private var failures = 0
    private var lastError: String?
    private var pendingActuations: Set<Actuation> = []
    private var holdStart: [String: ContinuousClock.Instant] = [:]
    private var followUp = false
    /// The rows the previous full pass wanted: a difference against rows that Dograh did
    /// not change since is drift; one that follows a Dograh edit is ordinary work.
    private var previousTrunks: [Trunk]?
    /// The last full pass held changes back (deprovisioning phase two, calls): keep
    /// running full passes until they are done.
    private var deferredWork = false
    private var tracker: AlertTracker
    private var statusTableMissingLogged = false
    private(set) var lastSuccess: Date?

    init(options: Options, leader: LeaderLock?, stop: StopFlag, logger: Logger,
         connect: @escaping @Sendable () async throws -> Cycle,
         onPass: @escaping @Sendable (PassReport) async -> Void = { _ in }) {
        self.options = options
        self.connect = connect
        self.leader = leader
        self.stop = stop
        self.logger = logger
        self.onPass = onPass
        tracker = AlertTracker(realert: options.realert, grace: options.registrationGrace)
        started = ContinuousClock.now
    }

    /// Runs passes until graceful shutdown; a pass in flight always finishes (its apply is
    /// one transaction), then the leader lock is released.
    func run() async {
        var force = true
        while !stop.isSet && !Task.isCancelled {
            let result = await pass(force: force)
            logger.debug("pass finished", metadata: ["event": "cycle.\(result.rawValue)", "forced": "\(force)"])
            let delay: Duration
            switch result {
            case .error: delay = Backoff.jittered(Backoff.delay(failures: failures))
            case .success, .skipped: delay = followUp ? .zero : options.interval
            }
            // A failed pass may have been the one an event or a follow-up asked for: the
            // next one runs in full rather than trusting the cheap check.
            let woken = await waitForNextPass(delay)
            force = woken || result == .error
        }
        await leader?.release()
        logger.info("control loop stopped", metadata: ["event": "daemon.stopped"])
    }

    /// Sleeps in short slices so that shutdown and Asterisk events are noticed quickly.
    /// Returns true when an event asked for the pass (it then runs the full diff).
    private func waitForNextPass(_ delay: Duration) async -> Bool {
        let deadline = clock.now + delay
        while clock.now < deadline {
            if stop.isSet || Task.isCancelled { return false }
            if stop.consumeWake() { return true }
            try? await Task.sleep(for: min(.milliseconds(50), deadline - clock.now))
        }
        return stop.consumeWake()
    }

    func pass(force: Bool) async -> PassResult {
        let begin = clock.now
        do {
            let cycle = try await connectedCycle()
            let fingerprint = try await cycle.dograh.fingerprint()
            // A standby tries for the lock at every poll, so it takes over within an
            // interval of the writer going away, not at the next resync.
            var force = force
            if options.mode == .heal, let leader, await leader.holderPID == nil, await leader.ensure() {
                logger.notice("leader lock acquired", metadata: ["event": "leader.acquired"])
                force = true
            }
            if !force, !followUp, !deferredWork, pendingActuations.isEmpty, fingerprint == lastFingerprint,
               let last = lastFullPass, clock.now - last < options.resync {
                await onPass(PassReport(result: .skipped, duration: clock.now - begin, plan: nil, applied: nil, findings: [],
                                        pendingActuations: pendingActuations.count, isLeader: await leader?.holderPID != nil))
                return .skipped
            }
            let isLeader = options.mode == .heal ? await leader?.ensure() ?? true : false
            let observed = try await cycle.observe(holdExpired: expiredHolds())
            trackHolds(observed.plan)
            let edited = previousTrunks.map { Findings.edited(from: $0, to: observed.desired.trunks) }
            let findings = Findings.of(observed.plan, actual: observed.actual, names: cycle.ara.names, editedInDograh: edited)
            alert(findings)
            var applied: ApplyReport?
            followUp = false
            if isLeader {
                applied = try await heal(observed, cycle: cycle)
                await writeStatus(observed.plan, applied: true, cycle: cycle)
            }
            lastFingerprint = fingerprint
            lastFullPass = clock.now
            previousTrunks = observed.desired.trunks
            deferredWork = observed.plan.deferred.contains { $0.reason != .pruneBudget }
            if failures > 0 { logger.notice("cycles succeed again", metadata: ["event": "cycle.recovered", "after_failures": "\(failures)"]) }
            failures = 0
            lastError = nil
            lastSuccess = Date()
            await onPass(PassReport(result: .success, duration: clock.now - begin, plan: observed.plan, applied: applied,
                                    findings: findings, pendingActuations: pendingActuations.count, isLeader: isLeader))
            return .success
        } catch {
            failures += 1
            let cause = "\(error)"
            // Logged once per distinct cause; retries of the same failure stay quiet.
            if cause != lastError {
                logger.error("cycle failed; nothing was written, retrying with backoff",
                             metadata: ["event": "cycle.failed", "cause": "\(cause)", "failures": "\(failures)"])
            } else {
                logger.debug("cycle failed again", metadata: ["event": "cycle.failed", "failures": "\(failures)"])
            }
            lastError = cause
            if Self.isConnectionProblem(error) { cycle = nil }
            await onPass(PassReport(result: .error, duration: clock.now - begin, plan: nil, applied: nil, findings: [],
                                    pendingActuations: pendingActuations.count, isLeader: await leader?.holderPID != nil))
            return .error
        }
    }

    private func connectedCycle() async throws -> Cycle {
        if let cycle { return cycle }
        let fresh = try await connect()
        cycle = fresh
        return fresh
    }

    /// Applies the plan, tells Asterisk, and keeps what Asterisk did not confirm pending.
    private func heal(_ observed: Cycle.Observed, cycle: Cycle) async throws -> ApplyReport? {
        let plan = observed.plan
        guard !plan.steps.isEmpty || !plan.actuations.isEmpty || !pendingActuations.isEmpty else { return nil }
        let report = try await cycle.ara.apply(plan.steps, leaderPID: await leader?.holderPID)
        if report.total > 0 {
            logger.info("applied", metadata: ["event": "apply.committed", "rows": "\(report.total)",
                                              "create": "\(plan.count(.create))", "update": "\(plan.count(.update))", "delete": "\(plan.count(.delete))"])
        }
        let actuations = Array(Set(plan.actuations).union(pendingActuations)).sorted()
        guard let asterisk = cycle.asterisk else {
            if !actuations.isEmpty {
                logger.warning("Asterisk is not configured: do this in Asterisk for the rows to take effect",
                               metadata: ["event": "actuation.manual", "actions": "\(actuations.map(\.description).joined(separator: ", "))"])
            }
            return report
        }
        let failed = await asterisk.actuate(actuations)
        if !failed.isEmpty {
            logger.warning("Asterisk did not confirm; kept pending for the next cycle",
                           metadata: ["event": "actuation.pending", "actions": "\(failed.map(\.description).joined(separator: ", "))"])
        }
        pendingActuations = Set(failed)
        let awaiting = Set(plan.deferred.filter { $0.reason == .awaitingUnregistration }.map(\.endpointID))
        if !awaiting.isEmpty, failed.isEmpty {
            _ = await asterisk.waitUntilUnregistered(awaiting, timeout: options.unregisterTimeout)
        }
        // Phase two of a deprovisioning runs right away rather than at the next poll;
        // failed actuations wait for the next interval (pending keeps that pass full).
        followUp = !awaiting.isEmpty && failed.isEmpty
        return report
    }

    private func alert(_ findings: [Finding]) {
        let now = clock.now - started
        for emission in tracker.update(findings, now: now) {
            switch emission {
            case .raised(let finding):
                logger.warning("\(finding.message)", metadata: Self.metadata(finding.event, finding.fields))
            case .repeated(let finding, let since):
                logger.warning("\(finding.message) (still)", metadata: Self.metadata(finding.event, finding.fields + [("for", "\(Int(since.components.seconds))s")]))
            case .resolved(let finding, let after):
                logger.notice("resolved", metadata: Self.metadata("drift.resolved", finding.fields + [
                    ("resolved_event", finding.event), ("after", "\(Int(after.components.seconds))s"),
                ]))
            }
        }
    }

    private static func metadata(_ event: String, _ fields: [(String, String)]) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["event": "\(event)"]
        for (key, value) in fields { metadata[key] = "\(value)" }
        return metadata
    }

    private func trackHolds(_ plan: Plan) {
        let held = Set(plan.deferred.filter { $0.reason == .activeCalls }.map(\.endpointID))
        for id in held where holdStart[id] == nil { holdStart[id] = clock.now }
        for id in holdStart.keys where !held.contains(id) { holdStart[id] = nil }
    }

    private func expiredHolds() -> Set<String> {
        Set(holdStart.filter { clock.now - $0.value >= options.maxHold }.keys)
    }

    private func writeStatus(_ plan: Plan, applied: Bool, cycle: Cycle) async {
        do {
            try await StatusTable(connection: cycle.ara.connection).replace(with: StatusTable.entries(for: plan, applied: applied))
        } catch {
            if !statusTableMissingLogged {
                logger.warning("cannot write reconcilerd_status (run `reconcilerd migrate` once)",
                               metadata: ["event": "status.unavailable", "cause": "\(error)"])
                statusTableMissingLogged = true
            }
        }
    }

    static func isConnectionProblem(_ error: any Error) -> Bool {
        if let error = error as? PGError { return error.isConnectionProblem }
        if let error = error as? ARAError, let underlying = error.underlying { return underlying.isConnectionProblem }
        return false
    }
}
