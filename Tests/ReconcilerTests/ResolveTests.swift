import Testing
@testable import Reconciler

/// The lifecycle rules of `DesiredSnapshot.resolve` and what the planner makes of them.
@Suite("Lifecycle rules: inactive wins, claims, held at the last valid version")
struct ResolveTests {
    static let trunk = Fixtures.trunk()
    static let id = trunk.endpointID

    static func valid(_ trunk: Trunk = trunk, inactive: Bool = false) -> ValidatedConfiguration {
        ValidatedConfiguration(configuration: trunk.configuration, inactive: inactive, result: .success(trunk))
    }

    /// The same configuration after an edit that broke it; `derives` is the endpoint id the
    /// broken version still yields (nil: none, e.g. a SIP domain too long for an id).
    static func broken(field: String = "sip_domain", derives: String? = nil, inactive: Bool = false) -> ValidatedConfiguration {
        let error = ConfigurationError(configuration: trunk.configuration, field: field, reason: "endpoint id would exceed 31 characters",
                                       endpointID: derives)
        return ValidatedConfiguration(configuration: trunk.configuration, inactive: inactive, result: .failure(error))
    }

    static let applied = AppliedEndpoints([trunk.configuration.id: id])

    @Test("an edit that makes a working configuration invalid keeps its trunk: no create, update or delete; the plan says held")
    func heldAtLastValidVersion() {
        let desired = DesiredSnapshot.resolve([Self.broken()], applied: Self.applied)
        #expect(desired.trunks.isEmpty)
        #expect(desired.skipped.first?.heldEndpointID == Self.id, "held under the id it was last applied with")
        let plan = Planner.plan(desired: desired, actual: Fixtures.rows(Self.trunk))
        #expect(plan.steps.isEmpty)
        #expect(plan.deferred.isEmpty)
        guard case .held(let error) = plan.configurations.first?.state else {
            Issue.record("expected held, got \(String(describing: plan.configurations.first?.state))")
            return
        }
        #expect(PlanText.heldReason(error) == "held: last valid version, sip_domain: endpoint id would exceed 31 characters")
        #expect(plan.appliedEndpoints.isEmpty, "the record keeps the last valid id")
    }

    @Test("without the record, a broken version that derives no id cannot be held: its trunk is orphaned (documented)")
    func withoutRecordTheTrunkIsOrphaned() {
        let desired = DesiredSnapshot.resolve([Self.broken()])
        let plan = Planner.plan(desired: desired, actual: Fixtures.rows(Self.trunk))
        #expect(plan.count(.delete) == 1, "phase one of removal: the registration row")
        #expect(plan.configurations.contains { if case .invalid = $0.state { true } else { false } })
    }

    @Test("a held configuration made valid again is released: its rows follow the new version")
    func releasedWhenValidAgain() {
        let fixed = Fixtures.trunk(password: "rotated")
        let desired = DesiredSnapshot.resolve([Self.valid(fixed)], applied: Self.applied)
        let plan = Planner.plan(desired: desired, actual: .rows(Fixtures.rows(Self.trunk)), applied: Self.applied)
        #expect(plan.count(.update) == 1)
        #expect(plan.actuations.contains(.register(Self.id)))
        #expect(plan.configurations.first?.state == .desired)
    }

    @Test("inactive wins over every validation error: a broken inactive configuration is deprovisioned by its last id")
    func inactiveWinsOverErrors() {
        let desired = DesiredSnapshot.resolve([Self.broken(field: "sip_password", derives: nil, inactive: true)], applied: Self.applied)
        #expect(desired.skipped.first?.reason == .inactive(endpointID: Self.id))
        let plan = Planner.plan(desired: desired, actual: Fixtures.rows(Self.trunk), live: .observed(LiveState(registrations: [Self.id: .registered])))
        #expect(plan.steps.map(\.key.table) == [.psRegistrations], "two-phase: the registration row first")
        #expect(plan.deferred.map(\.reason) == [.awaitingUnregistration])
        #expect(plan.configurations.first?.state == .inactive)
    }

    @Test("a configuration Dograh deleted is forgotten by the record in the same transaction as its rows")
    func deletedConfigurationIsForgotten() {
        let plan = Planner.plan(desired: DesiredSnapshot.resolve([], applied: Self.applied), actual: .rows(Fixtures.rows(Self.trunk)),
                                applied: Self.applied)
        #expect(plan.appliedEndpoints == AppliedEndpoints.Changes(deletes: [Self.trunk.configuration.id]))
        let created = Planner.plan(desired: DesiredSnapshot.resolve([Self.valid()]), actual: .rows([]), applied: AppliedEndpoints())
        #expect(created.appliedEndpoints.upserts == [.init(configurationID: Self.trunk.configuration.id, endpointID: Self.id)])
    }

    @Test("the lowest configuration id keeps a contested endpoint id, also against the last applied id of a broken one")
    func claims() {
        let owner = Self.broken()
        let newcomer = Fixtures.trunk(id: 2, organization: 8)
        let desired = DesiredSnapshot.resolve([.init(configuration: newcomer.configuration, inactive: false, result: .success(newcomer)), owner],
                                              applied: Self.applied)
        #expect(desired.trunks.isEmpty, "the newcomer may not take over the held trunk")
        let reasons = desired.skipped.map(\.configuration.id)
        #expect(reasons == [1, 2])
        guard case .invalid(let error) = desired.skipped.last?.reason else {
            Issue.record("the newcomer should be invalid")
            return
        }
        #expect(error.reason.contains("already provisioned by"))
    }

    @Test("a valid configuration of another bridge is not provisioned here")
    func otherBridge() {
        let elsewhere = ValidatedConfiguration(configuration: Self.trunk.configuration, inactive: false, result: .success(Self.trunk),
                                               forThisBridge: false)
        let desired = DesiredSnapshot.resolve([elsewhere])
        #expect(desired.skipped.first?.reason == .notForThisBridge(endpointID: Self.id))
    }
}
