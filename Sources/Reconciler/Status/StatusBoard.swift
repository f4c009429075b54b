/// What the status page (`/status`, `/status.json`) shows: the daemon's last pass as one
/// value, per configuration and for the process. Built from the controller's pass summaries
/// (`record`), so every rule is tested with plain values; the executable only keeps the
/// latest board and the clock. Times are Unix seconds. Nothing secret is in a summary, so
/// nothing secret is here; names are Dograh users' input and are escaped by the renderers.
public struct StatusBoard: Sendable, Equatable {
    public enum Role: String, Sendable { case leader, standby }

    public enum State: String, Sendable, CaseIterable {
        case provisioned, held, skipped, inactive, deprovisioning, orphaned
    }

    public struct Pass: Sendable, Equatable {
        public var at: Double
        public var result: Controller.PassResult
        public var durationSeconds: Double
    }

    public struct ReRegister: Sendable, Equatable {
        /// PJSIPRegister sent so far.
        public var attempts: Int
        public var nextAt: Double
    }

    public struct Alert: Sendable, Equatable {
        public var event: String
        public var message: String
    }

    public struct Row: Sendable, Equatable {
        public var configurationID: Int?
        public var organizationID: Int?
        public var name: String?
        public var endpointID: String?
        public var state: State
        /// Why held, skipped or deprovisioning (and which phase), or what is held back.
        public var reason: String?
        public var registration: String?
        /// When this process first saw the current registration status.
        public var registrationSince: Double?
        public var reRegister: ReRegister?
        public var alerts: [Alert]
    }

    public var mode: String
    public var startedAt: Double
    public var role: Role?
    public var asterisk: Plan.AsteriskMonitoring?
    public var lastPass: Pass?
    /// The last pass that read everything (the rows are from it).
    public var lastFullPassAt: Double?
    public var nextPassAt: Double?
    public var rows: [Row] = []
    /// Findings of the last full pass that belong to no configuration (e.g. prune.blocked).
    public var alerts: [Alert] = []
    private var seen: [String: Seen] = [:]

    private struct Seen: Sendable, Equatable {
        var status: String
        var since: Double
    }

    public init(mode: String, startedAt: Double) {
        self.mode = mode
        self.startedAt = startedAt
    }

    /// A pass ended at `now`. A pass without a plan (skipped, failed) updates the header only.
    public mutating func record(_ summary: Controller.PassSummary, at now: Double) {
        lastPass = Pass(at: now, result: summary.result, durationSeconds: Self.seconds(summary.duration))
        role = summary.isLeader ? .leader : .standby
        guard let plan = summary.plan else { return }
        lastFullPassAt = now
        asterisk = plan.asterisk
        let due = summary.reRegisterDue
        let steps = Set(plan.steps.map(\.key.endpointID))
        let deferred = Dictionary(grouping: plan.deferred, by: \.endpointID)
        var claimed = Set<Int>()
        var seenNow: [String: Seen] = [:]
        rows = plan.configurations.map { outcome in
            var row = Self.row(outcome, steps: steps, deferred: deferred[outcome.endpointID ?? ""] ?? [])
            if let id = outcome.endpointID {
                if let status = PlanText.registrationStatus(outcome, asterisk: plan.asterisk) {
                    let since = seen[id].flatMap { $0.status == status ? $0.since : nil } ?? now
                    seenNow[id] = Seen(status: status, since: since)
                    row.registration = status
                    row.registrationSince = since
                }
                if let entry = due[id] {
                    row.reRegister = ReRegister(attempts: entry.attempts, nextAt: now + Self.seconds(entry.nextIn))
                }
            }
            for (index, finding) in summary.findings.enumerated() where Self.belongs(finding, to: outcome) {
                row.alerts.append(Alert(event: finding.event, message: finding.message))
                claimed.insert(index)
            }
            return row
        }
        seen = seenNow
        alerts = summary.findings.enumerated().filter { !claimed.contains($0.offset) }.map { Alert(event: $0.element.event, message: $0.element.message) }
    }

    /// The controller's next wake-up, `delay` from `now`.
    public mutating func scheduled(in delay: Duration, at now: Double) {
        nextPassAt = now + Self.seconds(delay)
    }

    static func row(_ outcome: ConfigurationOutcome, steps: Set<String>, deferred: [Deferral]) -> Row {
        let (state, reason): (State, String?) = switch outcome.state {
        case .desired: (.provisioned, deferred.first.map { "changes held back: \($0.reason.rawValue)" })
        case .held(let error): (.held, PlanText.heldReason(error))
        case .invalid(let error): (.skipped, "invalid: " + (error.field.map { "\($0): " } ?? "") + error.reason)
        case .notForThisBridge: (.skipped, "not for this bridge")
        case .inactive, .orphaned:
            if let phase = deprovisioningPhase(outcome, steps: steps, deferred: deferred) {
                (.deprovisioning, phase)
            } else {
                (outcome.state == .inactive ? .inactive : .orphaned, outcome.state == .inactive ? "inactive in Dograh: not provisioned" : "rows of no configuration")
            }
        }
        return Row(configurationID: outcome.configuration?.id, organizationID: outcome.configuration?.organizationID,
                   name: outcome.configuration?.name, endpointID: outcome.endpointID, state: state, reason: reason,
                   registration: nil, registrationSince: nil, reRegister: nil, alerts: [])
    }

    /// Removing a trunk is two phases: its registration first, the rest once Asterisk has
    /// dropped it. nil when nothing of it is left to remove.
    static func deprovisioningPhase(_ outcome: ConfigurationOutcome, steps: Set<String>, deferred: [Deferral]) -> String? {
        if let waiting = deferred.first(where: { $0.reason == .awaitingUnregistration }) {
            return "phase 1 of 2: registration removed, \(waiting.steps.count) row(s) wait until Asterisk drops it"
        }
        if let blocked = deferred.first {
            return "\(blocked.steps.count) row deletion(s) \(blocked.reason.rawValue)"
        }
        guard let id = outcome.endpointID, steps.contains(id) else { return nil }
        return "removing its rows"
    }

    static func belongs(_ finding: Finding, to outcome: ConfigurationOutcome) -> Bool {
        for (key, value) in finding.fields {
            if key == "endpoint", value == outcome.endpointID { return true }
            if key == "configuration_id", let configuration = outcome.configuration, value == String(configuration.id) { return true }
        }
        return false
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
