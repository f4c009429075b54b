/// What reconcilerd decides and when, for the daemon and for `--once` alike: a value that
/// takes events (`handle`) and returns the actions to perform. It does no I/O and reads no
/// clock: time comes in with each event, jitter from a seeded generator, so every rule is
/// tested with plain values (`ControllerTests`). The executable turns events into calls
/// and actions into I/O, the way `AMIStateMachine` drives the AMI connection.
///
/// A pass is: a cheap check of Dograh's fingerprint (skipped when a full pass is due), a
/// full observation (desired, owned rows, Asterisk → plan), then, when this process
/// writes and leads, one apply with its actuations and, for a deprovisioning, a bounded
/// wait for Asterisk to drop the registration before phase two. Passes never overlap: an
/// event that arrives during one makes the next run at once, in full.
public struct Controller: Sendable {
    public struct Options: Sendable {
        public var interval: Duration
        public var resync: Duration
        public var realert: Duration
        public var registrationGrace: Duration
        public var maxHold: Duration
        public var unregisterTimeout: Duration
        /// Writes to the ARA database (`--mode heal`, `--once --apply`).
        public var writes: Bool
        /// One pass (two rounds when a deprovisioning completes in it), then stop.
        public var once: Bool
        public var asteriskConfigured: Bool
        public var names: ARANames
        public var passBackoff: Backoff
        public var reRegisterBackoff: Backoff

        public init(interval: Duration = .seconds(2), resync: Duration = .seconds(300), realert: Duration = .seconds(3600),
                    registrationGrace: Duration = .seconds(120), maxHold: Duration = .seconds(3600),
                    unregisterTimeout: Duration = .seconds(10), writes: Bool, once: Bool, asteriskConfigured: Bool,
                    names: ARANames = ARANames(), passBackoff: Backoff = .pass, reRegisterBackoff: Backoff = .reRegister) {
            self.interval = interval
            self.resync = resync
            self.realert = realert
            self.registrationGrace = registrationGrace
            self.maxHold = maxHold
            self.unregisterTimeout = unregisterTimeout
            self.writes = writes
            self.once = once
            self.asteriskConfigured = asteriskConfigured
            self.names = names
            self.passBackoff = passBackoff
            self.reRegisterBackoff = reRegisterBackoff
        }
    }

    /// What a full pass read and planned.
    public struct Observation: Sendable {
        public var desired: DesiredSnapshot
        /// The owned rows as read (empty when the digests matched).
        public var actual: [Row]
        public var plan: Plan
        /// Dograh's fingerprint read with it, for the next cheap check.
        public var fingerprint: String?
        /// This process holds the leader lock (false when it does not write).
        public var isLeader: Bool

        public init(desired: DesiredSnapshot, actual: [Row], plan: Plan, fingerprint: String?, isLeader: Bool) {
            self.desired = desired
            self.actual = actual
            self.plan = plan
            self.fingerprint = fingerprint
            self.isLeader = isLeader
        }
    }

    public enum Event: Sendable {
        case start
        /// The wake-up asked for by the last `.wake(at:)` is due.
        case timer
        /// Asterisk reported a change (an event, or its event stream reconnected).
        case asteriskChanged
        /// The cheap check's answer.
        case checked(fingerprint: String, isLeader: Bool)
        case observed(Observation)
        /// The plan committed (`rows` written); `failedActuations` are what Asterisk did
        /// not confirm.
        case applied(rows: Int, failedActuations: [Actuation])
        case unregistrationWaitEnded(allGone: Bool)
        /// The step in flight failed; nothing of the pass was written.
        case failed(cause: String, connectionLost: Bool)
        case shutdown
    }

    public enum Action: Sendable, Equatable {
        /// Read Dograh's fingerprint; a standby also tries for the leader lock.
        case check
        /// A full observation; trunks in `holdExpired` held calls longer than `--max-hold`.
        case observe(holdExpired: Set<String>)
        /// Commit the plan's steps and record in one transaction, then tell Asterisk.
        case apply(Plan, actuations: [Actuation])
        case waitUntilUnregistered(Set<String>, timeout: Duration)
        case alert(AlertTracker.Emission)
        case notice(Notice)
        /// `reconcilerd_status` from this plan, with the trunks being re-registered and how
        /// long until each is next due.
        case writeStatus(Plan, reRegistering: [String: ReRegisterTracker.Due])
        /// `--once`: this round's plan is part of the output.
        case publish(Plan)
        case finished(PassSummary)
        case dropConnections
        case wake(at: Duration)
        case stop(Exit)
    }

