import Foundation
import Prometheus
import Reconciler
import Synchronization

/// The daemon's Prometheus series, recorded through typed methods into a registry this
/// instance owns. It never touches `MetricsSystem.bootstrap` (global, once per process), so
/// tests can make as many instances as they like.
///
/// Every label takes its values from a fixed list below, and every series of that list is
/// created at 0 up front, so dashboards show 0 instead of "no data" and cardinality stays
/// bounded whatever the callers pass. The `set…(_ counts:)` methods replace the whole family:
/// a label value missing from `counts` goes back to 0. Unknown keys are ignored (trunk
/// states other than the known ones count as `unknown`).
final class ReconcilerMetrics: Sendable {
    enum CycleResult: String, Sendable, CaseIterable {
        case success
        case error
        case skipped
    }

    static let cycleResults = CycleResult.allCases.map(\.rawValue)
    static let driftKinds = ["row", "unexpected", "missing", "asterisk_stale", "invalid_config"]
    static let registrationStates = ["Registered", "Unregistered", "Rejected", "no state", "unknown"]
    static let applyTables = ["ps_auths", "ps_aors", "ps_endpoints", "ps_registrations", "extensions", "config"]
    static let applyVerbs = ["create", "update", "delete"]
    static let configurationStates = StatusBoard.State.allCases.map(\.rawValue)
    static let deferredReasons = ["awaiting_unregistration", "active_calls", "prune_budget"]
    /// Upper bounds, in seconds, of `reconcilerd_cycle_duration_seconds`.
    static let cycleDurationBuckets: [Double] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    let registry: PrometheusCollectorRegistry

    private let cycles: [CycleResult: Counter]
    private let cycleDuration: ValueHistogram
    private let drift: [String: Gauge]
    private let trunks: [String: Gauge]
    private let applyActions: [ApplyKey: Counter]
    private let pendingActuations: Gauge
    private let leader: Gauge
    private let reRegistering: Gauge
    private let lastSuccessTimestamp: Gauge
    private let deferred: [String: Gauge]
    private let configurations: [String: Gauge]
    private let ready: Gauge
    private let lastSuccessDate = Mutex<Date?>(nil)

    private struct ApplyKey: Hashable, Sendable {
        let table: String
        let verb: String
    }

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry

        let cyclesName = Self.descriptor(
            "cycles",
            unit: "total",
            help: "Reconcile cycles by result."
        )
        var cycles: [CycleResult: Counter] = [:]
        for result in CycleResult.allCases {
            cycles[result] = registry.makeCounter(descriptor: cyclesName, labels: [("result", result.rawValue)])
        }
        self.cycles = cycles

        self.cycleDuration = registry.makeValueHistogram(
            descriptor: Self.descriptor(
                "cycle_duration",
                unit: "seconds",
                help: "Wall-clock duration of one reconcile cycle."
            ),
            buckets: Self.cycleDurationBuckets
        )

        self.drift = Self.gauges(
            registry,
            Self.descriptor("drift_objects", unit: "", help: "Objects out of line with the desired state, by kind, as of the last cycle."),
            label: "kind",
            values: Self.driftKinds
        )
        self.trunks = Self.gauges(
            registry,
            Self.descriptor("trunks", unit: "", help: "Trunks by outbound registration state, as of the last cycle."),
            label: "registration",
            values: Self.registrationStates
        )

        let applyName = Self.descriptor(
            "apply_actions",
            unit: "total",
            help: "Rows and configuration changes applied, by table and verb."
        )
        var applyActions: [ApplyKey: Counter] = [:]
        for table in Self.applyTables {
            for verb in Self.applyVerbs {
                applyActions[ApplyKey(table: table, verb: verb)] = registry.makeCounter(
                    descriptor: applyName,
                    labels: [("table", table), ("verb", verb)]
                )
            }
        }
        self.applyActions = applyActions

        self.pendingActuations = registry.makeGauge(
            descriptor: Self.descriptor(
                "pending_actuations",
                unit: "",
                help: "Asterisk actuations committed but not yet confirmed."
            )
        )
        self.leader = registry.makeGauge(
            descriptor: Self.descriptor("leader", unit: "", help: "1 while this instance holds the leader lock, else 0.")
        )
        self.reRegistering = registry.makeGauge(
            descriptor: Self.descriptor("reregister_backoff_trunks", unit: "",
                                        help: "Trunks that stay Rejected or Unregistered and that the daemon re-registers with backoff.")
        )
        self.lastSuccessTimestamp = registry.makeGauge(
            descriptor: Self.descriptor(
                "last_success_timestamp",
                unit: "seconds",
                help: "Unix time at which the last successful cycle finished."
            )
        )
        self.deferred = Self.gauges(
            registry,
            Self.descriptor("deferred_changes", unit: "", help: "Planned changes held back, by reason, as of the last cycle."),
            label: "reason",
            values: Self.deferredReasons
        )

