import ARAAdapter
import DesiredState
import Foundation
import PGClient
import Reconciler
import Testing
import TestSupport

/// One hostile or broken Dograh configuration and what must come of it.
struct BadInput: Sendable, CustomStringConvertible {
    enum Expectation: Sendable {
        /// Skipped with a per-configuration error naming `field` (any of them) and saying `reason`.
        case invalid(fields: [String], reason: String)
        /// Provisioned as `id`, each (table, column, key column, value) stored exactly so.
        case stored(id: String, literal: [(table: String, column: String, value: String)])
        /// Not a three_cx configuration: never read.
        case ignored
    }

    var label: String
    var organization = 1
    var name: String?
    var provider = "three_cx"
    /// The credentials json text.
    var credentials: String
    var expect: Expectation

    var description: String { label }
}

/// Builds credentials json with raw values, so that wrong JSON types can be written.
enum Corpus {
    enum Value {
        case s(String)
        case raw(String)
    }

    static func domain(_ index: Int) -> String { "c\(index).bad.test" }
    static func id(_ index: Int, ext: String = "200") -> String { "dograh_c\(index)_bad_test_\(ext)" }

    /// A valid credentials object for case `index`, with `changes` applied (nil removes the key).
    static func credentials(_ index: Int, password: String? = nil, _ changes: [String: Value?] = [:]) -> String {
        var members: [(String, Value)] = [
            ("sip_domain", .s(domain(index))), ("extension", .s("200")),
            ("sip_password", .s(password ?? Secrets.sip("c\(index)"))), ("app_name", .s("dograh")),
            ("strip_prefix", .s("^\\+39")), ("ari_endpoint", .s("http://asterisk.internal:8088")),
            ("app_password", .s(Rel.fixtureAppPassword)), ("ws_client_name", .s("dograh_ws")),
        ]
        for (key, value) in changes.sorted(by: { $0.key < $1.key }) {
            members.removeAll { $0.0 == key }
            if let value { members.append((key, value)) }
        }
        return "{" + members.map { key, value in
            let rendered = switch value {
            case .s(let text): DograhFixtures.jsonString(text)
            case .raw(let json): json
            }
            return DograhFixtures.jsonString(key) + ": " + rendered
        }.joined(separator: ", ") + "}"
    }

    static func invalid(_ field: String, _ reason: String) -> BadInput.Expectation { .invalid(fields: [field], reason: reason) }

