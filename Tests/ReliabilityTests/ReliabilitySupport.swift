import Foundation
import PGClient
import Testing
import TestSupport

/// Shared pieces of the reliability suite: environments, secrets and the output ledger,
/// figures, ARA row accounting, triggers and small HTTP/process helpers.
enum Rel {
    static let ariPassword = "ari-rel-pw-Vb73kQ"
    static let amiSecret = "ami-rel-secret-Pz48wL"
    /// DograhFixtures puts this app_password into every credentials object it builds.
    static let fixtureAppPassword = "ari-secret-xyz"

    /// Daemon / --once environment: the role URLs (or proxied ones), a fast interval, debug logs.
    static func environment(_ databases: TestDatabases, dograhURL: String? = nil, araURL: String? = nil,
                            _ extra: [String: String] = [:]) -> [String: String] {
        ["DATABASE_URL": dograhURL ?? databases.dograhURL, "ASTERISK_ARA_DSN": araURL ?? databases.araURL,
         "RECONCILERD_INTERVAL": "200ms", "RECONCILERD_LISTEN": "", "RECONCILERD_LOG_LEVEL": "debug"].merging(extra) { $1 }
    }

    /// Trunk `index` of a scenario: a plain three_cx trunk with a `^\+39` single-route prefix
    /// (9 ARA rows). Its SIP password is registered as a secret.
    static func trunkCredentials(_ tag: String, _ index: Int, password: String? = nil) -> (id: String, json: String) {
        let secret = password ?? Secrets.sip("\(tag)\(index)")
        let domain = "\(tag)\(index).3cx.cloud"
        return ("dograh_\(tag)\(index)_3cx_cloud_10\(index)",
                DograhFixtures.credentials(domain: domain, extension: "10\(index)", password: secret, stripPrefix: "^\\+39"))
    }

    @discardableResult
    static func insertTrunks(_ databases: TestDatabases, tag: String, count: Int, from start: Int = 0) async throws -> [String] {
        let admin = try await databases.adminDograh()
        var ids: [String] = []
        for index in start..<(start + count) {
            let trunk = trunkCredentials(tag, index)
            try await DograhFixtures.insert(admin, name: "\(tag) trunk \(index)", credentials: trunk.json)
            ids.append(trunk.id)
        }
        return ids
    }

    /// Polls until `condition` holds or `timeout` passes; returns whether it held.
    static func waitUntil(timeout: Duration, every interval: Duration = .milliseconds(50),
                          _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: interval)
        }
        return try await condition()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func format(_ duration: Duration) -> String { String(format: "%.2f", seconds(duration)) }
}

// MARK: - Secrets and the output ledger

/// Every secret value the suite uses, and every output it saw. Each test scans its own
/// outputs (the count must be 0) and adds them to the ledger; the secrets test scans the
/// whole ledger again.
enum Secrets {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var extra: Set<String> = []
    nonisolated(unsafe) private static var ledgerLines = 0
    nonisolated(unsafe) private static var ledger: [String] = []

    /// A fresh, recognisable SIP password, registered as a secret.
    static func sip(_ tag: String) -> String {
        let value = "sip-rel-\(tag)-" + UUID().uuidString.prefix(8).lowercased()
        register(value)
        return value
    }

    static func register(_ value: String) {
        lock.withLock { _ = extra.insert(value) }
    }

    /// Passwords of the test Postgres: the runtime role's (in every DSN reconcilerd gets)
    /// and the superuser's (used for `migrate`).
    static var dsnPasswords: [String] {
        var values: [String] = []
        if let role = ProcessInfo.processInfo.environment["RECONCILERD_ROLE_PASSWORD"], !role.isEmpty { values.append(role) }
        if let admin = try? TestDatabases.adminURL,
           let match = admin.firstMatch(of: #/postgres(?:ql)?://[^:]+:([^@]+)@/#) {
            values.append(String(match.1))
        }
        return values
    }

    static var all: [String] {
        let registered = lock.withLock { Array(extra) }
        return Array(Set(registered + dsnPasswords + [Rel.ariPassword, Rel.amiSecret, Rel.fixtureAppPassword]))
            .filter { $0.count >= 6 }.sorted()
    }

