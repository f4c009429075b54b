import Reconciler
import Testing
import TestSupport
@testable import DesiredState

@Suite("Configuration validation")
struct ValidationTests {
    func record(_ credentials: String, id: Int = 1, organization: Int = 7, name: String = "Milan", inactive: Bool = false) -> ConfigurationRecord {
        ConfigurationRecord(id: id, organizationID: organization, name: name, credentialsJSON: credentials, inactive: inactive)
    }

    func failure(_ credentials: String) -> ConfigurationError? {
        if case .failure(let error) = ConfigurationValidator.validate(record(credentials)) { return error }
        return nil
    }

    @Test("the DOMAIN.md example validates into the expected trunk")
    func valid() throws {
        let trunk = try ConfigurationValidator.validate(record(DograhFixtures.credentials())).get()
        #expect(trunk.endpointID == "dograh_1156_3cx_cloud_12611")
        #expect(trunk.authUsername == "12611")
        #expect(trunk.transport == "transport-udp")
        #expect(trunk.dialRoutes == [DialRoute(pattern: "_+39X.", skip: 3)])
        #expect(trunk.sipPassword.exposed == "sip-secret-1")
    }

    @Test("sip_domain is trimmed and lower-cased; extension may be a JSON number")
    func normalisation() throws {
        let trunk = try ConfigurationValidator.validate(record(
            #"{"sip_domain": "  1156.3CX.Cloud ", "extension": 12611, "sip_password": "p", "app_name": "dograh"}"#)).get()
        #expect(trunk.sipDomain == "1156.3cx.cloud")
        #expect(trunk.extensionNumber == "12611")
        #expect(trunk.dialRoutes == [DialRoute(pattern: "_[+0-9].", skip: 0)])
    }

    @Test("endpoint naming follows DOMAIN.md §2")
    func naming() {
        #expect(EndpointNaming.endpointID(domain: "1156.3cx.cloud", extensionNumber: "12611") == "dograh_1156_3cx_cloud_12611")
        #expect(EndpointNaming.endpointID(domain: "127.0.0.1:5070", extensionNumber: "12611") == "dograh_127_0_0_1_5070_12611")
        #expect(EndpointNaming.slug(ofDomain: "--A..b--") == "a_b")
        #expect(EndpointNaming.cleanExtension("+1-2*3#") == "123")
        #expect(EndpointNaming.endpointID(domain: "...", extensionNumber: "1") == nil)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let label: String
        let credentials: String
        let field: String?
        let reasonContains: String
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "missing sip_domain", credentials: DograhFixtures.credentials(domain: nil), field: "sip_domain", reasonContains: "is missing"),
        Case(label: "missing extension", credentials: DograhFixtures.credentials(extension: nil), field: "extension", reasonContains: "is missing"),
        Case(label: "missing sip_password", credentials: DograhFixtures.credentials(password: nil), field: "sip_password", reasonContains: "is missing"),
        Case(label: "missing app_name", credentials: DograhFixtures.credentials(appName: nil), field: "app_name", reasonContains: "is missing"),
        Case(label: "empty sip_password", credentials: DograhFixtures.credentials(password: ""), field: "sip_password", reasonContains: "is empty"),
        Case(label: "blank sip_domain", credentials: DograhFixtures.credentials(domain: "   "), field: "sip_domain", reasonContains: "is empty"),
        Case(label: "empty slug", credentials: DograhFixtures.credentials(domain: "..-.."), field: "sip_domain", reasonContains: "no letters or digits"),
        Case(label: "extension without letters or digits", credentials: DograhFixtures.credentials(extension: "+*#"), field: "extension", reasonContains: "no letters or digits"),
        Case(label: "endpoint id over 31 characters", credentials: DograhFixtures.credentials(domain: "pbx.very-long-company-name.3cx.cloud"),
             field: "sip_domain", reasonContains: "at most 31"),
        Case(label: "password over ps_auths.password (80)", credentials: DograhFixtures.credentials(password: String(repeating: "p", count: 81)),
             field: "sip_password", reasonContains: "ps_auths.password holds at most 80"),
        Case(label: "password over 80 only once ; is escaped", credentials: DograhFixtures.credentials(password: String(repeating: ";", count: 30)),
             field: "sip_password", reasonContains: "is 90 characters as stored"),
        Case(label: "auth_username over 40", credentials: DograhFixtures.credentials(extra: ["auth_username": String(repeating: "u", count: 41)]),
             field: "auth_username", reasonContains: "ps_auths.username holds at most 40"),
        Case(label: "app_name too long for extensions.appdata", credentials: DograhFixtures.credentials(appName: String(repeating: "a", count: 230)),
             field: "app_name", reasonContains: "extensions.appdata holds at most 256"),
        Case(label: "transport with a space", credentials: DograhFixtures.credentials(extra: ["transport_name": "transport udp"]),
             field: "transport_name", reasonContains: "contains U+20"),
        Case(label: "app_name with a comma", credentials: DograhFixtures.credentials(appName: "a,b"), field: "app_name", reasonContains: "contains ','"),
        Case(label: "unicode domain", credentials: DograhFixtures.credentials(domain: "bücher.3cx.de"), field: "sip_domain", reasonContains: "punycode"),
        Case(label: "NUL byte in password", credentials: DograhFixtures.credentials(password: "a\u{0}b"), field: "sip_password", reasonContains: "control character"),
        Case(label: "newline in extension", credentials: DograhFixtures.credentials(extension: "12\n611"), field: "extension", reasonContains: "control character"),
        Case(label: "sip_domain is a number", credentials: #"{"sip_domain": 5, "extension": "1", "sip_password": "p", "app_name": "a"}"#,
             field: "sip_domain", reasonContains: "must be a string, got a number"),
        Case(label: "sip_password is an object", credentials: #"{"sip_domain": "d.com", "extension": "1", "sip_password": {"x": 1}, "app_name": "a"}"#,
             field: "sip_password", reasonContains: "got an object"),
        Case(label: "extension is a boolean", credentials: #"{"sip_domain": "d.com", "extension": true, "sip_password": "p", "app_name": "a"}"#,
             field: "extension", reasonContains: "got a boolean"),
        Case(label: "credentials not an object", credentials: #"["sip_domain"]"#, field: "credentials", reasonContains: "must be a JSON object, got an array"),
        Case(label: "credentials not JSON", credentials: "{not json", field: "credentials", reasonContains: "not valid JSON"),
        Case(label: "unsupported strip_prefix", credentials: DograhFixtures.credentials(stripPrefix: "^\\+39.*"), field: "strip_prefix", reasonContains: "cannot be turned"),
        Case(label: "unanchored strip_prefix", credentials: DograhFixtures.credentials(stripPrefix: "39"), field: "strip_prefix", reasonContains: "cannot be turned"),
    ]

    @Test("each invalid configuration names the configuration and the field", arguments: cases)
    func invalid(_ testCase: Case) throws {
        let error = try #require(failure(testCase.credentials), "expected \(testCase.label) to be rejected")
        #expect(error.field == testCase.field)
        #expect(error.reason.contains(testCase.reasonContains), "reason was: \(error.reason)")
        #expect(error.description.hasPrefix("configuration 1 \"Milan\" (organization 7): field \(testCase.field ?? "")"))
        #expect(!error.description.contains("sip-secret-1"))
    }

    @Test("errors found after the endpoint id is known carry it, so the rows are held")
    func heldEndpointID() throws {
        let late = try #require(failure(DograhFixtures.credentials(password: nil)))
        #expect(late.endpointID == "dograh_1156_3cx_cloud_12611")
        let early = try #require(failure(DograhFixtures.credentials(domain: nil)))
        #expect(early.endpointID == nil)
    }

    @Test("two configurations on one endpoint id: the lowest id keeps it, the later is rejected")
    func conflict() {
        let snapshot = ConfigurationValidator.snapshot([
            record(DograhFixtures.credentials(password: "b"), id: 9, organization: 2, name: "Intruder"),
            record(DograhFixtures.credentials(), id: 3, organization: 1, name: "Owner"),
        ])
        #expect(snapshot.trunks.map(\.configuration.id) == [3])
        #expect(snapshot.skipped.count == 1)
        guard case .invalid(let error)? = snapshot.skipped.first?.reason else {
            Issue.record("expected the later configuration to be rejected")
            return
        }
        #expect(error.configuration.id == 9)
        #expect(error.reason.contains("already provisioned by configuration 3 \"Owner\" (organization 1)"))
        #expect(error.endpointID == nil, "a rejected intruder must not hold the owner's rows")
    }

    @Test("a broken or parked owner keeps its endpoint id: another organization cannot take the trunk over")
    func noTakeoverWhileOwnerBroken() {
        for owner in [record(DograhFixtures.credentials(password: nil), id: 1, organization: 1, name: "Owner"),
                      record(DograhFixtures.credentials(), id: 1, organization: 1, name: "Owner", inactive: true)] {
            let snapshot = ConfigurationValidator.snapshot([owner, record(DograhFixtures.credentials(password: "theirs"), id: 5, organization: 2, name: "Intruder")])
            #expect(snapshot.trunks.isEmpty)
            let intruder = snapshot.skipped.first { $0.configuration.id == 5 }
            guard case .invalid(let error)? = intruder?.reason else {
                Issue.record("the later configuration must be rejected")
                continue
            }
            #expect(error.reason.contains("already provisioned by configuration 1 \"Owner\" (organization 1)"))
        }
    }

    @Test("inactive configurations are not desired; bad ones never stop the good ones")
    func inactiveAndIsolation() {
        let snapshot = ConfigurationValidator.snapshot([
            record(DograhFixtures.credentials(), id: 1),
            record(DograhFixtures.credentials(domain: "b.3cx.cloud"), id: 2, inactive: true),
            record("{broken", id: 3),
            record(DograhFixtures.credentials(domain: "c.3cx.cloud"), id: 4),
        ])
        #expect(snapshot.trunks.map(\.configuration.id) == [1, 4])
        #expect(snapshot.skipped.map(\.configuration.id) == [2, 3])
        #expect(snapshot.skipped.first?.reason == .inactive(endpointID: "dograh_b_3cx_cloud_12611"))
    }

    @Test("; and ^ in values are accepted and stored escaped")
    func semicolons() throws {
        let trunk = try ConfigurationValidator.validate(record(DograhFixtures.credentials(password: "p;w^d'); DROP TABLE x;--"))).get()
        #expect(trunk.sipPassword.exposed == "p;w^d'); DROP TABLE x;--")
        let auth = TrunkRows.rows(for: trunk).first { $0.table == .psAuths }
        #expect(auth?.value("password") == "p^3Bw^5Ed')^3B DROP TABLE x^3B--")
    }
}
