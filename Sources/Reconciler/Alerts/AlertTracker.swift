/// Decides which findings are logged this cycle: a new finding once, a persisting one again
/// at most every `realert`, its disappearance once as `drift.resolved`. Findings that
/// need a grace period (a registration still settling) are raised only once they have
/// lasted that long. Time is passed in, so the tracker stays a pure value.
public struct AlertTracker: Sendable {
    public enum Emission: Hashable, Sendable {
        case raised(Finding)
        case repeated(Finding, since: Duration)
        case resolved(Finding, after: Duration)
    }

    private struct Entry: Sendable {
        var finding: Finding
        var firstSeen: Duration
        var lastAlert: Duration?
    }

    public let realert: Duration
    public let grace: Duration
    private var entries: [String: Entry] = [:]

    public init(realert: Duration, grace: Duration) {
        self.realert = realert
        self.grace = grace
    }

    /// `now` is any monotonic time (e.g. time since start).
    public mutating func update(_ findings: [Finding], now: Duration) -> [Emission] {
        var emissions: [Emission] = []
        var seen: Set<String> = []
        for finding in findings where seen.insert(finding.key).inserted {
            var entry = entries[finding.key] ?? Entry(finding: finding, firstSeen: now, lastAlert: nil)
            entry.finding = finding
            if let last = entry.lastAlert {
                if now - last >= realert {
                    emissions.append(.repeated(finding, since: now - entry.firstSeen))
                    entry.lastAlert = now
                }
            } else if !finding.needsGrace || now - entry.firstSeen >= grace {
                emissions.append(.raised(finding))
                entry.lastAlert = now
            }
            entries[finding.key] = entry
        }
        for (key, entry) in entries where !seen.contains(key) {
            // Only what was reported gets a resolution line.
            if entry.lastAlert != nil { emissions.append(.resolved(entry.finding, after: now - entry.firstSeen)) }
            entries[key] = nil
        }
        return emissions
    }

    public var activeCount: Int { entries.count }

    /// When the earliest finding still in its grace period would be raised: the controller
    /// runs a full pass then, so the alert comes within the grace, not at the next resync.
    public var nextGraceDue: Duration? {
        entries.values.filter { $0.lastAlert == nil && $0.finding.needsGrace }.map { $0.firstSeen + grace }.min()
    }
}
