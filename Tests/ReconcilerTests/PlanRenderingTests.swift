import Testing
@testable import Reconciler

@Suite("Plan rendering (text and JSON)")
struct PlanRenderingTests {
    let secret = "sip-secret-do-not-print"

    func plans() -> [Plan] {
        let old = Fixtures.trunk(password: secret)
        let new = Fixtures.trunk(password: secret + "-2")
        return [
            Planner.plan(desired: Fixtures.snapshot(old), actual: []),
            Planner.plan(desired: Fixtures.snapshot(new), actual: Fixtures.rows(old)),
            Planner.plan(desired: Fixtures.snapshot(), actual: Fixtures.rows(old)),
        ]
    }

    @Test("no plan, text or JSON, ever contains a password")
    func noSecrets() {
        for plan in plans() {
            let text = PlanText.render(plan)
            let json = PlanJSON.document(plan).serialized(pretty: true)
            #expect(!text.contains(secret))
            #expect(!json.contains(secret))
            #expect(!"\(plan)".contains(secret))
        }
    }

    @Test("text: + create, ~ update old → new, - delete, summary line")
    func text() {
        let milan = Fixtures.trunk()
        let edited = Fixtures.rows(milan).replacing(.psAors, id: milan.endpointID, column: "contact", with: "sip:old")
        let text = PlanText.render(Planner.plan(desired: Fixtures.snapshot(milan), actual: edited))
        #expect(text.contains("~ update ps_aors \(milan.endpointID)"))
        #expect(text.contains("contact: \"sip:old\" → \"sip:1156.3cx.cloud\""))
        #expect(text.contains("Plan: 0 to create, 1 to update, 0 to delete."))
        #expect(text.contains("configuration 1 \"config 1\" (organization 7) → \(milan.endpointID)"))

        let created = PlanText.render(plans()[0])
        #expect(created.contains("+ create ps_auths"))
        #expect(created.contains("password  = (sensitive)"))
        let changed = PlanText.render(plans()[1])
        #expect(changed.contains("password: (sensitive, changed)"))
        let deleted = PlanText.render(plans()[2])
        #expect(deleted.contains("- delete ps_registrations"))
        #expect(deleted.contains("orphaned"))
        #expect(PlanText.render(Planner.plan(desired: Fixtures.snapshot(milan), actual: Fixtures.rows(milan)))
            .contains("No changes: the ARA database is in sync with Dograh."))
    }

    @Test("JSON: stable schema with summary, configurations and steps")
    func json() {
        let json = PlanJSON.document(plans()[1]).serialized()
        #expect(json.hasPrefix("{\"schema_version\":1,\"in_sync\":false,\"summary\":{\"create\":0,\"update\":1,\"delete\":0,\"invalid_configurations\":0,\"deferred\":0,\"asterisk_drift\":0}"))
        #expect(json.contains("\"action\":\"update\",\"table\":\"ps_auths\""))
        #expect(json.contains("\"changes\":{\"password\":{\"sensitive\":true,\"changed\":true}}"))
        #expect(json.contains("\"state\":\"desired\""))
        #expect(json.contains("\"actuations\":[{\"action\":\"register\",\"registration\":\"dograh_1156_3cx_cloud_12611\"}]"))
    }

    @Test("JSON strings are escaped")
    func escaping() {
        #expect(JSONValue.string("a\"b\\c\n\u{01}").serialized() == "\"a\\\"b\\\\c\\n\\u0001\"")
        #expect(JSONValue.object([("k", .array([.null, .bool(true), .int(3)]))]).serialized() == "{\"k\":[null,true,3]}")
        // DEL and C1 controls are escaped (log lines share this writer); other non-ASCII is kept.
        #expect(JSONValue.string("a\u{7F}b\u{9B}c é\u{A0}").serialized() == "\"a\\u007fb\\u009bc é\u{A0}\"")
    }

    @Test("an invalid configuration is shown with its field and reason")
    func invalid() {
        let ref = ConfigurationRef(id: 4, organizationID: 2, name: "Globex")
        let error = ConfigurationError(configuration: ref, field: "sip_password", reason: "is missing")
        let plan = Planner.plan(desired: DesiredSnapshot(trunks: [], skipped: [SkippedConfiguration(configuration: ref, reason: .invalid(error))]), actual: [])
        let text = PlanText.render(plan)
        #expect(text.contains("configuration 4 \"Globex\" (organization 2) INVALID — field sip_password: is missing"))
        #expect(text.contains("1 configuration invalid"))
        #expect(PlanJSON.document(plan).serialized().contains("\"error\":{\"field\":\"sip_password\",\"reason\":\"is missing\"}"))
    }
}