    /// The table: every case gets its own domain (`c<index>.bad.test`) unless it collides on purpose.
    static func cases() -> [BadInput] {
        var cases: [BadInput] = []
        func add(_ label: String, _ expect: BadInput.Expectation, organization: Int = 1, name: String? = nil, provider: String = "three_cx",
                 credentials: ((Int) -> String)? = nil, _ changes: [String: Value?] = [:]) {
            let index = cases.count + 1
            cases.append(BadInput(label: label, organization: organization, name: name, provider: provider,
                                  credentials: credentials?(index) ?? Corpus.credentials(index, changes), expect: expect))
        }
        func pw(_ value: String) -> String { Secrets.register(value); return value }

        // Missing and empty fields.
        add("missing sip_domain", invalid("sip_domain", "is missing"), ["sip_domain": nil])
        add("empty sip_domain", invalid("sip_domain", "is empty"), ["sip_domain": .s("")])
        add("blank sip_domain", invalid("sip_domain", "is empty"), ["sip_domain": .s("   ")])
        add("missing extension", invalid("extension", "is missing"), ["extension": nil])
        add("empty extension", invalid("extension", "is empty"), ["extension": .s("")])
        add("missing sip_password", invalid("sip_password", "is missing"), ["sip_password": nil])
        add("empty sip_password", invalid("sip_password", "is empty"), ["sip_password": .s("")])
        add("missing app_name", invalid("app_name", "is missing"), ["app_name": nil])
        add("empty credentials object", invalid("sip_domain", "is missing"), credentials: { _ in "{}" })
        // Wrong JSON types.
        add("sip_domain is a number", invalid("sip_domain", "must be a string, got a number"), ["sip_domain": .raw("42")])
        add("extension is a float", invalid("extension", "must be a string, got a number"), ["extension": .raw("12.5")])
        add("extension is an integer (accepted as text)", .stored(id: id(cases.count + 1, ext: "201"), literal: [("ps_endpoints", "from_user", "201")]),
            ["extension": .raw("201")])
        add("sip_password is a boolean", invalid("sip_password", "must be a string, got a boolean"), ["sip_password": .raw("true")])
        add("sip_domain is an object", invalid("sip_domain", "must be a string, got an object"), ["sip_domain": .raw(#"{"host": "x.test"}"#)])
        add("extension is an array", invalid("extension", "must be a string, got an array"), ["extension": .raw(#"["1", "2"]"#)])
        add("transport_name is a number", invalid("transport_name", "must be a string, got a number"), ["transport_name": .raw("5060")])
        add("strip_prefix is a number", invalid("strip_prefix", "must be a string, got a number"), ["strip_prefix": .raw("39")])
        add("strip_prefix is null (treated as absent)", .stored(id: id(cases.count + 1), literal: [("ps_aors", "contact", "sip:\(domain(cases.count + 1))")]),
            ["strip_prefix": .raw("null")])
        // Non-object credentials.
        add("credentials is an array", invalid("credentials", "must be a JSON object, got an array"), credentials: { _ in #"["sip_domain", "x"]"# })
        add("credentials is a string", invalid("credentials", "must be a JSON object, got a string"), credentials: { _ in #""sip_domain=x.test""# })
        add("credentials is null", invalid("credentials", "must be a JSON object, got null"), credentials: { _ in "null" })
        add("credentials is a number", invalid("credentials", "must be a JSON object, got a number"), credentials: { _ in "7" })
        // Stored by the json type unchecked, refused by Postgres's ->> (which would fail the whole read).
        add("a lone surrogate in sip_domain (read as U+FFFD)", invalid("sip_domain", "contains U+FFFD"), ["sip_domain": .raw(#""c.bad\ud800.test""#)])
        add("a NUL in a key nobody reads", .stored(id: id(cases.count + 1), literal: [("ps_aors", "contact", "sip:\(domain(cases.count + 1))")]),
            ["x\u{0}y": .s("ignored")])
        // Huge strings.
        add("huge sip_password (100 kB)", invalid("sip_password", "ps_auths.password holds at most 80"),
            ["sip_password": .s(pw("sip-rel-huge-" + String(repeating: "Qx7", count: 33_000)))])
        add("huge sip_domain (100 kB)", invalid("sip_domain", "at most 31"), ["sip_domain": .s(String(repeating: "a", count: 100_000) + ".test")])
        add("huge extension (10 kB)", .invalid(fields: ["extension", "sip_domain"], reason: "at most 31"),
            ["extension": .s(String(repeating: "9", count: 10_000))])
        add("huge app_name (300 chars)", invalid("app_name", "extensions.appdata holds at most 256"), ["app_name": .s(String(repeating: "a", count: 300))])
        add("huge strip_prefix (5 kB)", invalid("strip_prefix", "cannot be turned into a dialplan pattern"),
            ["strip_prefix": .s("^" + String(repeating: "1", count: 5_000))])
        add("auth_username one over varchar(40)", invalid("auth_username", "ps_auths.username holds at most 40"),
            ["auth_username": .s(String(repeating: "u", count: 41))])
        add("sip_password that fits only unescaped (79 chars + ';')", invalid("sip_password", "as stored; ps_auths.password holds at most 80"),
            ["sip_password": .s(pw(String(repeating: "k", count: 79) + ";"))])
        // NUL bytes and control characters.
        add("NUL in extension", invalid("extension", "control character"), ["extension": .s("20\u{0}0")])
        add("NUL in sip_password", invalid("sip_password", "control character"), ["sip_password": .s(pw("sip-rel-nul\u{0}pw"))])
        add("newline in sip_domain", invalid("sip_domain", "control character"), ["sip_domain": .s("c.bad.test\nHost: evil")])
        add("NUL in app_name", invalid("app_name", "control character"), ["app_name": .s("dog\u{0}rah")])
        // Unicode and RTL characters in domain and extension.
        add("IDN domain (not punycode)", invalid("sip_domain", "U+FC"), ["sip_domain": .s("münchen.3cx.cloud")])
        add("RTL override in domain", invalid("sip_domain", "U+202E"), ["sip_domain": .s("\u{202E}duolc.xc3.c35")])
        add("Arabic-Indic digits in extension", invalid("extension", "U+661"), ["extension": .s("١٢٣")])
        add("Hebrew (RTL) extension", invalid("extension", "U+5E9"), ["extension": .s("שלום")])
        add("zero-width space in extension", invalid("extension", "U+200B"), ["extension": .s("12\u{200B}3")])
        add("emoji in domain", invalid("sip_domain", "U+1F4DE"), ["sip_domain": .s("📞.3cx.cloud")])
        // ; ^ quotes and SQL in every field.
        add("; in sip_domain", invalid("sip_domain", "contains ';'"), ["sip_domain": .s("c.bad.test;transport=tcp")])
        add("^ in extension", invalid("extension", "contains '^'"), ["extension": .s("12^3")])
        add("quote (SQL) in extension", invalid("extension", "contains '''"), ["extension": .s("1' OR '1'='1")])
        add("SQL injection in sip_domain", invalid("sip_domain", "contains '''"), ["sip_domain": .s("x'; DROP TABLE ps_auths;--")])
        add("SQL injection in app_name", invalid("app_name", "contains '''"), ["app_name": .s("dograh'); DROP TABLE extensions;--")])
        add("SQL injection in transport_name", invalid("transport_name", "contains '''"), ["transport_name": .s("udp'; DELETE FROM ps_endpoints;--")])
        add("SQL injection in strip_prefix", invalid("strip_prefix", "cannot be turned into a dialplan pattern"),
            ["strip_prefix": .s("^\\+39'); DROP TABLE extensions;--")])
        let injected = "sip-rel-inj-'); DROP TABLE ps_auths;-- ^x \"q\" \\ " + UUID().uuidString.prefix(6)
        Secrets.register(injected)
        add("SQL injection, ; ^ \" \\ in sip_password (stored escaped)",
            .stored(id: id(cases.count + 1), literal: [("ps_auths", "password", AsteriskEscaping.escape(injected))]),
            ["sip_password": .s(injected)])
        add("; ^ and quotes in auth_username (stored escaped)",
            .stored(id: id(cases.count + 1), literal: [("ps_auths", "username", "o'brien^3Bx^5Ey\"z")]),
            ["auth_username": .s("o'brien;x^y\"z")])
        add("SQL injection in the name", .stored(id: id(cases.count + 1), literal: [("ps_auths", "username", "200")]),
            name: "Robert'); DROP TABLE ps_auths;--")
        add("newline forging a plan line in the name", .stored(id: id(cases.count + 1), literal: [("ps_auths", "username", "200")]),
            name: "evil\nFORGED: No changes, in sync\u{1B}[2J")
        add("spaces around sip_password kept", .stored(id: id(cases.count + 1), literal: [("ps_auths", "password", "  sip-rel-sp  ")]),
            ["sip_password": .s(pw("  sip-rel-sp  "))])
        // Endpoint id length.
        add("endpoint id of 32 characters", invalid("sip_domain", "at most 31"), ["sip_domain": .s("abcdefghijklmnop.test")])
        add("endpoint id of exactly 31 characters", .stored(id: "dograh_abcdefghijklmno_test_200", literal: []),
            ["sip_domain": .s("abcdefghijklmno.test")])
        // Id collisions across organizations, duplicate names.
        add("id collision: control A's domain and extension in organization 2", invalid("sip_domain", "already provisioned by configuration"),
            organization: 2, ["sip_domain": .s("control-a.3cx.cloud"), "extension": .s("100")])
        add("id collision through slug normalisation (control.a vs control-a)", invalid("sip_domain", "already provisioned by configuration"),
            organization: 3, ["sip_domain": .s("CONTROL.A.3cx.cloud"), "extension": .s("100")])
        add("id collision through extension punctuation (+100 vs 100)", invalid("sip_domain", "already provisioned by configuration"),
            organization: 4, ["sip_domain": .s("control-a.3cx.cloud"), "extension": .s("+100")])
        add("duplicate name in another organization", .stored(id: id(cases.count + 1), literal: []), organization: 2, name: "Control A")
        // Invalid strip_prefix regexes.
        add("strip_prefix: unbalanced parenthesis", invalid("strip_prefix", "cannot be turned into a dialplan pattern"), ["strip_prefix": .s("^(\\+39")])
        add("strip_prefix: lone bracket", invalid("strip_prefix", "cannot be turned into a dialplan pattern"), ["strip_prefix": .s("[")])
        add("strip_prefix: lookahead", invalid("strip_prefix", "cannot be turned into a dialplan pattern"), ["strip_prefix": .s("^\\+39(?=1)")])
        add("strip_prefix: dangling quantifier", invalid("strip_prefix", "cannot be turned into a dialplan pattern"), ["strip_prefix": .s("*39")])
        // Transport names.
        add("unknown transport name (stored literally)", .stored(id: id(cases.count + 1), literal: [("ps_endpoints", "transport", "transport-does-not-exist"),
                                                                                                   ("ps_registrations", "transport", "transport-does-not-exist")]),
            ["transport_name": .s("transport-does-not-exist")])
        add("transport name with a space", invalid("transport_name", "U+20"), ["transport_name": .s("transport udp")])
        // Extra keys.
        add("credentials with extra keys of every JSON type", .stored(id: id(cases.count + 1), literal: []),
            ["zz_nested": .raw(#"{"a": [1, 2, {"b": null}], "c": true}"#), "zz_number": .raw("1e308"), "zz_list": .raw("[]"), "zz_text": .s("'; DROP TABLE x;--")])
        let extraSecret = Secrets.sip("extra-key")
        add("credentials with an extra secret-looking key", .stored(id: id(cases.count + 1), literal: []), ["sip_password_old": .s(extraSecret)])
        // Not three_cx: never read.
        add("another provider with garbage credentials", .ignored, provider: "ari", credentials: { _ in #"{"sip_domain": 1}"# })
        return cases
    }
}

@Suite("Reliability: bad input corpus")
struct BadInputCorpusTests {
    static let controls = [("Control A", "control-a.3cx.cloud", "100"), ("Control B", "control-b.3cx.cloud", "101")]

    @Test("every bad configuration gets a clear per-configuration error or is stored literally and safely; the others are untouched")
    func corpus() async throws {
        let transcript = Transcript("bad_input_corpus")
        let cases = Corpus.cases()
        #expect(cases.count >= 30)
        try await TestDatabases.with { databases in
            let migrate = try await ReconcilerdProcess.run(["migrate", "--ara-dsn", databases.adminARAURL])
            transcript.add(migrate)
            #expect(migrate.status == 0, "\(migrate.all)")
            let dograh = try await databases.adminDograh()
            var controlIDs: [Int] = []
            for (name, domain, ext) in Self.controls {
                let password = Secrets.sip(name.replacingOccurrences(of: " ", with: ""))
                controlIDs.append(try await DograhFixtures.insert(dograh, name: name, credentials: DograhFixtures.credentials(
                    domain: domain, extension: ext, password: password)))
            }
            var configurationIDs: [Int] = []
            for (index, item) in cases.enumerated() {
                configurationIDs.append(try await DograhFixtures.insert(dograh, organization: item.organization, name: item.name ?? "case \(index + 1)",
                                                                        credentials: item.credentials, provider: item.provider))
            }
            #expect(!configurationIDs.contains(-1))

            let env = Rel.environment(databases)
            let applied = try await ReconcilerdProcess.run(["--once", "--apply", "--output", "json"], environment: env)
            transcript.add(applied)
            #expect(applied.status == 0, "\(applied.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as? [String: Any])
            let outcomes = (document["configurations"] as? [[String: Any]] ?? []).reduce(into: [Int: [String: Any]]()) {
                if let id = $1["configuration_id"] as? Int { $0[id] = $1 }
            }
            let text = try await ReconcilerdProcess.run(["--once"], environment: env)
            transcript.add(text)
            #expect(text.status == 0, "invalid configurations leave nothing pending: \(text.stdout.suffix(2000))")

            let ara = try await databases.adminARA()
            func value(_ table: String, _ column: String, _ id: String) async throws -> [String?] {
                try await ara.query(SQLQuery(unsafeSQL: "SELECT \(column)::text FROM \(table) WHERE id = $1", binds: [id])).rows.map { $0[0] }
            }
            func rowCount(_ id: String) async throws -> Int {
                Int(try await ara.query(SQLQuery(unsafeSQL: """
                    SELECT ((SELECT count(*) FROM ps_auths WHERE id = $1) + (SELECT count(*) FROM ps_aors WHERE id = $1)
                        + (SELECT count(*) FROM ps_endpoints WHERE id = $1) + (SELECT count(*) FROM ps_registrations WHERE id = $1)
                        + (SELECT count(*) FROM extensions WHERE context IN ($1 || '-inbound', $1 || '-outbound'))
                        + (SELECT count(*) FROM ast_config WHERE category IN ($1 || '-inbound', $1 || '-outbound')))::text
                    """, binds: [id])).scalar() ?? "") ?? -1
            }

            var invalid = 0, stored = 0, ignored = 0, longest = 0
            var lines: [String] = []
            for (index, item) in cases.enumerated() {
                let configurationID = configurationIDs[index]
                let outcome = outcomes[configurationID]
                let state = outcome?["state"] as? String
                let error = outcome?["error"] as? [String: Any]
                switch item.expect {
                case .invalid(let fields, let reason):
                    invalid += 1
                    let field = error?["field"] as? String, text = error?["reason"] as? String ?? ""
                    longest = max(longest, text.count)
                    #expect(state == "invalid", "\(item): state \(state ?? "none")")
                    #expect(field.map(fields.contains) == true, "\(item): field \(field ?? "none"), expected one of \(fields)")
                    #expect(text.contains(reason), "\(item): reason '\(text.prefix(300))' lacks '\(reason)'")
                    #expect(text.count <= 300, "\(item): an error must stay readable, got \(text.count) characters: \(text.prefix(120))…")
                    lines.append("| \(index + 1) | \(item.label) | invalid: `\(field ?? "-")`: \(text.prefix(110).replacingOccurrences(of: "|", with: "\\|"))\(text.count > 110 ? "… (\(text.count) chars)" : "") |")
                case .stored(let id, let literal):
                    stored += 1
                    #expect(state == "desired", "\(item): state \(state ?? "none") \(error ?? [:])")
                    #expect(outcome?["endpoint_id"] as? String == id, "\(item): endpoint \(outcome?["endpoint_id"] ?? "none")")
                    #expect(try await rowCount(id) == 9, "\(item): \(id) must have its 9 rows")
                    for check in literal {
                        #expect(try await value(check.table, check.column, id) == [check.value], "\(item): \(check.table).\(check.column)")
                    }
                    lines.append("| \(index + 1) | \(item.label) | stored as `\(id)` (9 rows)\(literal.isEmpty ? "" : ", " + literal.map { "\($0.table).\($0.column) literal" }.joined(separator: ", ")) |")
                case .ignored:
                    ignored += 1
                    #expect(outcome == nil, "\(item): a non-three_cx configuration must not be read")
                    lines.append("| \(index + 1) | \(item.label) | not read (provider is not three_cx) |")
                }
            }

            // The controls have exactly the rows they would have alone; nothing else is owned
            // but the rows of the configurations that are valid.
            let records = try await DograhReader(connection: try await databases.dograh()).records()
            let controlRows = Set(try records.filter { controlIDs.contains($0.id) }.flatMap { TrunkRows.rows(for: try ConfigurationValidator.validate($0).get()) })
            let expected = Set(ConfigurationValidator.snapshot(records).trunks.flatMap { TrunkRows.rows(for: $0) })
            let owned = Set(try await ARAStore(connection: try await databases.ara()).readOwned())
            #expect(controlRows.count == 18 && controlRows.isSubset(of: owned), "the control trunks must be intact")
            #expect(owned == expected, "owned rows differ: \(owned.symmetricDifference(expected).prefix(5))")
            #expect(try await ARAFaults.trunkCounts(databases).half == 0)
            let tables = try await ara.query("""
                SELECT count(*)::text FROM information_schema.tables WHERE table_schema = 'public'
                AND table_name IN ('ps_auths', 'ps_aors', 'ps_endpoints', 'ps_registrations', 'extensions', 'ast_config')
                """).scalar()
            #expect(tables == "6", "SQL in the input must never run")
            // A name cannot forge a line of the plan.
            #expect(!text.stdout.split(separator: "\n").contains { $0.hasPrefix("FORGED") }, "a configuration name must not start a plan line of its own")
            #expect(!text.stdout.contains("\u{1B}["), "terminal escapes from a name must not reach the plan")

            // The daemon: one config.invalid alert per invalid configuration and one status row each.
            let daemon = try RunningReconcilerd([], environment: env)
            let threeCX = cases.filter { if case .ignored = $0.expect { false } else { true } }.count + Self.controls.count
            #expect(await Rel.waitUntil(timeout: .seconds(15)) {
                (try? await ara.query("SELECT count(*)::text FROM reconcilerd_status").scalar()) == "\(threeCX)"
            }, "\(daemon.output.suffix(2000))")
            try await Task.sleep(for: .milliseconds(500))
            #expect(await daemon.stop() == 0)
            transcript.add(daemon)
            let statusRows = try await ARAFaults.statusRows(databases)
            statusRows.forEach(transcript.add)
            let statusErrors = try await ara.query("SELECT count(*)::text FROM reconcilerd_status WHERE last_error IS NOT NULL").scalar()
            #expect(statusErrors == "\(invalid)")
            #expect(daemon.count("event=config.invalid") == invalid, "one alert per invalid configuration")
            let status = try await ReconcilerdProcess.run(["status", "--output", "json"], environment: env)
            transcript.add(status)
            #expect(status.status == 0)

            Figures.print("bad_input_corpus", [
                "cases": "\(cases.count)", "invalid_with_clear_error": "\(invalid)", "stored_literally": "\(stored)", "ignored": "\(ignored)",
                "controls_intact": "\(controlRows.isSubset(of: owned) ? 2 : 0)/2", "foreign_rows": "\(owned.subtracting(expected).count)",
                "longest_error_chars": "\(longest)",
            ])
            Swift.print("RELIABILITY corpus table:\n" + lines.joined(separator: "\n"))
        }
        transcript.finish()
    }
}
