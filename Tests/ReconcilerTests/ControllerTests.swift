import Testing
@testable import Reconciler

/// The controller's transitions, with plain values: events in, actions out, time given.
@Suite("Controller: when to check, observe, apply, wait, re-register and stop")
struct ControllerTests {
    static let trunk = Fixtures.trunk()
    static let id = trunk.endpointID

    /// Drives one controller; `now` moves only when a test says so.
    struct Drive {
        var controller: Controller
        var now: Duration = .zero

        init(writes: Bool = true, once: Bool = false, asterisk: Bool = true, interval: Duration = .seconds(2),
             grace: Duration = .seconds(10), realert: Duration = .seconds(30), maxHold: Duration = .seconds(60), seed: UInt64 = 7) {
            controller = Controller(options: Controller.Options(
                interval: interval, resync: .seconds(300), realert: realert, registrationGrace: grace, maxHold: maxHold,
                unregisterTimeout: .seconds(10), writes: writes, once: once, asteriskConfigured: asterisk), seed: seed)
        }

        mutating func send(_ event: Controller.Event, at time: Duration? = nil) -> [Controller.Action] {
            if let time { now = time }
            return controller.handle(event, now: now)
        }

        /// A full pass that observed `plan` and, if it applied, confirmed everything.
        mutating func pass(_ plan: Plan, fingerprint: String = "f1", leader: Bool = true, at time: Duration? = nil) -> [Controller.Action] {
            var actions = send(.observed(observation(plan, fingerprint: fingerprint, leader: leader)), at: time)
            if actions.any(\.isApply) { actions += send(.applied(rows: plan.steps.count, failedActuations: [])) }
            return actions
        }
    }

    static func observation(_ plan: Plan, fingerprint: String = "f1", leader: Bool = true) -> Controller.Observation {
        Controller.Observation(desired: Fixtures.snapshot(trunk), actual: Fixtures.rows(trunk), plan: plan,
                               fingerprint: fingerprint, isLeader: leader)
    }

    static let inSync = Plan(steps: [], configurations: [ConfigurationOutcome(configuration: trunk.configuration, endpointID: id, state: .desired)])

    static func registration(_ status: RegistrationStatus) -> Plan {
        Plan(steps: [], configurations: [ConfigurationOutcome(configuration: trunk.configuration, endpointID: id, state: .desired, registration: status)],
             actuations: [], asterisk: .observed)
    }

    static let create = Plan(steps: TrunkRows.rows(for: trunk).map { .create($0) }, configurations: inSync.configurations)

    /// Phase one of removing the trunk: its registration row goes, the rest waits.
    static var removal: Plan {
        let rows = TrunkRows.rows(for: trunk)
        let registration = rows.first { $0.table == .psRegistrations }!
        let rest = rows.filter { $0.table != .psRegistrations }.map { PlanStep.delete($0) }
        return Plan(steps: [.delete(registration)], configurations: [],
                    deferred: [Deferral(endpointID: id, reason: .awaitingUnregistration, steps: rest)])
    }

    @Test("a quiet Dograh costs a fingerprint check per interval; a changed fingerprint runs the full pass")
    func cheapCheckThenFullPass() {
        var drive = Drive()
        #expect(drive.send(.start) == [.observe(holdExpired: [])])
        let first = drive.pass(Self.inSync)
        #expect(first.contains(.writeStatus(Self.inSync, reRegistering: [:])))
        #expect(first.last == .wake(at: .seconds(2)))
        #expect(drive.send(.timer, at: .seconds(1)) == [], "an early timer (superseded) is ignored")
        #expect(drive.send(.timer, at: .seconds(2)) == [.check])
        let skipped = drive.send(.checked(fingerprint: "f1", isLeader: true))
        #expect(skipped.summaries.map(\.result) == [.skipped])
        #expect(skipped.last == .wake(at: .seconds(4)))
        #expect(drive.send(.timer, at: .seconds(4)) == [.check])
        #expect(drive.send(.checked(fingerprint: "f2", isLeader: true)) == [.observe(holdExpired: [])])
    }

