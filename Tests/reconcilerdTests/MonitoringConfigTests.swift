import Foundation
import Testing
import TestSupport

/// The Grafana dashboard and the alert rules reference only series, labels and label values
/// that a running daemon's /metrics exposes (scraped, not read from the code).
@Suite("config/grafana and config/prometheus use only what /metrics exposes")
struct MonitoringConfigTests {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Series name → label name → values, from the exposition's sample lines.
    static func exposed(_ exposition: String) -> [String: [String: Set<String>]] {
        var series: [String: [String: Set<String>]] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            var labels = series[name] ?? [:]
            if let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") {
                for pair in line[line.index(after: open)..<close].split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0]), default: []].insert(String(parts[1].dropFirst().dropLast()))
                }
            }
            series[name] = labels
        }
        return series
    }

    /// Problems with one PromQL expression against the exposed series.
    static func problems(_ expr: String, _ exposed: [String: [String: Set<String>]]) -> [String] {
        let scrapeLabels: Set<String> = ["instance", "job"]
        var problems: [String] = []
        let names = expr.matches(of: /reconcilerd_[a-z0-9_]+/).map { String($0.output) }
        guard !names.isEmpty else { return ["\(expr): references no reconcilerd series"] }
        let grouped = expr.matches(of: /by \(([a-z_, ]+)\)/).flatMap { $0.output.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        for name in names {
            guard let labels = exposed[name] else {
                problems.append("\(expr): \(name) is not exposed by /metrics")
                continue
            }
            for label in grouped where !scrapeLabels.contains(label) && label != "le" && labels[label] == nil && names.count == 1 {
                problems.append("\(expr): \(name) has no label \(label)")
            }
        }
        for matcher in expr.matches(of: /(reconcilerd_[a-z0-9_]+)\{([^}]*)\}/) {
            let name = String(matcher.output.1)
            for condition in matcher.output.2.matches(of: /([a-z_]+)(=~|!=|=)"([^"]*)"/) {
                let label = String(condition.output.1), op = String(condition.output.2), value = String(condition.output.3)
                if scrapeLabels.contains(label) { continue }
                guard let values = exposed[name]?[label] else {
                    problems.append("\(expr): \(name) has no label \(label)")
                    continue
                }
                if op != "=~" && !values.contains(value) { problems.append("\(expr): \(name){\(label)} never has the value \(value)") }
            }
        }
        return problems
    }

    static func dashboardExpressions() throws -> [String] {
        let data = try Data(contentsOf: repository.appendingPathComponent("config/grafana/reconcilerd-dashboard.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        return panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
    }

    static func alertExpressions() throws -> [String] {
        // The rules file's expr values, one-line or block (`expr: |`), without a YAML parser.
        let text = try String(contentsOf: repository.appendingPathComponent("config/prometheus/reconcilerd-alerts.yml"), encoding: .utf8)
        var expressions: [String] = [], block: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var current = block {
                if line.hasPrefix("          ") { current += " " + trimmed; block = current; continue }
                expressions.append(current)
                block = nil
            }
            if trimmed == "expr: |" { block = "" } else if trimmed.hasPrefix("expr: ") { expressions.append(String(trimmed.dropFirst(6))) }
        }
        if let block { expressions.append(block) }
        return expressions
    }

    @Test("every dashboard panel and alert rule queries exposed series, labels and label values")
    func seriesExist() async throws {
        let dashboard = try Self.dashboardExpressions()
        let alerts = try Self.alertExpressions()
        #expect(dashboard.count >= 10)
        #expect(alerts.count == 6)
        let covered = Set((dashboard + alerts).flatMap { $0.matches(of: /reconcilerd_[a-z0-9_]+/).map { String($0.output) } })
        for needed in ["reconcilerd_cycles_total", "reconcilerd_cycle_duration_seconds_bucket", "reconcilerd_configurations",
                       "reconcilerd_trunks", "reconcilerd_drift_objects", "reconcilerd_leader"] {
            #expect(covered.contains(needed), "the dashboard shows no \(needed)")
        }

        try await TestDatabases.with { databases in
            let admin = try await databases.adminDograh()
            try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
            let port = try await LoopbackTools.freePort()
            let daemon = try RunningReconcilerd([], environment: [
                "DATABASE_URL": databases.dograhURL, "ASTERISK_ARA_DSN": databases.araURL,
                "RECONCILERD_INTERVAL": "200ms", "RECONCILERD_LISTEN": "127.0.0.1:\(port)",
            ])
            defer { _ = daemon }
            var exposition = ""
            #expect(await daemon.waitFor {
                exposition = (try? await LoopbackTools.get("http://127.0.0.1:\(port)/metrics").body) ?? ""
                return exposition.contains("reconcilerd_configurations{state=\"provisioned\"} 1.0")
            }, "\(exposition)\n\(daemon.output)")
            #expect(exposition.contains("reconcilerd_ready 1.0"))
            let exposed = Self.exposed(exposition)
            for expr in dashboard + alerts {
                for problem in Self.problems(expr, exposed) { Issue.record("\(problem)") }
            }
            // The checker itself catches a series, a label and a value that do not exist.
            #expect(!Self.problems("rate(reconcilerd_cycle_total[5m])", exposed).isEmpty)
            #expect(!Self.problems("sum by (color) (reconcilerd_trunks)", exposed).isEmpty)
            #expect(!Self.problems("reconcilerd_trunks{registration=\"Lost\"}", exposed).isEmpty)
            #expect(await daemon.stop() == 0)
        }
    }
}
