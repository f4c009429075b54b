import Foundation
import Testing
import TestSupport

/// Every usage error exits 64, as `--help` promises, and names where the bad value came from.
@Suite("usage errors: exit 64 naming the flag, the environment variable or the config file")
struct UsageErrorTests {
    static let databases = ["DATABASE_URL": "postgresql://u@127.0.0.1:1/dograh", "ASTERISK_ARA_DSN": "postgresql://u@127.0.0.1:1/asterisk"]

    @Test("a bad flag value is argument-parser's usage error", arguments: [
        (["--once", "--output", "yaml"], "--output"),
        (["--once", "--interval", "5x"], "--interval"),
        (["--mode", "fix"], "--mode"),
        (["--once", "--log-format", "xml"], "--log-format"),
        (["--once", "--log-level", "loud"], "--log-level"),
        (["--once", "--lock-wait", "1d"], "--lock-wait"),
    ])
    func flags(arguments: [String], flag: String) async throws {
        let result = try await ReconcilerdProcess.run(arguments, environment: Self.databases)
        #expect(result.status == 64, "\(result.all)")
        #expect(result.stderr.contains(flag), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("--help lists the accepted values of a fixed-choice option")
    func helpListsValues() async throws {
        let help = try await ReconcilerdProcess.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--output <value>"), "\(help.stdout)")
        #expect(help.stdout.contains("(values: text, json)"), "\(help.stdout)")
    }

    @Test("a bad value from the environment names the variable", arguments: [
        ("RECONCILERD_INTERVAL", "5x", "RECONCILERD_INTERVAL (environment): '5x' is not a duration (use 30, 30s, 500ms, 5m or 1h)"),
        ("RECONCILERD_MODE", "fix", "RECONCILERD_MODE (environment): 'fix' is not one of the accepted values (heal, observe)"),
        ("RECONCILERD_MAX_DELETES", "-3", "RECONCILERD_MAX_DELETES (environment): '-3' is not a whole number >= 0"),
        ("RECONCILERD_LISTEN", "nowhere", "RECONCILERD_LISTEN (environment): 'nowhere' is not host:port"),
        ("AMI_PORT", "99999", "AMI_PORT (environment): '99999' is not a TCP port"),
    ])
    func environment(name: String, value: String, message: String) async throws {
        var env = Self.databases.merging([name: value]) { $1 }
        if name == "AMI_PORT" {
            env.merge(["ARI_URL": "http://127.0.0.1:1", "ARI_USERNAME": "u", "ARI_PASSWORD": "p",
                       "AMI_HOST": "127.0.0.1", "AMI_USERNAME": "u", "AMI_SECRET": "s"]) { $1 }
        }
        let result = try await ReconcilerdProcess.run(["--once"], environment: env)
        #expect(result.status == 64, "\(result.all)")
        #expect(result.stderr.hasPrefix("reconcilerd: error: " + message), "\(result.stderr)")
    }

    @Test("a bad value from the config file names the key and the file; the flag still wins over it")
    func configFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("reconcilerd-usage-\(UUID()).conf")
        try "RECONCILERD_REALERT=soon\nRECONCILERD_OUTPUT=yaml\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let result = try await ReconcilerdProcess.run(["--once", "--config", file.path, "--output", "json"], environment: Self.databases)
        #expect(result.status == 64, "\(result.all)")
        #expect(result.stderr == "reconcilerd: error: RECONCILERD_REALERT (config file \(file.path)): 'soon' is not a duration (use 30, 30s, 500ms, 5m or 1h)\n")

        let unknownKey = FileManager.default.temporaryDirectory.appendingPathComponent("reconcilerd-usage-\(UUID()).conf")
        try "RECONCILERD_INTERVALL=5s\n".write(to: unknownKey, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: unknownKey) }
        let unknown = try await ReconcilerdProcess.run(["--once", "--config", unknownKey.path], environment: Self.databases)
        #expect(unknown.status == 64, "\(unknown.all)")
        #expect(unknown.stderr.contains("unknown setting RECONCILERD_INTERVALL"))
    }

    @Test("a missing config file and a half-configured Asterisk are usage errors too")
    func otherSettingProblems() async throws {
        let missing = try await ReconcilerdProcess.run(["--config", "/nonexistent/reconcilerd.conf"], environment: Self.databases)
        #expect(missing.status == 64, "\(missing.all)")
        #expect(missing.stderr.contains("cannot read config file /nonexistent/reconcilerd.conf: no such file"))

        let half = try await ReconcilerdProcess.run(["--once"], environment: Self.databases.merging(["ARI_URL": "http://127.0.0.1:1"]) { $1 })
        #expect(half.status == 64, "\(half.all)")
        #expect(half.stderr.contains("Asterisk is half configured"))
    }
}