    @Test("a full pass runs at least every --resync even when the fingerprint never changes")
    func resync() {
        var drive = Drive(interval: .seconds(100))
        _ = drive.send(.start)
        _ = drive.pass(Self.inSync)
        #expect(drive.send(.timer, at: .seconds(100)) == [.check])
        _ = drive.send(.checked(fingerprint: "f1", isLeader: true))
        #expect(drive.send(.timer, at: .seconds(300)) == [.observe(holdExpired: [])])
    }

    @Test("failed passes back off exponentially with jitter, log a cause once, reconnect, and recover with a notice")
    func failureBackoffAndRecovery() {
        var drive = Drive()
        _ = drive.send(.start)
        let first = drive.send(.failed(cause: "connection refused", connectionLost: true))
        #expect(first.contains(.notice(.passFailed(cause: "connection refused", failures: 1, repeated: false))))
        #expect(first.contains(.dropConnections))
        #expect(first.summaries.map(\.result) == [.error])
        let wake1 = first.wakes[0]
        #expect(wake1 >= .milliseconds(800) && wake1 <= .milliseconds(1200))
        #expect(drive.send(.timer, at: wake1) == [.observe(holdExpired: [])], "after a failure the next pass runs in full")
        let second = drive.send(.failed(cause: "connection refused", connectionLost: false))
        #expect(second.contains(.notice(.passFailed(cause: "connection refused", failures: 2, repeated: true))))
        #expect(!second.contains(.dropConnections))
        let delay2 = second.wakes[0] - wake1
        #expect(delay2 >= .milliseconds(1600) && delay2 <= .milliseconds(2400))
        _ = drive.send(.timer, at: second.wakes[0])
        let recovered = drive.pass(Self.inSync)
        #expect(recovered.contains(.notice(.recovered(afterFailures: 2))))
        #expect(recovered.last == .wake(at: second.wakes[0] + .seconds(2)))
    }

    @Test("the same seed gives the same jitter: the schedule is reproducible")
    func seededJitter() {
        func wakes(seed: UInt64) -> [Duration] {
            var drive = Drive(seed: seed)
            var wakes: [Duration] = []
            _ = drive.send(.start)
            for _ in 0..<5 {
                let actions = drive.send(.failed(cause: "down", connectionLost: false))
                wakes += actions.wakes
                _ = drive.send(.timer, at: actions.wakes[0])
            }
            return wakes
        }
        #expect(wakes(seed: 1) == wakes(seed: 1))
        #expect(wakes(seed: 1) != wakes(seed: 2))
    }

    @Test("a leader applies and writes status; one that lost the lock mid-pass backs off, then observes as a standby")
    func leaderLostMidPass() {
        var drive = Drive()
        _ = drive.send(.start)
        let leading = drive.send(.observed(Self.observation(Self.create)))
        #expect(leading.contains(.notice(.leaderAcquired)))
        #expect(leading.any(\.isApply))
        // The in-transaction lock check failed: nothing was written.
        let failed = drive.send(.failed(cause: "not the leader", connectionLost: false))
        _ = drive.send(.timer, at: failed.wakes[0])
        let standby = drive.send(.observed(Self.observation(Self.create, leader: false)))
        #expect(standby.contains(.notice(.leaderLost)))
        #expect(!standby.any(\.isApply))
        #expect(!standby.any(\.isWriteStatus))
        #expect(standby.summaries.first?.isLeader == false)
    }

    @Test("observe mode never applies, whatever the plan")
    func observeModeWritesNothing() {
        var drive = Drive(writes: false)
        _ = drive.send(.start)
        let actions = drive.pass(Self.create, leader: false)
        #expect(!actions.any(\.isApply))
        #expect(actions.any(\.isAlert), "the missing rows are reported")
    }

