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

    @Test("NULL and '' are the same to Asterisk; yes/true/1 are the same boolean")
    func normalisation() {
        var actual = Fixtures.rows(milan).replacing(.psEndpoints, id: milanID, column: "auth", with: "")
        actual = actual.replacing(.psRegistrations, id: milanID, column: "line", with: "true")
        #expect(Planner.plan(desired: Fixtures.snapshot(milan), actual: actual).isEmpty)
        let flipped = Fixtures.rows(milan).replacing(.psRegistrations, id: milanID, column: "line", with: "no")
        #expect(Planner.plan(desired: Fixtures.snapshot(milan), actual: flipped).steps.first?.changes.map(\.column) == ["line"])
    }

    @Test("a configuration removed from Dograh: all its rows are deleted, children first")
    func deprovisioning() {
        let plan = Planner.plan(desired: Fixtures.snapshot(), actual: Fixtures.rows(milan))
        #expect(plan.count(.delete) == 9)
        let tables = plan.steps.map(\.key.table)
        #expect(tables == tables.sorted(by: >))
        #expect(plan.configurations == [ConfigurationOutcome(configuration: nil, endpointID: milanID, state: .orphaned)])
    }

    @Test("sip_domain changed: the old id's rows are deleted and the new id's created")
    func orphansAfterRename() {
        let moved = Fixtures.trunk(domain: "9999.3cx.cloud")
        let plan = Planner.plan(desired: Fixtures.snapshot(moved), actual: Fixtures.rows(milan))
        #expect(plan.count(.create) == 9 && plan.count(.delete) == 9 && plan.count(.update) == 0)
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
        #expect(off.count(.delete) == 9)
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
}