    /// Occurrences of every secret in `texts`, also in the `;`/`^` escaped form the ARA holds.
    static func leaks(in texts: [String]) -> [String: Int] {
        var found: [String: Int] = [:]
        for secret in all {
            let forms = Set([secret, secret.replacingOccurrences(of: "^", with: "^5E").replacingOccurrences(of: ";", with: "^3B")])
            var count = 0
            for text in texts {
                for form in forms { count += text.components(separatedBy: form).count - 1 }
            }
            if count > 0 { found[secret] = count }
        }
        return found
    }

    static func addToLedger(_ texts: [String]) -> (lines: Int, total: Int) {
        let lines = texts.reduce(0) { $0 + $1.split(separator: "\n", omittingEmptySubsequences: false).count }
        return lock.withLock {
            ledger += texts
            ledgerLines += lines
            return (lines, ledgerLines)
        }
    }

    static var ledgerSnapshot: [String] { lock.withLock { ledger } }
}

/// The outputs of one test: every stdout/stderr, status row, /metrics body and error text.
/// `finish` asserts that none holds a secret and adds them to the ledger.
final class Transcript: @unchecked Sendable {
    let name: String
    private let lock = NSLock()
    private var texts: [String] = []

    init(_ name: String) { self.name = name }

    func add(_ text: String) { lock.withLock { texts.append(text) } }
    func add(_ output: ReconcilerdProcess.Output) { add(output.stdout); add(output.stderr) }
    func add(_ daemon: RunningReconcilerd) { add(daemon.output) }

    var all: [String] { lock.withLock { texts } }

    func finish(sourceLocation: SourceLocation = #_sourceLocation) {
        let texts = all
        let leaks = Secrets.leaks(in: texts)
        let (lines, total) = Secrets.addToLedger(texts)
        #expect(leaks.isEmpty, "secrets leaked in \(name): \(leaks.keys.sorted().map { String($0.prefix(4)) + "…" })", sourceLocation: sourceLocation)
        Figures.print(name, ["secret_lines_scanned": "\(lines)", "leaked_secrets": "\(leaks.values.reduce(0, +))",
                             "suite_lines_scanned_so_far": "\(total)"])
    }
}