    @Test("a change held for calls keeps passes full, and is released after --max-hold")
    func callHoldAndMaxHold() {
        var drive = Drive(maxHold: .seconds(60))
        let held = Plan(steps: [], configurations: Self.inSync.configurations,
                        deferred: [Deferral(endpointID: Self.id, reason: .activeCalls, steps: [])])
        _ = drive.send(.start)
        _ = drive.pass(held)
        #expect(drive.send(.timer, at: .seconds(2)) == [.observe(holdExpired: [])], "held work runs full passes")
        _ = drive.pass(held)
        #expect(drive.send(.timer, at: .seconds(60)) == [.observe(holdExpired: [Self.id])])
        _ = drive.pass(Self.inSync)
        #expect(drive.send(.timer, at: .seconds(62)) == [.check], "released: back to cheap checks")
    }

    @Test("a change held by the prune budget does not keep passes full (it needs an operator)")
    func pruneBudgetWaitsForAnOperator() {
        var drive = Drive()
        let blocked = Plan(steps: [], configurations: [],
                           deferred: [Deferral(endpointID: Self.id, reason: .pruneBudget, steps: [])])
        _ = drive.send(.start)
        let actions = drive.pass(blocked)
        #expect(actions.any(\.isAlert))
        #expect(drive.send(.timer, at: .seconds(2)) == [.check])
    }

