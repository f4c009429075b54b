import ARAAdapter
import Reconciler
import Testing

@Suite("reconcilerd_status entries: held, re-register backoff")
struct StatusEntriesTests {
    static let ref = ConfigurationRef(id: 4, organizationID: 2, name: "Rome")

    @Test("a trunk in re-register backoff says how many PJSIPRegister went out and when the next one is due")
    func reRegisterBackoffIsVisible() {
        let plan = Plan(steps: [], configurations: [
            ConfigurationOutcome(configuration: Self.ref, endpointID: "dograh_x_1", state: .desired, registration: .rejected),
        ])
        let entries = StatusTable.entries(for: plan, applied: true,
                                          reRegistering: ["dograh_x_1": ReRegisterTracker.Due(attempts: 3, nextIn: .seconds(240))])
        #expect(entries.first?.registrationStatus == "Rejected")
        #expect(entries.first?.lastError == "re-registering with backoff: 3 PJSIPRegister sent, next in 240 s")
    }

    @Test("a held configuration shows its reason and state held")
    func heldIsVisible() {
        let error = ConfigurationError(configuration: Self.ref, field: "sip_domain", reason: "too long", endpointID: "dograh_x_1")
        let plan = Plan(steps: [], configurations: [ConfigurationOutcome(configuration: Self.ref, endpointID: "dograh_x_1", state: .held(error))])
        let entry = StatusTable.entries(for: plan, applied: true).first
        #expect(entry?.state == "held")
        #expect(entry?.lastError == "held: last valid version, sip_domain: too long")
    }
}
