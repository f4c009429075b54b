import Testing
@testable import Reconciler

@Suite("diff(desired, actual) → Plan")
struct PlannerTests {
    let milan = Fixtures.trunk()
    var milanID: String { milan.endpointID }

    @Test("empty ARA database: every row is created, parents first")
    func createsFromEmpty() {
        let plan = Planner.plan(desired: Fixtures.snapshot(milan), actual: [])
        #expect(plan.count(.create) == 9)
        #expect(plan.count(.update) == 0 && plan.count(.delete) == 0)
        let tables = plan.steps.map(\.key.table)
        #expect(tables == tables.sorted(), "creates run in table order: auths, aors, endpoints, registrations, extensions, contexts")
    }

    @Test("rows already as desired: the plan is empty (idempotence)")
    func inSync() {
        let plan = Planner.plan(desired: Fixtures.snapshot(milan), actual: Fixtures.rows(milan))
        #expect(plan.isEmpty)
        #expect(plan.configurations.map(\.state) == [.desired])
    }

    @Test("a hand-edited column is put back, and only that column is listed")
    func handEdit() {
        let actual = Fixtures.rows(milan).replacing(.psEndpoints, id: milanID, column: "from_user", with: "99999")
        let plan = Planner.plan(desired: Fixtures.snapshot(milan), actual: actual)
        #expect(plan.steps.count == 1)
        #expect(plan.steps.first?.verb == .update)
        #expect(plan.steps.first?.changes == [ColumnChange(column: "from_user", old: "99999", new: "12611", isSensitive: false)])
    }

    @Test("a hand-set ps_endpoints.auth is cleared")
    func authCleared() {
        let actual = Fixtures.rows(milan).replacing(.psEndpoints, id: milanID, column: "auth", with: milanID)
        let plan = Planner.plan(desired: Fixtures.snapshot(milan), actual: actual)
        #expect(plan.steps.first?.changes.map(\.column) == ["auth"])
    }

