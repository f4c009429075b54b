import Foundation
import Testing

@testable import reconcilerd

@Suite("ReconcilerMetrics")
struct ReconcilerMetricsTests {
    /// The exposition's sample lines (no comments, no blanks).
    private func samples(_ metrics: ReconcilerMetrics) -> [String] {
        metrics.exposition().split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    private func lines(_ metrics: ReconcilerMetrics) -> Set<String> {
        Set(metrics.exposition().split(separator: "\n").map(String.init))
    }

    @Test func everyResultStartsAtZero() {
        let lines = lines(ReconcilerMetrics())
        for result in ["success", "error", "skipped"] {
            #expect(lines.contains("reconcilerd_cycles_total{result=\"\(result)\"} 0"))
        }
        #expect(lines.contains("reconcilerd_cycle_duration_seconds_count 0"))
        #expect(lines.contains("reconcilerd_pending_actuations 0.0"))
        #expect(lines.contains("reconcilerd_leader 0.0"))
        #expect(lines.contains("reconcilerd_last_success_timestamp_seconds 0.0"))
    }

    @Test func everyBoundedSeriesExistsUpFront() {
        let lines = lines(ReconcilerMetrics())
        for kind in ["row", "unexpected", "missing", "asterisk_stale", "invalid_config"] {
            #expect(lines.contains("reconcilerd_drift_objects{kind=\"\(kind)\"} 0.0"))
        }
        for state in ["Registered", "Unregistered", "Rejected", "no state", "unknown"] {
            #expect(lines.contains("reconcilerd_trunks{registration=\"\(state)\"} 0.0"))
        }
        for reason in ["awaiting_unregistration", "active_calls", "prune_budget"] {
            #expect(lines.contains("reconcilerd_deferred_changes{reason=\"\(reason)\"} 0.0"))
        }
        for table in ["ps_auths", "ps_aors", "ps_endpoints", "ps_registrations", "extensions", "config"] {
            for verb in ["create", "update", "delete"] {
                #expect(lines.contains("reconcilerd_apply_actions_total{table=\"\(table)\",verb=\"\(verb)\"} 0"))
            }
        }
        for state in ["provisioned", "held", "skipped", "inactive", "deprovisioning", "orphaned"] {
            #expect(lines.contains("reconcilerd_configurations{state=\"\(state)\"} 0.0"))
        }
        #expect(lines.contains("reconcilerd_ready 0.0"))
        // 3 results + 5 kinds + 5 states + 18 apply + 3 reasons + 6 configuration states + 5 plain gauges, + histogram lines.
        let nonHistogram = samples(ReconcilerMetrics()).filter { !$0.hasPrefix("reconcilerd_cycle_duration_seconds") }
        #expect(nonHistogram.count == 3 + 5 + 5 + 18 + 3 + 6 + 5)
    }

    @Test func cyclesCountAndDurationsLandInBuckets() {
        let metrics = ReconcilerMetrics()
        metrics.cycleFinished(result: .success, duration: .milliseconds(200))
        metrics.cycleFinished(result: .success, duration: .seconds(2))
        metrics.cycleFinished(result: .error, duration: .seconds(90))
        let lines = lines(metrics)
        #expect(lines.contains("reconcilerd_cycles_total{result=\"success\"} 2"))
        #expect(lines.contains("reconcilerd_cycles_total{result=\"error\"} 1"))
        #expect(lines.contains("reconcilerd_cycles_total{result=\"skipped\"} 0"))
        #expect(lines.contains("reconcilerd_cycle_duration_seconds_bucket{le=\"0.1\"} 0"))
        #expect(lines.contains("reconcilerd_cycle_duration_seconds_bucket{le=\"0.25\"} 1"))
        #expect(lines.contains("reconcilerd_cycle_duration_seconds_bucket{le=\"2.5\"} 2"))
        #expect(lines.contains("reconcilerd_cycle_duration_seconds_bucket{le=\"60.0\"} 2"))
        #expect(lines.contains("reconcilerd_cycle_duration_seconds_bucket{le=\"+Inf\"} 3"))
        #expect(lines.contains("reconcilerd_cycle_duration_seconds_count 3"))
        #expect(lines.contains("reconcilerd_cycle_duration_seconds_sum 92.2"))
    }

    @Test func driftGaugesAreReplacedNotAccumulated() {
        let metrics = ReconcilerMetrics()
        metrics.setDrift(["row": 3, "missing": 2])
        metrics.setDrift(["row": 1, "unexpected": 4, "bogus": 9])
        let lines = lines(metrics)
        #expect(lines.contains("reconcilerd_drift_objects{kind=\"row\"} 1.0"))
        #expect(lines.contains("reconcilerd_drift_objects{kind=\"unexpected\"} 4.0"))
        #expect(lines.contains("reconcilerd_drift_objects{kind=\"missing\"} 0.0"))
        #expect(!metrics.exposition().contains("bogus"))
    }

    @Test func trunkStatesVanishToZeroAndUnknownStatesFold() {
        let metrics = ReconcilerMetrics()
        metrics.setTrunks(["Registered": 5, "Rejected": 1])
        metrics.setTrunks(["Registered": 4, "no state": 2, "Stopped": 1, "Weird": 2, "unknown": 1])
        let lines = lines(metrics)
        #expect(lines.contains("reconcilerd_trunks{registration=\"Registered\"} 4.0"))
        #expect(lines.contains("reconcilerd_trunks{registration=\"Rejected\"} 0.0"))
        #expect(lines.contains("reconcilerd_trunks{registration=\"Unregistered\"} 0.0"))
        #expect(lines.contains("reconcilerd_trunks{registration=\"no state\"} 2.0"))
        #expect(lines.contains("reconcilerd_trunks{registration=\"unknown\"} 4.0"))
        #expect(!metrics.exposition().contains("Stopped"))
    }

    @Test func applyCountersAccumulateAndIgnoreUnknownLabels() {
        let metrics = ReconcilerMetrics()
        metrics.recordApply(table: "ps_endpoints", verb: "create", count: 2)
        metrics.recordApply(table: "ps_endpoints", verb: "create", count: 3)
        metrics.recordApply(table: "config", verb: "update")
        metrics.recordApply(table: "ps_aors", verb: "delete", count: 0)
        metrics.recordApply(table: "users", verb: "create", count: 7)
        metrics.recordApply(table: "ps_aors", verb: "truncate", count: 7)
        let lines = lines(metrics)
        #expect(lines.contains("reconcilerd_apply_actions_total{table=\"ps_endpoints\",verb=\"create\"} 5"))
        #expect(lines.contains("reconcilerd_apply_actions_total{table=\"config\",verb=\"update\"} 1"))
        #expect(lines.contains("reconcilerd_apply_actions_total{table=\"ps_aors\",verb=\"delete\"} 0"))
        #expect(!metrics.exposition().contains("users"))
        #expect(!metrics.exposition().contains("truncate"))
    }

    @Test func plainGaugesAreSetNotAdded() {
        let metrics = ReconcilerMetrics()
        metrics.setPendingActuations(3)
        metrics.setPendingActuations(1)
        metrics.setLeader(true)
        metrics.setDeferred(["active_calls": 2, "prune_budget": 5])
        metrics.setDeferred(["active_calls": 1])
        let date = Date(timeIntervalSince1970: 1_700_000_000.5)
        metrics.setLastSuccess(date)
        var lines = lines(metrics)
        #expect(lines.contains("reconcilerd_pending_actuations 1.0"))
        #expect(lines.contains("reconcilerd_leader 1.0"))
        #expect(lines.contains("reconcilerd_last_success_timestamp_seconds 1700000000.5"))
        #expect(lines.contains("reconcilerd_deferred_changes{reason=\"active_calls\"} 1.0"))
        #expect(lines.contains("reconcilerd_deferred_changes{reason=\"prune_budget\"} 0.0"))
        #expect(lines.contains("reconcilerd_deferred_changes{reason=\"awaiting_unregistration\"} 0.0"))
        #expect(metrics.lastSuccess == date)

        metrics.setLeader(false)
        lines = self.lines(metrics)
        #expect(lines.contains("reconcilerd_leader 0.0"))
    }

    @Test func everyNameIsPrefixedAndEveryFamilyHasHelpAndType() throws {
        let metrics = ReconcilerMetrics()
        metrics.cycleFinished(result: .skipped, duration: .seconds(1))
        let text = metrics.exposition()
        #expect(text.hasSuffix("\n"))
        var helped: Set<String> = []
        var typed: [String: String] = [:]
        for line in text.split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ", maxSplits: 3).map(String.init)
            if line.hasPrefix("# HELP ") {
                #expect(words[2].hasPrefix("reconcilerd_"), "\(line)")
                helped.insert(words[2])
            } else if line.hasPrefix("# TYPE ") {
                #expect(words[2].hasPrefix("reconcilerd_"), "\(line)")
                typed[words[2]] = words[3]
            } else {
                #expect(line.hasPrefix("reconcilerd_"), "\(line)")
            }
        }
        #expect(
            typed == [
                "reconcilerd_cycles_total": "counter",
                "reconcilerd_cycle_duration_seconds": "histogram",
                "reconcilerd_drift_objects": "gauge",
                "reconcilerd_trunks": "gauge",
                "reconcilerd_apply_actions_total": "counter",
                "reconcilerd_pending_actuations": "gauge",
                "reconcilerd_configurations": "gauge",
                "reconcilerd_ready": "gauge",
                "reconcilerd_leader": "gauge",
                "reconcilerd_reregister_backoff_trunks": "gauge",
                "reconcilerd_last_success_timestamp_seconds": "gauge",
                "reconcilerd_deferred_changes": "gauge",
            ]
        )
        #expect(helped == Set(typed.keys))
    }

    @Test func instancesAreIndependent() {
        let first = ReconcilerMetrics()
        let second = ReconcilerMetrics()
        first.cycleFinished(result: .success, duration: .seconds(1))
        #expect(lines(first).contains("reconcilerd_cycles_total{result=\"success\"} 1"))
        #expect(lines(second).contains("reconcilerd_cycles_total{result=\"success\"} 0"))
    }
}