/// `RELIABILITY scenario=… key=value …` lines, the figures of docs/RELIABILITY.md.
enum Figures {
    static func print(_ scenario: String, _ values: KeyValuePairs<String, String>) {
        Swift.print("RELIABILITY scenario=\(scenario) " + values.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}

// MARK: - ARA accounting and fault triggers

enum ARAFaults {
    /// Rows per endpoint id across the six ARA tables: complete trunks have all 9, a
    /// half-applied trunk has some but not all (valid while nothing is being deprovisioned).
    static func trunkCounts(_ databases: TestDatabases, rowsPerTrunk: Int = 9) async throws -> (complete: Int, half: Int) {
        let admin = try await databases.adminARA()
        let row = try await admin.query(SQLQuery(unsafeSQL: """
            WITH r AS (
                SELECT id AS eid FROM ps_auths WHERE id LIKE 'dograh\\_%'
                UNION ALL SELECT id FROM ps_aors WHERE id LIKE 'dograh\\_%'
                UNION ALL SELECT id FROM ps_endpoints WHERE id LIKE 'dograh\\_%'
                UNION ALL SELECT id FROM ps_registrations WHERE id LIKE 'dograh\\_%'
                UNION ALL SELECT regexp_replace(context, '-(inbound|outbound)$', '') FROM extensions WHERE context LIKE 'dograh\\_%'
                UNION ALL SELECT regexp_replace(category, '-(inbound|outbound)$', '') FROM ast_config
                    WHERE filename = 'extensions_dograh.conf' AND category LIKE 'dograh\\_%')
            SELECT count(*) FILTER (WHERE n = \(rowsPerTrunk))::text, count(*) FILTER (WHERE n <> \(rowsPerTrunk))::text
            FROM (SELECT eid, count(*) AS n FROM r GROUP BY eid) AS per_trunk
            """)).rows.first
        return (Int(row?[0] ?? "") ?? -1, Int(row?[1] ?? "") ?? -1)
    }

    /// A statement trigger that sleeps `seconds` on INSERT into `table`: a window in which
    /// an apply is known to be in the middle of its transaction.
    static func installSleep(_ databases: TestDatabases, table: String = "ps_registrations", seconds: Double = 2) async throws {
        let admin = try await databases.adminARA()
        try await admin.execute("""
            CREATE OR REPLACE FUNCTION rel_sleep() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_sleep(\(seconds)); RETURN NULL; END $$;
            CREATE TRIGGER rel_sleep BEFORE INSERT ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION rel_sleep();
            """)
    }

    /// INSERT into `table` fails like a full disk (SQLSTATE 53100).
    static func installDiskFull(_ databases: TestDatabases, table: String = "extensions") async throws {
        let admin = try await databases.adminARA()
        try await admin.execute("""
            CREATE OR REPLACE FUNCTION rel_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not extend file "base/16384/24576": No space left on device' USING ERRCODE = '53100'; END $$;
            CREATE TRIGGER rel_disk_full BEFORE INSERT ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION rel_disk_full();
            """)
    }

    static func dropTrigger(_ databases: TestDatabases, _ name: String, table: String) async throws {
        let admin = try await databases.adminARA()
        try await admin.execute("DROP TRIGGER IF EXISTS \(name) ON \(table)")
    }

    /// Waits until a reconcilerd backend of the ARA database sits in the sleep trigger.
    static func waitForSleepingApply(_ databases: TestDatabases, timeout: Duration = .seconds(20)) async throws -> Bool {
        let admin = try await databases.adminARA()
        return try await Rel.waitUntil(timeout: timeout, every: .milliseconds(20)) {
            try await admin.query(SQLQuery(unsafeSQL: """
                SELECT count(*) FROM pg_stat_activity WHERE datname = '\(databases.araName)' AND usename = 'reconcilerd'
                    AND state = 'active' AND wait_event = 'PgSleep'
                """)).scalar() != "0"
        }
    }

    /// Terminates reconcilerd's active backends of the ARA database; returns how many.
    static func terminateActiveBackends(_ databases: TestDatabases) async throws -> Int {
        let admin = try await databases.adminARA()
        let rows = try await admin.query(SQLQuery(unsafeSQL: """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = '\(databases.araName)' AND usename = 'reconcilerd' AND state = 'active'
            """))
        return rows.rows.filter { $0.first == "t" }.count
    }

    /// Every reconcilerd_status row as JSON text (for the secrets scan).
    static func statusRows(_ databases: TestDatabases) async throws -> [String] {
        let admin = try await databases.adminARA()
        return try await admin.query("SELECT row_to_json(s)::text FROM reconcilerd_status AS s ORDER BY configuration_id").rows.map { $0[0] ?? "" }
    }
}

// MARK: - HTTP and helper processes

enum HTTP {
    /// The value of one Prometheus sample line (`name value` or `name{labels} value`), exactly.
    static func metric(_ exposition: String, _ series: String) -> Double? {
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == series { return Double(parts[1]) }
        }
        return nil
    }

    static func get(_ url: String, timeout: Int = 5) async throws -> (status: Int, body: String) {
        try await LoopbackTools.get(url, timeout: timeout)
    }

    static func freePort() async throws -> Int { try await LoopbackTools.freePort() }
}

/// `reconcilerd --once …` started in the background, so a test can inject a fault while
/// it runs.
final class BackgroundRun: @unchecked Sendable {
    private let task: Task<ReconcilerdProcess.Output, any Error>
    let started = ContinuousClock.now

    init(_ arguments: [String], environment: [String: String], timeout: Duration = .seconds(60)) {
        task = Task { try await ReconcilerdProcess.run(arguments, environment: environment, timeout: timeout) }
    }

    var result: ReconcilerdProcess.Output {
        get async throws { try await task.value }
    }
}

extension RunningReconcilerd {
    /// Lines holding `fragment` that start after the first `skip` lines.
    func count(_ fragment: String, after skip: Int) -> Int {
        lines.dropFirst(skip).filter { $0.contains(fragment) }.count
    }
}
