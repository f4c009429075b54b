import ARAAdapter
import Foundation
import Logging
import PGClient
import Reconciler

/// Runs a `Controller` — the daemon's and `--once`'s — against the real parts: events in
/// from one stream (the start, timers, Asterisk, shutdown and the result of each step),
/// actions out as I/O. All decisions are the controller's; this only performs them. Each
/// step that does I/O runs as a child task and reports back through the same stream, and
/// the controller asks for one at a time, so passes never overlap.
struct ControlLoop: Sendable {
    let options: Controller.Options
    let leader: LeaderLock?
    let logger: Logger
    let connect: @Sendable () async throws -> Cycle
    let events: AsyncStream<Controller.Event>
    /// Where Asterisk events and shutdown (and the steps' results) come in.
    let input: AsyncStream<Controller.Event>.Continuation
    var hooks = Hooks()

    /// What the caller does with the controller's reports.
    struct Hooks: Sendable {
        /// A pass finished (metrics); `applied` is its apply's report, when it applied.
        var passFinished: @Sendable (Controller.PassSummary, ApplyReport?) async -> Void = { _, _ in }
        /// `--once`: a round's plan, with what its apply did.
        var publish: @Sendable (Round) async -> Void = { _ in }
        /// The controller's next wake-up is this far away (the status page's next pass).
        var scheduled: @Sendable (Duration) async -> Void = { _ in }
    }

    /// One round of `--once`: its plan, what its apply did, what it read and with what.
    struct Round: Sendable {
        let plan: Plan
        let applied: Cycle.Applied?
        let observed: Cycle.Observed?
        let cycle: Cycle?
    }

    init(options: Controller.Options, leader: LeaderLock?, logger: Logger, connect: @escaping @Sendable () async throws -> Cycle) {
        self.options = options
        self.leader = leader
        self.logger = logger
        self.connect = connect
        (events, input) = AsyncStream.makeStream(of: Controller.Event.self)
    }

    /// Runs until the controller stops; returns how it stopped. The leader lock is released.
    func run() async -> Controller.Exit {
        var controller = Controller(options: options, seed: UInt64.random(in: .min ... .max))
        let clock = ContinuousClock(), started = clock.now
        let state = LoopState(connect: connect)
        var exit = Controller.Exit.inSync
        input.yield(.start)
        await withDiscardingTaskGroup { group in
            for await event in events {
                for action in controller.handle(event, now: clock.now - started) {
                    switch action {
                    case .check, .observe, .apply, .waitUntilUnregistered:
                        group.addTask { self.input.yield(await self.perform(action, state: state)) }
                    case .wake(let at):
                        await hooks.scheduled(max(.zero, at - (clock.now - started)))
                        // Superseded timers still fire; the controller ignores one that is early.
                        group.addTask {
                            try? await Task.sleep(until: started + at, clock: clock)
                            self.input.yield(.timer)
                        }
                    case .alert(let emission): log(emission)
                    case .notice(let notice): log(notice)
                    case .writeStatus(let plan, let retries): await state.writeStatus(plan, reRegistering: retries, logger: logger)
                    case .publish(let plan): await hooks.publish(await state.round(plan))
                    case .finished(let summary):
                        logger.debug("pass finished", metadata: ["event": "cycle.\(summary.result.rawValue)",
                                                               "duration_ms": "\(Self.milliseconds(summary.duration))"])
                        await hooks.passFinished(summary, await state.takeReport())
                    case .dropConnections: await state.drop()
                    case .stop(let how): exit = how
                    }
                }
                if controller.isStopped { break }
            }
            group.cancelAll()
        }
        input.finish()
        await leader?.release()
        if !options.once { logger.info("control loop stopped", metadata: ["event": "daemon.stopped"]) }
        return exit
    }

    /// One I/O step; its outcome as the controller's next event.
    private func perform(_ action: Controller.Action, state: LoopState) async -> Controller.Event {
        do {
            let cycle = try await state.cycle()
            switch action {
            case .check:
                let fingerprint = try await cycle.dograh.fingerprint()
                return .checked(fingerprint: fingerprint, isLeader: await leads(verifying: false))
            case .observe(let holdExpired):
                let fingerprint = options.once ? nil : try await cycle.dograh.fingerprint()
                // `--once` took the lock just before; its apply checks it in the transaction.
                let isLeader = await leads(verifying: !options.once)
                let observed = try await cycle.observe(holdExpired: holdExpired)
                await state.observed(observed)
                return .observed(Controller.Observation(desired: observed.desired, actual: observed.actual, plan: observed.plan,
                                                        fingerprint: fingerprint, isLeader: isLeader))
            case .apply(let plan, let actuations):
                let applied = try await cycle.apply(plan, actuations: actuations, leaderPID: await leader?.holderPID)
                await state.applied(applied)
                return .applied(rows: applied.report.total, failedActuations: applied.failedActuations)
            case .waitUntilUnregistered(let ids, let timeout):
                let gone = await cycle.asterisk?.waitUntilUnregistered(ids, timeout: timeout) ?? false
                return .unregistrationWaitEnded(allGone: gone)
            default:
                preconditionFailure("not an I/O step: \(action)")
            }
        } catch {
            return .failed(cause: "\(error)", connectionLost: Self.isConnectionProblem(error))
        }
    }