    @Test("NULL for '' and true for yes mean the same to Asterisk: rewritten once to the canonical spelling, marked as such")
    func canonicalSpelling() {
        var actual = Fixtures.rows(milan).replacing(.psEndpoints, id: milanID, column: "auth", with: "")
        actual = actual.replacing(.psRegistrations, id: milanID, column: "line", with: "true")
        let plan = Planner.plan(desired: Fixtures.snapshot(milan), actual: actual)
        #expect(plan.steps.map(\.verb) == [.update, .update])
        #expect(plan.steps.flatMap(\.changes) == [
            ColumnChange(column: "auth", old: "", new: nil, isSensitive: false, canonicalSpelling: true),
            ColumnChange(column: "line", old: "true", new: "yes", isSensitive: false, canonicalSpelling: true),
        ])
        let text = PlanText.render(plan)
        #expect(text.contains(#"line: "true" → "yes" (canonical spelling)"#), "\(text)")
        #expect(PlanJSON.document(plan).serialized().contains(#""canonical_spelling":true"#))
        // Once rewritten, the rows are exactly the desired ones.
        #expect(Planner.plan(desired: Fixtures.snapshot(milan), actual: Fixtures.rows(milan)).isEmpty)
        // A real change of meaning is not a spelling.
        let flipped = Fixtures.rows(milan).replacing(.psRegistrations, id: milanID, column: "line", with: "no")
        #expect(Planner.plan(desired: Fixtures.snapshot(milan), actual: flipped).steps.first?.changes
            == [ColumnChange(column: "line", old: "no", new: "yes", isSensitive: false)])
    }

    @Test("a configuration removed from Dograh: registration first, the other rows once it is gone, children first")
    func deprovisioning() {
        let rows = Fixtures.rows(milan)
        let first = Planner.plan(desired: Fixtures.snapshot(), actual: rows)
        #expect(first.steps.map(\.key) == [RowKey(table: .psRegistrations, parts: [milanID])])
        #expect(first.steps.first?.verb == .delete)
        #expect(first.deferred.map(\.reason) == [.awaitingUnregistration])
        #expect(first.deferred.first?.steps.count == 8)
        #expect(first.actuations == [.reloadModule(Actuation.registrationModule)])
        #expect(first.configurations == [ConfigurationOutcome(configuration: nil, endpointID: milanID, state: .orphaned)])

        let withoutRegistration = rows.filter { $0.table != .psRegistrations }
        // Asterisk still reports it Registered: keep waiting.
        // Asterisk still reports it Registered, or cannot be asked: keep waiting.
        for live in [LiveView.observed(LiveState(registrations: [milanID: .registered])), .unreachable] {
            let waiting = Planner.plan(desired: Fixtures.snapshot(), actual: withoutRegistration, live: live)
            #expect(waiting.steps.isEmpty)
            #expect(waiting.deferred.first?.steps.count == 8)
        }
        // Gone from Asterisk (or no Asterisk to ask): phase 2 deletes the rest, children first.
        for live in [LiveView.observed(LiveState(registrations: [:])), .notConfigured] {
            let second = Planner.plan(desired: Fixtures.snapshot(), actual: withoutRegistration, live: live)
            #expect(second.count(.delete) == 8)
            #expect(second.deferred.isEmpty)
            let tables = second.steps.map(\.key.table)
            #expect(tables == tables.sorted(by: >))
            #expect(second.actuations == [.reloadModule(Actuation.dialplanModule)])
        }
    }

    @Test("sip_domain changed: the old id's rows are deleted and the new id's created")
    func orphansAfterRename() {
        let moved = Fixtures.trunk(domain: "9999.3cx.cloud")
        let plan = Planner.plan(desired: Fixtures.snapshot(moved), actual: Fixtures.rows(milan))
        #expect(plan.count(.create) == 9 && plan.count(.delete) == 1 && plan.count(.update) == 0)
        #expect(plan.deferred.first?.steps.count == 8)
        #expect(Set(plan.steps.filter { $0.verb == .delete }.map(\.key.endpointID)) == [milanID])
        #expect(Set(plan.steps.filter { $0.verb == .create }.map(\.key.endpointID)) == [moved.endpointID])
        // Creates first, deletes last: a cycle never leaves the trunk with neither id.
        #expect(plan.steps.firstIndex { $0.verb == .delete }! > plan.steps.lastIndex { $0.verb == .create }!)
    }

    @Test("rows reconcilerd does not own are ignored even when handed to the planner")
    func unownedIgnored() {
        let foreign = [
            Fixtures.row(.psAuths, ["office_phone"], ["userpass", "office", "x"]),
            Fixtures.row(.extensions, ["internal", "100", "1"], ["Dial", "PJSIP/office"]),
            Fixtures.row(.dialplanContexts, ["internal", "switch"], ["Realtime/internal@extensions", "0", "0", "0"]),
        ]
        #expect(Planner.plan(desired: Fixtures.snapshot(milan), actual: Fixtures.rows(milan) + foreign).isEmpty)
    }

    @Test("an invalid configuration with a known endpoint id keeps its rows untouched")
    func invalidHoldsRows() {
        let error = ConfigurationError(configuration: milan.configuration, field: "sip_password", reason: "is missing", endpointID: milanID)
        let desired = Fixtures.snapshot(skipped: [SkippedConfiguration(configuration: milan.configuration, reason: .invalid(error))])
        let plan = Planner.plan(desired: desired, actual: Fixtures.rows(milan))
        #expect(plan.isEmpty)
        #expect(plan.invalidConfigurations == [error])
    }

    @Test("inactive flips: rows go when inactive, come back when active again")
    func inactiveFlips() {
        let inactive = Fixtures.snapshot(skipped: [SkippedConfiguration(configuration: milan.configuration, reason: .inactive(endpointID: milanID))])
        let off = Planner.plan(desired: inactive, actual: Fixtures.rows(milan))
        #expect(off.count(.delete) == 1)
        #expect(off.deferred.first?.steps.count == 8)
        #expect(off.configurations.map(\.state) == [.inactive])
        let on = Planner.plan(desired: Fixtures.snapshot(milan), actual: [])
        #expect(on.count(.create) == 9)
    }

    @Test("the plan is the same whatever the order of the inputs")
    func deterministic() {
        let london = Fixtures.trunk(id: 2, domain: "acme-uk.3cx.eu", ext: "201", stripPrefix: "")
        let stale = Fixtures.rows(Fixtures.trunk(id: 3, domain: "old.3cx.cloud", ext: "300"))
        let a = Planner.plan(desired: Fixtures.snapshot(milan, london), actual: stale)
        let b = Planner.plan(desired: Fixtures.snapshot(london, milan), actual: stale.reversed())
        #expect(a == b)
    }

    @Test("a password change is an update of ps_auths.password marked sensitive")
    func passwordChange() {
        let plan = Planner.plan(desired: Fixtures.snapshot(Fixtures.trunk(password: "new-secret")), actual: Fixtures.rows(milan))
        #expect(plan.steps.count == 1)
        #expect(plan.steps.first?.changes.first?.isSensitive == true)
        #expect(plan.steps.first?.key == RowKey(table: .psAuths, parts: [milanID]))
    }

    // MARK: prune budget, calls, Asterisk drift, actuations

    func trunks(_ count: Int) -> [Trunk] {
        (0..<count).map { Fixtures.trunk(id: $0 + 1, domain: "d\($0).3cx.cloud", ext: "1\($0)") }
    }

    @Test("the prune budget refuses more than --max-deletes trunks, or over half of the owned trunks")
    func pruneBudget() {
        let all = trunks(12)
        let actual = all.flatMap { TrunkRows.rows(for: $0) }
        // Dograh suddenly reads as empty: nothing is deleted, everything is reported.
        let empty = Planner.plan(desired: Fixtures.snapshot(), actual: actual)
        #expect(empty.steps.isEmpty)
        #expect(empty.deferred.count == 12)
        #expect(Set(empty.deferred.map(\.reason)) == [.pruneBudget])
        // Half or fewer, and within --max-deletes: allowed.
        let some = Planner.plan(desired: DesiredSnapshot(trunks: Array(all.dropFirst(6)), skipped: []), actual: actual)
        #expect(some.deferred.allSatisfy { $0.reason == .awaitingUnregistration })
        #expect(some.count(.delete) == 6)
        // Seven of twelve is over half.
        let most = Planner.plan(desired: DesiredSnapshot(trunks: Array(all.dropFirst(7)), skipped: []), actual: actual)
        #expect(most.steps.isEmpty && most.deferred.count == 7)
        // --max-deletes 3.
        let capped = Planner.plan(desired: DesiredSnapshot(trunks: Array(all.dropFirst(4)), skipped: []), actual: actual,
                                  policy: PlanPolicy(maxDeletes: 3))
        #expect(capped.steps.isEmpty)
        // --allow-mass-delete.
        let allowed = Planner.plan(desired: Fixtures.snapshot(), actual: actual, policy: PlanPolicy(allowMassDelete: true))
        #expect(allowed.count(.delete) == 12)
        // Two owned trunks: removing both is allowed (the half rule starts above two).
        let pair = Planner.plan(desired: Fixtures.snapshot(), actual: all.prefix(2).flatMap { TrunkRows.rows(for: $0) })
        #expect(pair.count(.delete) == 2)
        // Creates and updates still go ahead while deletes are blocked.
        let mixed = Planner.plan(desired: Fixtures.snapshot(Fixtures.trunk(id: 99, domain: "new.3cx.cloud")), actual: actual)
        #expect(mixed.count(.create) == 9 && mixed.count(.delete) == 0)
    }

    @Test("changes that would drop a live call are held until the calls end or the hold expires")
    func callGating() {
        let edited = Fixtures.trunk(password: "rotated")
        let busyState = LiveState(registrations: [milanID: .registered], endpointsWithCalls: [milanID])
        let busy = LiveView.observed(busyState)
        let held = Planner.plan(desired: Fixtures.snapshot(edited), actual: Fixtures.rows(milan), live: busy)
        #expect(held.steps.isEmpty)
        #expect(held.deferred.map(\.reason) == [.activeCalls])
        #expect(PlanText.render(held).contains("held back, pending (active calls)"))

        let deleting = Planner.plan(desired: Fixtures.snapshot(), actual: Fixtures.rows(milan), live: busy)
        #expect(deleting.steps.isEmpty)

        var expired = busyState
        expired.holdExpired = [milanID]
        #expect(Planner.plan(desired: Fixtures.snapshot(edited), actual: Fixtures.rows(milan), live: .observed(expired)).steps.count == 1)
        // A change that cannot drop a call (dialplan) is not held.
        let rerouted = Fixtures.trunk(stripPrefix: "^00")
        #expect(Planner.plan(desired: Fixtures.snapshot(rerouted), actual: Fixtures.rows(milan), live: busy).steps.count == 2)
    }

    @Test("Asterisk drift: a desired registration not loaded, or a removed one still loaded")
    func asteriskDrift() {
        let rows = Fixtures.rows(milan)
        let missing = Planner.plan(desired: Fixtures.snapshot(milan), actual: rows, live: .observed(LiveState(registrations: [:])))
        #expect(missing.asteriskDrift == [AsteriskDrift(endpointID: milanID, kind: .missing)])
        #expect(missing.actuations == [.reloadModule(Actuation.registrationModule)])
        #expect(!missing.isEmpty)

        let stale = Planner.plan(desired: Fixtures.snapshot(milan), actual: rows,
                                 live: .observed(LiveState(registrations: [milanID: .registered, "dograh_gone_1": .registered, "carrier": .registered])))
        #expect(stale.asteriskDrift == [AsteriskDrift(endpointID: "dograh_gone_1", kind: .stale)])

        let inSync = Planner.plan(desired: Fixtures.snapshot(milan), actual: rows, live: .observed(LiveState(registrations: [milanID: .rejected])))
        #expect(inSync.isEmpty)
        #expect(inSync.configurations.first?.registration == .rejected)
        #expect(PlanText.render(inSync).contains("registration: Rejected"))
        #expect(PlanText.render(Planner.plan(desired: Fixtures.snapshot(milan), actual: rows, live: .unreachable)).contains("registration: unknown (Asterisk not reachable)"))
        #expect(!PlanText.render(Planner.plan(desired: Fixtures.snapshot(milan), actual: rows)).contains("registration:"))
    }

    @Test("actuations: one reload per module whatever the number of trunks; PJSIPRegister only where credentials changed")
    func actuations() {
        let many = trunks(5)
        let fresh = Planner.plan(desired: DesiredSnapshot(trunks: many, skipped: []), actual: [])
        #expect(fresh.actuations == [.reloadModule(Actuation.dialplanModule), .reloadModule(Actuation.registrationModule)])
        #expect(Planner.plan(desired: DesiredSnapshot(trunks: many, skipped: []), actual: many.flatMap { TrunkRows.rows(for: $0) }).actuations.isEmpty)

        let rotated = Planner.plan(desired: Fixtures.snapshot(Fixtures.trunk(password: "rotated")), actual: Fixtures.rows(milan))
        #expect(rotated.actuations == [.register(milanID)])
        let handEdit = Fixtures.rows(milan).replacing(.psEndpoints, id: milanID, column: "from_user", with: "x")
        #expect(Planner.plan(desired: Fixtures.snapshot(milan), actual: handEdit).actuations.isEmpty)
    }
}