    public enum Notice: Sendable, Hashable {
        case leaderAcquired
        case leaderLost
        /// `repeated`: the same cause as the previous failure (logged quietly).
        case passFailed(cause: String, failures: Int, repeated: Bool)
        case recovered(afterFailures: Int)
        case committed(rows: Int, create: Int, update: Int, delete: Int)
        /// Asterisk is not configured: an operator must do these.
        case actuationManual([Actuation])
        case actuationPending([Actuation])
        case stillRegistered(Set<String>)
        /// `--once` without Asterisk: phase one is done, phase two needs a reload by hand.
        case reloadByHand
        case reRegistering([String])
    }

    public enum Exit: Sendable, Hashable {
        case inSync
        case changesPending
        case actuationsFailed([Actuation])
        case failed(String)
    }

    public enum PassResult: String, Sendable, CaseIterable { case success, error, skipped }

    public struct PassSummary: Sendable, Equatable {
        public var result: PassResult
        public var duration: Duration
        public var plan: Plan?
        public var findings: [Finding]
        public var pendingActuations: Int
        public var isLeader: Bool
        public var reRegistering: [String: ReRegisterTracker.Entry]
        /// Controller time at which the pass ended (what `reRegistering`'s times are relative to).
        public var endedAt: Duration

        /// The re-register backoff as of the end of the pass.
        public var reRegisterDue: [String: ReRegisterTracker.Due] { ReRegisterTracker.due(reRegistering, at: endedAt) }
    }

    private enum Phase: Sendable {
        case idle
        case checking
        case observing
        case applying(Observation)
        case waiting(Observation)
        case stopped
    }

    public let options: Options
    private var phase = Phase.idle
    private var generator: SplitMix64
    private var passStart: Duration = .zero
    private var nextWake: Duration?
    private var forceNext = true
    private var eventDuringPass = false
    private var stopping = false
    private var failures = 0
    private var lastCause: String?
    private var lastFingerprint: String?
    private var lastFullPass: Duration?
    private var isLeader = false
    private var pending: Set<Actuation> = []
    private var holdStart: [String: Duration] = [:]
    /// Phase two of a deprovisioning runs right after the wait, not at the next interval.
    private var followUp = false
    /// The last full pass held changes back (phase two, calls): keep running full passes.
    private var deferredWork = false
    /// The trunks the previous full pass wanted: a difference where Dograh did not change
    /// the trunk since is drift; one that follows a Dograh edit is ordinary work.
    private var previousTrunks: [Trunk]?
    private var findings: [Finding] = []
    private var round = 0
    public private(set) var alerts: AlertTracker
    public private(set) var reRegister: ReRegisterTracker

    public init(options: Options, seed: UInt64) {
        self.options = options
        generator = SplitMix64(seed: seed)
        alerts = AlertTracker(realert: options.realert, grace: options.registrationGrace)
        reRegister = ReRegisterTracker(backoff: options.reRegisterBackoff)
    }

    public var isStopped: Bool { if case .stopped = phase { true } else { false } }