        self.configurations = Self.gauges(
            registry,
            Self.descriptor("configurations", unit: "", help: "Dograh configurations by state on the status page (provisioned, held, skipped, ...), as of the last full pass."),
            label: "state",
            values: Self.configurationStates
        )
        self.ready = registry.makeGauge(
            descriptor: Self.descriptor("ready", unit: "", help: "1 while /readyz answers 200 (a successful pass within 3 intervals), else 0; set at each scrape.")
        )

        // Counters start at 0 by construction; set the gauges explicitly so every series is emitted.
        for gauge in [pendingActuations, leader, reRegistering, lastSuccessTimestamp, ready] {
            gauge.set(0.0)
        }
    }

    // MARK: Recording

    /// One cycle finished with `result` after `duration`.
    func cycleFinished(result: CycleResult, duration: Duration) {
        cycles[result]?.increment()
        cycleDuration.record(max(0, Self.seconds(duration)))
    }

    /// Drift per kind found by the last cycle; kinds not in `counts` are set to 0.
    func setDrift(_ counts: [String: Int]) {
        Self.replace(drift, with: counts)
    }

    /// Trunks per registration state seen by the last cycle; states not in `counts` go to 0 and
    /// states outside ``registrationStates`` are added to `unknown`.
    func setTrunks(_ counts: [String: Int]) {
        var folded: [String: Int] = [:]
        for (state, count) in counts {
            let key = trunks[state] == nil ? "unknown" : state
            folded[key, default: 0] += count
        }
        Self.replace(trunks, with: folded)
    }

    /// `count` actions of `verb` were applied to `table`. Unknown tables or verbs, and counts
    /// below 1, are ignored.
    func recordApply(table: String, verb: String, count: Int = 1) {
        guard count > 0, let counter = applyActions[ApplyKey(table: table, verb: verb)] else { return }
        counter.increment(by: Int64(count))
    }

    func setPendingActuations(_ count: Int) {
        pendingActuations.set(Double(max(0, count)))
    }

    func setReRegistering(_ count: Int) {
        reRegistering.set(Double(max(0, count)))
    }

    func setLeader(_ isLeader: Bool) {
        leader.set(isLeader ? 1.0 : 0.0)
    }

    /// A cycle finished successfully at `date`; also what `/readyz` reads through ``lastSuccess``.
    func setLastSuccess(_ date: Date) {
        lastSuccessDate.withLock { $0 = date }
        lastSuccessTimestamp.set(date.timeIntervalSince1970)
    }

    /// Changes held back per reason by the last cycle; reasons not in `counts` are set to 0.
    func setDeferred(_ counts: [String: Int]) {
        Self.replace(deferred, with: counts)
    }

    /// Configurations per status-page state; states not in `counts` are set to 0.
    func setConfigurations(_ counts: [String: Int]) {
        Self.replace(configurations, with: counts)
    }

    func setReady(_ isReady: Bool) {
        ready.set(isReady ? 1.0 : 0.0)
    }

    /// The date last passed to ``setLastSuccess(_:)``, nil before the first success.
    var lastSuccess: Date? {
        lastSuccessDate.withLock { $0 }
    }

    // MARK: Exposition

    /// All series in the Prometheus text format (version 0.0.4).
    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    // MARK: Helpers

    private static func descriptor(_ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "reconcilerd", metricName: name, unitName: unit, helpText: help)
    }

    private static func gauges(
        _ registry: PrometheusCollectorRegistry,
        _ descriptor: MetricNameDescriptor,
        label: String,
        values: [String]
    ) -> [String: Gauge] {
        var gauges: [String: Gauge] = [:]
        for value in values {
            let gauge = registry.makeGauge(descriptor: descriptor, labels: [(label, value)])
            gauge.set(0.0)
            gauges[value] = gauge
        }
        return gauges
    }

    private static func replace(_ gauges: [String: Gauge], with counts: [String: Int]) {
        for (value, gauge) in gauges {
            gauge.set(Double(max(0, counts[value] ?? 0)))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
