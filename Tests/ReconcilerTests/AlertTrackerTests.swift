import Testing
@testable import Reconciler

@Suite("Drift findings and alert tracking")
struct AlertTrackerTests {
    let row = Finding(event: "drift.row", key: "drift.row/ps_aors/x", message: "m", fields: [("table", "ps_aors")])
    let registration = Finding(event: "registration.failed", key: "registration.failed/x", message: "m", fields: [("status", "Rejected")])

    @Test("raised once, repeated at most every realert, resolved once")
    func lifecycle() {
        var tracker = AlertTracker(realert: .seconds(60), grace: .seconds(120))
        #expect(tracker.update([row], now: .seconds(0)) == [.raised(row)])
        #expect(tracker.update([row], now: .seconds(30)).isEmpty)
        #expect(tracker.update([row], now: .seconds(61)) == [.repeated(row, since: .seconds(61))])
        #expect(tracker.update([row], now: .seconds(90)).isEmpty)
        #expect(tracker.update([], now: .seconds(95)) == [.resolved(row, after: .seconds(95))])
        #expect(tracker.update([], now: .seconds(200)).isEmpty)
        #expect(tracker.activeCount == 0)
    }

    @Test("registration.failed waits for the grace period; a short blip is never reported")
    func grace() {
        var tracker = AlertTracker(realert: .seconds(600), grace: .seconds(120))
        #expect(tracker.update([registration], now: .seconds(0)).isEmpty)
        #expect(tracker.update([], now: .seconds(10)).isEmpty, "never raised, so never resolved either")
        #expect(tracker.update([registration], now: .seconds(20)).isEmpty)
        #expect(tracker.update([registration], now: .seconds(139)).isEmpty)
        #expect(tracker.update([registration], now: .seconds(140)) == [.raised(registration)])
        #expect(tracker.update([], now: .seconds(150)) == [.resolved(registration, after: .seconds(130))])
    }

    @Test("findings of a plan: hand edits, missing and unexpected rows, stale Asterisk, invalid configurations, prune budget, failed registrations")
    func classification() {
        let milan = Fixtures.trunk()
        let id = milan.endpointID
        var actual = Fixtures.rows(milan).replacing(.psAors, id: id, column: "contact", with: "sip:old")
        actual.removeAll { $0.table == .psAuths }
        actual.append(Fixtures.row(.extensions, ["\(id)-inbound", "999", "1"], ["NoOp", ""]))
        let broken = ConfigurationRef(id: 9, organizationID: 2, name: "broken")
        let error = ConfigurationError(configuration: broken, field: "sip_password", reason: "is missing")
        let desired = DesiredSnapshot(trunks: [milan, Fixtures.trunk(id: 2, domain: "new.3cx.cloud")],
                                      skipped: [SkippedConfiguration(configuration: broken, reason: .invalid(error))])
        let plan = Planner.plan(desired: desired, actual: actual,
                                live: .observed(LiveState(registrations: [id: .rejected, "dograh_old_1": .registered])))
        let events = Findings.of(plan, actual: actual).map(\.event).sorted()
        #expect(events == ["config.invalid", "drift.asterisk_stale", "drift.missing", "drift.row", "drift.unexpected", "registration.failed"])
        #expect(Findings.of(plan, actual: actual).allSatisfy { finding in !finding.fields.contains { $0.1.contains("sip-secret") } })

        let everything = (0..<6).flatMap { TrunkRows.rows(for: Fixtures.trunk(id: $0, domain: "d\($0).3cx.cloud")) }
        let pruned = Planner.plan(desired: Fixtures.snapshot(), actual: everything)
        #expect(Findings.of(pruned, actual: everything).map(\.event) == ["prune.blocked"])
        // Provisioning a new trunk and removing an unwanted one are work, not drift.
        #expect(Findings.of(Planner.plan(desired: Fixtures.snapshot(milan), actual: []), actual: []).isEmpty)
        let removal = Planner.plan(desired: Fixtures.snapshot(), actual: Fixtures.rows(milan))
        #expect(Findings.of(removal, actual: Fixtures.rows(milan)).isEmpty)
    }

    @Test("with the previous pass's desired trunks, a Dograh edit is work and a hand edit is drift")
    func dograhEditIsNotDrift() {
        let before = Fixtures.trunk()
        // Dograh rotated the password and changed the strip prefix: no drift.
        let edited = Fixtures.trunk(password: "rotated", stripPrefix: "^00")
        let plan = Planner.plan(desired: Fixtures.snapshot(edited), actual: Fixtures.rows(before))
        #expect(plan.count(.update) == 1 && plan.count(.create) == 1 && plan.count(.delete) == 1)
        #expect(Findings.of(plan, actual: Fixtures.rows(before), editedInDograh: Findings.edited(from: [before], to: [edited])).isEmpty)
        // The same differences with Dograh unchanged are drift.
        let handEdited = Fixtures.rows(before).replacing(.psAors, id: before.endpointID, column: "contact", with: "sip:x")
        let drift = Planner.plan(desired: Fixtures.snapshot(before), actual: handEdited)
        #expect(Findings.of(drift, actual: handEdited, editedInDograh: Findings.edited(from: [before], to: [before])).map(\.event) == ["drift.row"])
    }
}