    public mutating func handle(_ event: Event, now: Duration) -> [Action] {
        switch (event, phase) {
        case (_, .stopped):
            return []
        case (.start, .idle):
            return beginPass(now: now, full: true)
        case (.timer, .idle):
            guard let due = nextWake, now >= due else { return [] }
            return beginPass(now: now, full: false)
        case (.asteriskChanged, .idle):
            return options.once ? [] : beginPass(now: now, full: true)
        case (.asteriskChanged, _):
            eventDuringPass = !options.once
            return []
        case (.checked(let fingerprint, let leader), .checking):
            var actions = leadership(leader)
            let acquired = actions.contains(.notice(.leaderAcquired))
            if acquired || fingerprint != lastFingerprint {
                phase = .observing
                actions.append(.observe(holdExpired: expiredHolds(now: now)))
                return actions
            }
            return actions + finish(.skipped, plan: nil, now: now)
        case (.observed(let observation), .observing):
            return observed(observation, now: now)
        case (.applied(let rows, let failed), .applying(let observation)):
            return applied(observation, rows: rows, failed: failed, now: now)
        case (.unregistrationWaitEnded(let allGone), .waiting(let observation)):
            var actions: [Action] = allGone ? [] : [.notice(.stillRegistered(awaiting(observation.plan)))]
            followUp = true
            if options.once {
                round += 1
                phase = .observing
                return actions + [.observe(holdExpired: [])]
            }
            actions += completed(observation, now: now)
            return actions
        case (.failed(let cause, let connectionLost), .checking), (.failed(let cause, let connectionLost), .observing),
             (.failed(let cause, let connectionLost), .applying), (.failed(let cause, let connectionLost), .waiting):
            if options.once {
                phase = .stopped
                return [.stop(.failed(cause))]
            }
            failures += 1
            var actions: [Action] = [.notice(.passFailed(cause: cause, failures: failures, repeated: cause == lastCause))]
            lastCause = cause
            if connectionLost { actions.append(.dropConnections) }
            forceNext = true
            return actions + finish(.error, plan: nil, now: now)
        case (.shutdown, .idle):
            phase = .stopped
            return [.stop(.inSync)]
        case (.shutdown, _):
            // The step in flight finishes (an apply is one transaction); nothing new starts.
            stopping = true
            return []
        default:
            return []
        }
    }

    // MARK: - A pass

    private mutating func beginPass(now: Duration, full requested: Bool) -> [Action] {
        passStart = now
        let full = requested || forceNext || followUp || deferredWork || !pending.isEmpty || isDue(now: now)
        forceNext = false
        if full {
            phase = .observing
            return [.observe(holdExpired: expiredHolds(now: now))]
        }
        phase = .checking
        return [.check]
    }

    /// A resync, an alert leaving its grace period or a re-register needs a full pass.
    private func isDue(now: Duration) -> Bool {
        guard let last = lastFullPass, now - last < options.resync else { return true }
        if let grace = alerts.nextGraceDue, grace <= now { return true }
        if let retry = reRegister.nextDue, retry <= now { return true }
        return false
    }

    private mutating func observed(_ observation: Observation, now: Duration) -> [Action] {
        let plan = observation.plan
        var actions = leadership(observation.isLeader)
        trackHolds(plan, now: now)
        if options.once {
            findings = Findings.invalidConfigurations(plan)
            if round == 0 { actions += findings.map { .alert(.raised($0)) } }
        } else {
            let edited = previousTrunks.map { Findings.edited(from: $0, to: observation.desired.trunks) }
            findings = Findings.of(plan, actual: observation.actual, names: options.names, editedInDograh: edited)
            actions += alerts.update(findings, now: now).map { .alert($0) }
        }
        let leads = options.writes && observation.isLeader
        var actuations = Set(plan.actuations).union(pending)
        if leads && options.asteriskConfigured && !options.once {
            let changed = Set(plan.steps.map(\.key.endpointID)).union(plan.deferred.map(\.endpointID))
            let due = reRegister.update(registrations: Self.registrations(plan), changed: changed, now: now, using: &generator)
            if !due.isEmpty {
                actions.append(.notice(.reRegistering(due)))
                actuations.formUnion(due.map { .register($0) })
            }
        } else if !leads {
            reRegister = ReRegisterTracker(backoff: options.reRegisterBackoff)
        }
        if options.once && round > 0 && plan.steps.isEmpty {
            phase = .stopped
            return actions + [.stop(.inSync)]
        }
        guard leads, plan.hasWrites || !actuations.isEmpty else {
            if options.once {
                phase = .stopped
                return actions + [.publish(plan), .stop(plan.isEmpty || options.writes ? .inSync : .changesPending)]
            }
            return actions + completed(observation, now: now)
        }
        phase = .applying(observation)
        return actions + [.apply(plan, actuations: actuations.sorted())]
    }

