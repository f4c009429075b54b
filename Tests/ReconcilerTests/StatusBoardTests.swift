import Testing
@testable import Reconciler

@Suite("Status page: the board, its HTML and JSON")
struct StatusBoardTests {
    static let milan = ConfigurationRef(id: 1, organizationID: 7, name: "Milan")
    static let evil = ConfigurationRef(id: 2, organizationID: 7, name: "<script>alert(1)</script>")
    static let broken = ConfigurationRef(id: 3, organizationID: 8, name: "Broken & co")
    static let gone = ConfigurationRef(id: 4, organizationID: 8, name: "Gone")

    func plan(milan registration: RegistrationStatus, deferGone: Bool = true) -> Plan {
        let held = ConfigurationError(configuration: Self.evil, field: "sip_domain", reason: "is empty")
        let invalid = ConfigurationError(configuration: Self.broken, field: "extension", reason: "is missing")
        return Plan(steps: [], configurations: [
            ConfigurationOutcome(configuration: Self.milan, endpointID: "dograh_milan_1", state: .desired, registration: registration),
            ConfigurationOutcome(configuration: Self.evil, endpointID: "dograh_evil_2", state: .held(held), registration: .registered),
            ConfigurationOutcome(configuration: Self.broken, endpointID: nil, state: .invalid(invalid)),
            ConfigurationOutcome(configuration: Self.gone, endpointID: "dograh_gone_4", state: .inactive),
        ], deferred: deferGone ? [Deferral(endpointID: "dograh_gone_4", reason: .awaitingUnregistration, steps: [])] : [],
           asterisk: .observed)
    }

    func summary(_ plan: Plan?, result: Controller.PassResult = .success, findings: [Finding] = [],
                 reRegistering: [String: ReRegisterTracker.Entry] = [:], endedAt: Duration = .seconds(100)) -> Controller.PassSummary {
        Controller.PassSummary(result: result, duration: .milliseconds(12), plan: plan, findings: findings, pendingActuations: 0,
                               isLeader: true, reRegistering: reRegistering, endedAt: endedAt)
    }

    @Test("one row per configuration: state with reason, registration, deprovisioning phase")
    func rows() {
        var board = StatusBoard(mode: "heal", startedAt: 1000)
        board.record(summary(plan(milan: .registered)), at: 1010)
        #expect(board.role == .leader)
        #expect(board.lastPass == StatusBoard.Pass(at: 1010, result: .success, durationSeconds: 0.012))
        let rows = board.rows
        #expect(rows.map(\.state) == [.provisioned, .held, .skipped, .deprovisioning])
        #expect(rows[0].registration == "Registered" && rows[0].registrationSince == 1010)
        #expect(rows[1].reason == "held: last valid version, sip_domain: is empty")
        #expect(rows[2].reason == "invalid: extension: is missing")
        #expect(rows[2].registration == nil)
        #expect(rows[3].reason?.hasPrefix("phase 1 of 2: registration removed") == true)

        // Nothing left of the inactive one: it is plain inactive.
        board.record(summary(plan(milan: .registered, deferGone: false)), at: 1020)
        #expect(board.rows[3].state == .inactive)
    }

    @Test("registration 'since' is when this status was first seen; it moves when the status changes")
    func since() {
        var board = StatusBoard(mode: "heal", startedAt: 1000)
        board.record(summary(plan(milan: .registered)), at: 1010)
        board.record(summary(plan(milan: .registered)), at: 1020)
        #expect(board.rows[0].registrationSince == 1010)
        board.record(summary(plan(milan: .rejected)), at: 1030)
        #expect(board.rows[0].registration == "Rejected" && board.rows[0].registrationSince == 1030)
    }

    @Test("re-register backoff shows attempts and the wall time of the next; alerts go to their row or the page")
    func backoffAndAlerts() {
        var board = StatusBoard(mode: "observe", startedAt: 1000)
        let entry = ReRegisterTracker.Entry(since: .seconds(40), attempts: 2, nextAt: .seconds(130))
        let findings = [
            Finding(event: "registration.failed", key: "r", message: "a trunk is not registered with 3CX", fields: [("endpoint", "dograh_milan_1")]),
            Finding(event: "config.invalid", key: "c", message: "configuration skipped", fields: [("configuration_id", "3")]),
            Finding(event: "prune.blocked", key: "p", message: "refused to remove this many trunks", fields: [("trunks", "12")]),
        ]
        board.record(summary(plan(milan: .rejected), findings: findings, reRegistering: ["dograh_milan_1": entry]), at: 5000)
        #expect(board.rows[0].reRegister == StatusBoard.ReRegister(attempts: 2, nextAt: 5030))
        #expect(board.rows[0].alerts.map(\.event) == ["registration.failed"])
        #expect(board.rows[2].alerts.map(\.event) == ["config.invalid"])
        #expect(board.alerts.map(\.event) == ["prune.blocked"])

        // A skipped pass updates the header only.
        board.record(summary(nil, result: .skipped), at: 5002)
        #expect(board.lastPass?.result == .skipped && board.lastFullPassAt == 5000)
        #expect(board.rows.count == 4)
        board.scheduled(in: .milliseconds(1500), at: 5002)
        #expect(board.nextPassAt == 5003.5)
    }

    @Test("HTML: everything from Dograh is escaped, the page has no script and no external asset")
    func html() {
        var board = StatusBoard(mode: "heal", startedAt: 1_796_646_000)
        board.record(summary(plan(milan: .registered)), at: 1_796_646_605)
        let page = StatusHTML.page(board, now: 1_796_646_610)
        #expect(page.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"))
        #expect(page.contains("<td>Broken &amp; co</td>"))
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.contains("src=") && !page.contains("<link"))
        #expect(page.contains("<td>dograh_milan_1</td>"))
        #expect(page.contains("<span class=\"registration registered\">Registered</span>"))
        #expect(page.contains("2026-12-07T12:30:05Z (5s ago)"))
        #expect(page.contains("<span class=\"leader\">leader</span>"))
        #expect(StatusHTML.escape("a\"b'c") == "a&quot;b&#39;c")
    }

    @Test("JSON: the same data, names as given (JSON-escaped)")
    func json() {
        var board = StatusBoard(mode: "heal", startedAt: 0)
        board.record(summary(plan(milan: .registered)), at: 1_796_646_605)
        let text = board.json(now: 1_796_646_610).serialized()
        #expect(text.hasPrefix("{\"schema_version\":1,\"generated_at\":\"2026-12-07T12:30:10Z\",\"mode\":\"heal\",\"role\":\"leader\",\"asterisk\":\"observed\""))
        #expect(text.contains("\"name\":\"<script>alert(1)</script>\""))
        #expect(text.contains("\"registration\":{\"status\":\"Registered\",\"since\":\"2026-12-07T12:30:05Z\"}"))
        #expect(text.contains("\"last_pass\":{\"at\":\"2026-12-07T12:30:05Z\",\"result\":\"success\",\"duration_ms\":12}"))
        #expect(text.contains("\"state\":\"deprovisioning\""))
    }

    @Test("UnixTime: ISO 8601 and relative ages")
    func unixTime() {
        #expect(UnixTime.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(UnixTime.iso8601(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(UnixTime.iso8601(1_796_646_605.9) == "2026-12-07T12:30:05Z")
        #expect(UnixTime.relative(100, to: 112) == "12s ago")
        #expect(UnixTime.relative(400, to: 150) == "in 4m 10s")
        #expect(UnixTime.relative(5, to: 5) == "now")
    }
}
