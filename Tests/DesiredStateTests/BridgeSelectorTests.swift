import Reconciler
import Testing
import TestSupport
@testable import DesiredState

@Suite("Bridge selector (--ari-endpoint-match)")
struct BridgeSelectorTests {
    @Test("host, host:port and [v6]:port parse; garbage does not", arguments: [
        ("asterisk.internal", "asterisk.internal", nil), ("Asterisk.Internal:8088", "asterisk.internal", 8088),
        ("[::1]:8088", "[::1]", 8088), ("10.0.0.5", "10.0.0.5", nil),
    ] as [(String, String, Int?)])
    func parses(text: String, host: String, port: Int?) throws {
        let selector = try #require(BridgeSelector(text))
        #expect(selector.host == host && selector.port == port)
    }

    @Test("rejects", arguments: ["", "a:b", "a:1:2", "host:0", "[::1"])
    func rejects(text: String) {
        #expect(BridgeSelector(text) == nil)
    }

    @Test("matches the ari_endpoint's host, and its port when given (scheme default counts)")
    func matches() throws {
        let host = try #require(BridgeSelector("asterisk.internal"))
        #expect(host.matches(ariEndpoint: "http://asterisk.internal:8088"))
        #expect(host.matches(ariEndpoint: "https://ASTERISK.internal"))
        #expect(!host.matches(ariEndpoint: "http://other.internal:8088"))
        #expect(!host.matches(ariEndpoint: nil))
        let port = try #require(BridgeSelector("asterisk.internal:8088"))
        #expect(port.matches(ariEndpoint: "http://asterisk.internal:8088/ari"))
        #expect(!port.matches(ariEndpoint: "http://asterisk.internal:8089"))
        #expect(try #require(BridgeSelector("asterisk.internal:443")).matches(ariEndpoint: "https://asterisk.internal"))
    }

    @Test("configurations of another bridge are 'not for this bridge', never provisioned here")
    func snapshot() {
        let mine = ConfigurationRecord(id: 1, organizationID: 1, name: "mine", credentialsJSON: DograhFixtures.credentials(
            extra: ["ari_endpoint": "http://bridge-a:8088"]), inactive: false)
        let theirs = ConfigurationRecord(id: 2, organizationID: 2, name: "theirs", credentialsJSON: DograhFixtures.credentials(
            domain: "b.3cx.cloud", extra: ["ari_endpoint": "http://bridge-b:8088"]), inactive: false)
        let snapshot = ConfigurationValidator.snapshot([mine, theirs], bridge: BridgeSelector("bridge-a"))
        #expect(snapshot.trunks.map(\.configuration.id) == [1])
        #expect(snapshot.skipped.first?.reason == .notForThisBridge(endpointID: "dograh_b_3cx_cloud_12611"))
        let plan = Planner.plan(desired: snapshot, actual: [])
        #expect(PlanText.render(plan).contains("configuration 2 \"theirs\" (organization 2) → dograh_b_3cx_cloud_12611 (not for this bridge)"))
        #expect(plan.steps.allSatisfy { $0.key.endpointID == "dograh_1156_3cx_cloud_12611" })
        // Without a selector every three_cx configuration is for this bridge.
        #expect(ConfigurationValidator.snapshot([mine, theirs]).trunks.count == 2)
    }
}