    private mutating func applied(_ observation: Observation, rows: Int, failed: [Actuation], now: Duration) -> [Action] {
        let plan = observation.plan
        var actions: [Action] = []
        if rows > 0, !options.once {
            actions.append(.notice(.committed(rows: rows, create: plan.count(.create), update: plan.count(.update), delete: plan.count(.delete))))
        }
        let failed = options.asteriskConfigured ? failed : []
        if !options.asteriskConfigured, !plan.actuations.isEmpty || !pending.isEmpty {
            actions.append(.notice(.actuationManual(Array(Set(plan.actuations).union(pending)).sorted())))
        } else if !failed.isEmpty {
            actions.append(.notice(.actuationPending(failed)))
        }
        pending = Set(failed)
        if options.once {
            actions.append(.publish(plan))
            if !failed.isEmpty {
                phase = .stopped
                return actions + [.stop(.actuationsFailed(failed))]
            }
        }
        let awaiting = awaiting(plan)
        let mayWait = !options.once || round == 0
        if !awaiting.isEmpty, failed.isEmpty, options.asteriskConfigured, mayWait {
            phase = .waiting(observation)
            return actions + [.waitUntilUnregistered(awaiting, timeout: options.unregisterTimeout)]
        }
        if options.once {
            phase = .stopped
            if !awaiting.isEmpty, mayWait { actions.append(.notice(.reloadByHand)) }
            return actions + [.stop(.inSync)]
        }
        return actions + completed(observation, now: now)
    }

    /// A successful full pass of the daemon.
    private mutating func completed(_ observation: Observation, now: Duration) -> [Action] {
        var actions: [Action] = []
        lastFingerprint = observation.fingerprint
        lastFullPass = now
        previousTrunks = observation.desired.trunks
        deferredWork = observation.plan.deferred.contains { $0.reason != .pruneBudget }
        if failures > 0 { actions.append(.notice(.recovered(afterFailures: failures))) }
        failures = 0
        lastCause = nil
        if options.writes && observation.isLeader {
            actions.append(.writeStatus(observation.plan, reRegistering: ReRegisterTracker.due(reRegister.entries, at: now)))
        }
        return actions + finish(.success, plan: observation.plan, now: now)
    }

    private mutating func finish(_ result: PassResult, plan: Plan?, now: Duration) -> [Action] {
        let summary = PassSummary(result: result, duration: now - passStart, plan: plan,
                                  findings: result == .success ? findings : [], pendingActuations: pending.count,
                                  isLeader: isLeader, reRegistering: reRegister.entries, endedAt: now)
        phase = .idle
        if stopping {
            phase = .stopped
            return [.finished(summary), .stop(.inSync)]
        }
        var wake: Duration
        switch result {
        case .error: wake = now + options.passBackoff.jittered(attempt: failures, using: &generator)
        case .success, .skipped:
            wake = now + (followUp ? .zero : options.interval)
            if let grace = alerts.nextGraceDue { wake = min(wake, max(grace, now)) }
            if let retry = reRegister.nextDue { wake = min(wake, max(retry, now)) }
        }
        if result == .success { followUp = false }
        if eventDuringPass {
            eventDuringPass = false
            forceNext = true
            wake = now
        }
        nextWake = wake
        return [.finished(summary), .wake(at: wake)]
    }

    // MARK: - Bookkeeping

    private mutating func leadership(_ leader: Bool) -> [Action] {
        defer { isLeader = leader }
        if options.once { return [] }
        if leader && !isLeader { return [.notice(.leaderAcquired)] }
        if !leader && isLeader { return [.notice(.leaderLost)] }
        return []
    }

    private func awaiting(_ plan: Plan) -> Set<String> {
        Set(plan.deferred.filter { $0.reason == .awaitingUnregistration }.map(\.endpointID))
    }

    private mutating func trackHolds(_ plan: Plan, now: Duration) {
        let held = Set(plan.deferred.filter { $0.reason == .activeCalls }.map(\.endpointID))
        for id in held where holdStart[id] == nil { holdStart[id] = now }
        for id in holdStart.keys where !held.contains(id) { holdStart[id] = nil }
    }

    private func expiredHolds(now: Duration) -> Set<String> {
        Set(holdStart.filter { now - $0.value >= options.maxHold }.keys)
    }

    /// Registration status of each provisioned trunk Asterisk reported.
    private static func registrations(_ plan: Plan) -> [String: RegistrationStatus] {
        var statuses: [String: RegistrationStatus] = [:]
        for outcome in plan.configurations where outcome.state == .desired {
            if let id = outcome.endpointID, let status = outcome.registration { statuses[id] = status }
        }
        return statuses
    }
}