    /// Whether this process may write now. A standby tries for the lock at every check, so
    /// it takes over within an interval of the leader going away; a leader re-checks its
    /// lock session only for a full pass (the apply checks it again in its transaction).
    private func leads(verifying: Bool) async -> Bool {
        guard options.writes else { return false }
        guard let leader else { return true }
        if !verifying, await leader.holderPID != nil { return true }
        return await leader.ensure()
    }

    private func log(_ emission: AlertTracker.Emission) {
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

    private func log(_ notice: Controller.Notice) {
        switch notice {
        case .leaderAcquired: logger.notice("leader lock acquired", metadata: ["event": "leader.acquired"])
        case .leaderLost: logger.warning("leader lock lost; observing as a standby", metadata: ["event": "leader.lost"])
        case .passFailed(let cause, let failures, let repeated):
            // Logged once per distinct cause; retries of the same failure stay quiet.
            if repeated {
                logger.debug("cycle failed again", metadata: ["event": "cycle.failed", "failures": "\(failures)"])
            } else {
                logger.error("cycle failed; nothing was written, retrying with backoff",
                             metadata: ["event": "cycle.failed", "cause": "\(cause)", "failures": "\(failures)"])
            }
        case .recovered(let failures):
            logger.notice("cycles succeed again", metadata: ["event": "cycle.recovered", "after_failures": "\(failures)"])
        case .committed(let rows, let create, let update, let delete):
            logger.info("applied", metadata: ["event": "apply.committed", "rows": "\(rows)",
                                              "create": "\(create)", "update": "\(update)", "delete": "\(delete)"])
        case .actuationManual(let actuations):
            logger.warning("Asterisk is not configured: do this in Asterisk for the rows to take effect",
                           metadata: ["event": "actuation.manual", "actions": "\(actuations.map(\.description).joined(separator: ", "))"])
        case .actuationPending(let actuations):
            logger.warning("Asterisk did not confirm; kept pending for the next cycle",
                           metadata: ["event": "actuation.pending", "actions": "\(actuations.map(\.description).joined(separator: ", "))"])
        case .stillRegistered(let ids):
            logger.warning("Asterisk still reports registrations after the wait; their rows stay until it drops them",
                           metadata: ["event": "deprovision.waiting", "endpoints": "\(ids.sorted().joined(separator: ","))"])
        case .reloadByHand:
            FileHandle.standardError.write(Data("reconcilerd: note: registrations removed; reload \(Actuation.registrationModule) in Asterisk (module reload \(Actuation.registrationModule)), then run again to remove the remaining rows\n".utf8))
        case .reRegistering(let ids):
            logger.notice("re-registering trunks Asterisk gave up on", metadata: ["event": "registration.retry", "endpoints": "\(ids.joined(separator: ","))"])
        }
    }

    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15)
    }

    static func metadata(_ event: String, _ fields: [(String, String)]) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["event": "\(event)"]
        for (key, value) in fields { metadata[key] = "\(value)" }
        return metadata
    }

    static func isConnectionProblem(_ error: any Error) -> Bool {
        if let error = error as? PGError { return error.isConnectionProblem }
        if let error = error as? ARAError, let underlying = error.underlying { return underlying.isConnectionProblem }
        return false
    }
}

/// What the loop's steps share: the connections (made on first use, dropped after a
/// connection problem) and the last results the hooks report.
private actor LoopState {
    private let connect: @Sendable () async throws -> Cycle
    private var current: Cycle?
    private var report: ApplyReport?
    private var lastApplied: Cycle.Applied?
    private var lastObserved: Cycle.Observed?
    private var statusTableMissingLogged = false

    init(connect: @escaping @Sendable () async throws -> Cycle) { self.connect = connect }

    func cycle() async throws -> Cycle {
        if let current { return current }
        let fresh = try await connect()
        current = fresh
        return fresh
    }

    func drop() { current = nil }

    func observed(_ observed: Cycle.Observed) {
        lastObserved = observed
        lastApplied = nil
    }

    func applied(_ applied: Cycle.Applied) {
        lastApplied = applied
        report = applied.report
    }

    func round(_ plan: Plan) -> ControlLoop.Round {
        ControlLoop.Round(plan: plan, applied: lastApplied, observed: lastObserved, cycle: current)
    }

    func takeReport() -> ApplyReport? {
        defer { report = nil }
        return report
    }

    func writeStatus(_ plan: Plan, reRegistering: [String: ReRegisterTracker.Due], logger: Logger) async {
        guard let current else { return }
        do {
            try await StatusTable(connection: current.ara.connection).replace(with: StatusTable.entries(for: plan, applied: true, reRegistering: reRegistering))
        } catch {
            if !statusTableMissingLogged {
                logger.warning("cannot write reconcilerd_status (run `reconcilerd migrate` once)",
                               metadata: ["event": "status.unavailable", "cause": "\(error)"])
                statusTableMissingLogged = true
            }
        }
    }
}