    @Test("two-phase removal: registration row, wait for Asterisk to drop it, then phase two at once")
    func twoPhaseRemoval() {
        var drive = Drive()
        _ = drive.send(.start)
        let plan = Self.removal
        #expect(drive.send(.observed(Self.observation(plan))).any(\.isApply))
        #expect(drive.send(.applied(rows: 1, failedActuations: []))
            .contains(.waitUntilUnregistered([Self.id], timeout: .seconds(10))))
        let after = drive.send(.unregistrationWaitEnded(allGone: true), at: .seconds(3))
        #expect(after.last == .wake(at: .seconds(3)), "phase two does not wait for the next interval")
        #expect(drive.send(.timer) == [.observe(holdExpired: [])])
    }

    @Test("two-phase removal without a confirmed reload waits: no wait for Asterisk, pending kept, next pass full")
    func removalWithFailedReload() {
        var drive = Drive()
        _ = drive.send(.start)
        _ = drive.send(.observed(Self.observation(Self.removal)))
        let reload = Actuation.reloadModule(Actuation.registrationModule)
        let applied = drive.send(.applied(rows: 1, failedActuations: [reload]))
        #expect(applied.contains(.notice(.actuationPending([reload]))))
        #expect(!applied.any(\.isWait))
        #expect(drive.send(.timer, at: .seconds(2)) == [.observe(holdExpired: [])])
        let retry = drive.send(.observed(Self.observation(Self.inSync)))
        #expect(retry.contains(.apply(Self.inSync, actuations: [reload])), "the pending reload is sent again")
    }

    @Test("registration.failed is raised once it outlasts the grace: the controller wakes for it instead of waiting for a resync")
    func graceWakesTheController() {
        var drive = Drive(interval: .seconds(60), grace: .seconds(10))
        _ = drive.send(.start)
        let first = drive.pass(Self.registration(.rejected), at: .seconds(1))
        #expect(!first.any(\.isAlert), "a rejection younger than the grace is not reported")
        #expect(first.last == .wake(at: .seconds(11)))
        #expect(drive.send(.timer, at: .seconds(11)) == [.observe(holdExpired: [])])
        let due = drive.pass(Self.registration(.rejected))
        #expect(due.alertEvents == ["registration.failed"])
    }

    @Test("a persisting finding is repeated at most every --realert, and resolved once")
    func realert() {
        var drive = Drive(realert: .seconds(30))
        _ = drive.send(.start)
        #expect(Set(drive.pass(Self.create, at: .zero).alertEvents) == ["drift.missing"])
        #expect(drive.send(.asteriskChanged, at: .seconds(10)) == [.observe(holdExpired: [])])
        #expect(drive.pass(Self.create).alertEvents == [])
        _ = drive.send(.asteriskChanged, at: .seconds(31))
        let repeated = drive.pass(Self.create)
        #expect(repeated.contains { if case .alert(.repeated) = $0 { true } else { false } })
        _ = drive.send(.asteriskChanged, at: .seconds(40))
        let resolved = drive.pass(Self.inSync)
        #expect(resolved.contains { if case .alert(.resolved) = $0 { true } else { false } })
        #expect(!resolved.contains { if case .alert(.raised) = $0 { true } else { false } })
    }

    @Test("a trunk that stays Rejected is re-registered on a capped backoff, reset once it registers")
    func reRegisterBackoff() {
        var drive = Drive(interval: .seconds(3600), grace: .seconds(3600))
        _ = drive.send(.start)
        let first = drive.pass(Self.registration(.rejected))
        #expect(!first.any(\.isApply))
        let entry = drive.controller.reRegister.entries[Self.id]
        #expect(entry?.attempts == 0)
        let due = first.wakes[0]
        #expect(due >= .seconds(24) && due <= .seconds(36), "first PJSIPRegister 30 s ± 20 % after the rejection")
        #expect(drive.send(.timer, at: due) == [.observe(holdExpired: [])])
        let retry = drive.send(.observed(Self.observation(Self.registration(.rejected))))
        #expect(retry.contains(.notice(.reRegistering([Self.id]))))
        #expect(retry.contains(.apply(Self.registration(.rejected), actuations: [.register(Self.id)])))
        let confirmed = drive.send(.applied(rows: 0, failedActuations: []))
        #expect(confirmed.summaries.first?.reRegistering[Self.id]?.attempts == 1)
        let status = confirmed.compactMap { if case .writeStatus(_, let retries) = $0 { retries } else { nil } }.first
        #expect(status?[Self.id]?.attempts == 1, "status shows the backoff")
        #expect((status?[Self.id]?.nextIn ?? .zero) > .seconds(40))
        let second = confirmed.wakes[0] - due
        #expect(second >= .seconds(48) && second <= .seconds(72), "then 60 s ± 20 %")
        _ = drive.send(.timer, at: confirmed.wakes[0])
        _ = drive.pass(Self.registration(.registered))
        #expect(drive.controller.reRegister.entries.isEmpty, "registered: the backoff resets")
    }

    @Test("the re-register backoff doubles up to its cap")
    func reRegisterCap() {
        let backoff = Backoff.reRegister
        #expect((1...8).map { backoff.delay(attempt: $0) }
            == [.seconds(30), .seconds(60), .seconds(120), .seconds(240), .seconds(480), .seconds(960), .seconds(1800), .seconds(1800)])
        #expect(backoff.jittered(attempt: 1, unit: 1) == .seconds(36))
        #expect(backoff.jittered(attempt: 1, unit: -1) == .seconds(24))
        #expect(Backoff.pass.delay(attempt: 0) == .zero)
        #expect(Backoff.pass.delay(attempt: 7) == .seconds(60))
    }

    @Test("an Asterisk event runs a full pass at once; during a pass it makes the next one run right after")
    func asteriskEvents() {
        var drive = Drive()
        _ = drive.send(.start)
        #expect(drive.send(.asteriskChanged) == [], "passes never overlap")
        let finished = drive.pass(Self.inSync, at: .seconds(1))
        #expect(finished.last == .wake(at: .seconds(1)))
        #expect(drive.send(.timer) == [.observe(holdExpired: [])])
        _ = drive.pass(Self.inSync)
        #expect(drive.send(.asteriskChanged, at: .seconds(1.5)) == [.observe(holdExpired: [])])
    }

    @Test("shutdown lets the step in flight finish, then stops; when idle it stops at once")
    func shutdown() {
        var drive = Drive()
        _ = drive.send(.start)
        #expect(drive.send(.shutdown) == [])
        #expect(drive.send(.observed(Self.observation(Self.create))).any(\.isApply), "the pass in flight finishes")
        let applied = drive.send(.applied(rows: 9, failedActuations: []))
        #expect(applied.last == .stop(.inSync))
        #expect(drive.controller.isStopped)
        #expect(drive.send(.timer, at: .seconds(100)) == [])

        var idle = Drive()
        _ = idle.send(.start)
        _ = idle.pass(Self.inSync)
        #expect(idle.send(.shutdown) == [.stop(.inSync)])
    }

    @Test("--once dry run: one observation, the plan published, exit 0 in sync or 2 with changes")
    func onceDryRun() {
        var drive = Drive(writes: false, once: true)
        #expect(drive.send(.start) == [.observe(holdExpired: [])])
        let actions = drive.send(.observed(Self.observation(Self.create, leader: false)))
        #expect(actions.suffix(2) == [.publish(Self.create), .stop(.changesPending)])

        var inSync = Drive(writes: false, once: true)
        _ = inSync.send(.start)
        #expect(inSync.send(.observed(Self.observation(Self.inSync, leader: false))).last == .stop(.inSync))
    }

    @Test("--once --apply runs the same two-phase removal: apply, wait, a second round, then stop")
    func onceApplyTwoRounds() {
        var drive = Drive(once: true)
        _ = drive.send(.start)
        _ = drive.send(.observed(Self.observation(Self.removal)))
        let first = drive.send(.applied(rows: 1, failedActuations: []))
        #expect(first.first == .publish(Self.removal))
        #expect(first.contains(.waitUntilUnregistered([Self.id], timeout: .seconds(10))))
        #expect(drive.send(.unregistrationWaitEnded(allGone: false)).suffix(1) == [.observe(holdExpired: [])])
        let phaseTwo = Plan(steps: Self.removal.deferred[0].steps, configurations: [])
        #expect(drive.send(.observed(Self.observation(phaseTwo))).any(\.isApply))
        #expect(drive.send(.applied(rows: 8, failedActuations: [])) == [.publish(phaseTwo), .stop(.inSync)])
    }

    @Test("--once --apply: Asterisk not confirming exits 1 naming what failed; without Asterisk, phase two needs a reload by hand")
    func onceApplyFailures() {
        var drive = Drive(once: true)
        _ = drive.send(.start)
        _ = drive.send(.observed(Self.observation(Self.create)))
        let reload = Actuation.reloadModule(Actuation.registrationModule)
        #expect(drive.send(.applied(rows: 9, failedActuations: [reload])).last == .stop(.actuationsFailed([reload])))

        var manual = Drive(once: true, asterisk: false)
        _ = manual.send(.start)
        _ = manual.send(.observed(Self.observation(Self.removal)))
        let actions = manual.send(.applied(rows: 1, failedActuations: []))
        #expect(actions.contains(.notice(.reloadByHand)))
        #expect(actions.last == .stop(.inSync))

        var broken = Drive(once: true)
        _ = broken.send(.start)
        #expect(broken.send(.failed(cause: "Dograh unreachable", connectionLost: true)) == [.stop(.failed("Dograh unreachable"))])
    }
}

extension Controller.Action {
    var isApply: Bool { if case .apply = self { true } else { false } }
    var isWait: Bool { if case .waitUntilUnregistered = self { true } else { false } }
    var isAlert: Bool { if case .alert = self { true } else { false } }
    var isWriteStatus: Bool { if case .writeStatus = self { true } else { false } }
}

extension [Controller.Action] {
    func any(_ property: KeyPath<Controller.Action, Bool>) -> Bool { contains { $0[keyPath: property] } }
    var wakes: [Duration] { compactMap { if case .wake(let at) = $0 { at } else { nil } } }
    var summaries: [Controller.PassSummary] { compactMap { if case .finished(let summary) = $0 { summary } else { nil } } }
    var alertEvents: [String] {
        compactMap { action in
            guard case .alert(let emission) = action else { return nil }
            switch emission {
            case .raised(let finding), .repeated(let finding, _), .resolved(let finding, _): return finding.event
            }
        }
    }
}
