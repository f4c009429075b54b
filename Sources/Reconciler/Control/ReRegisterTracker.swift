/// Which trunks the daemon re-registers, and when. Asterisk stops retrying a registration
/// that 3CX rejected (401/403: `auth_rejection_permanent`, `forbidden_retry_interval` 0) and
/// one that ran out of `max_retries`; a trunk that stays Rejected or Unregistered gets a
/// `PJSIPRegister` on `backoff`'s schedule, per trunk, until it is Registered again (which
/// resets it). A trunk whose rows change is left to the plan's own actuations.
public struct ReRegisterTracker: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// When the trunk was first seen failing (controller time).
        public var since: Duration
        /// PJSIPRegister sent so far.
        public var attempts: Int
        public var nextAt: Duration
    }

    /// An entry as reported (status, metrics): relative to the time of the report.
    public struct Due: Sendable, Hashable {
        public let attempts: Int
        public let nextIn: Duration

        public init(attempts: Int, nextIn: Duration) {
            self.attempts = attempts
            self.nextIn = nextIn
        }
    }

    public let backoff: Backoff
    public private(set) var entries: [String: Entry] = [:]

    public init(backoff: Backoff = .reRegister) {
        self.backoff = backoff
    }

    /// Updates from a full pass and returns the trunks due for a `PJSIPRegister` now.
    /// `registrations` are the provisioned trunks' statuses; `changed` the trunks the plan
    /// writes to (their actuations come from the plan).
    public mutating func update(registrations: [String: RegistrationStatus], changed: Set<String>, now: Duration,
                                using generator: inout some RandomNumberGenerator) -> [String] {
        var due: [String] = []
        for id in entries.keys where !Self.needsHelp(registrations[id]) || changed.contains(id) { entries[id] = nil }
        for (id, status) in registrations where Self.needsHelp(status) && !changed.contains(id) {
            guard var entry = entries[id] else {
                entries[id] = Entry(since: now, attempts: 0, nextAt: now + backoff.jittered(attempt: 1, using: &generator))
                continue
            }
            if entry.nextAt <= now {
                entry.attempts += 1
                entry.nextAt = now + backoff.jittered(attempt: entry.attempts + 1, using: &generator)
                due.append(id)
            }
            entries[id] = entry
        }
        return due.sorted()
    }

    /// `entries` as reported at `now`: attempts so far and how long until the next.
    public static func due(_ entries: [String: Entry], at now: Duration) -> [String: Due] {
        entries.mapValues { Due(attempts: $0.attempts, nextIn: max($0.nextAt - now, .zero)) }
    }

    /// The earliest time a re-register is due, for the controller's next wake-up.
    public var nextDue: Duration? { entries.values.map(\.nextAt).min() }

    private static func needsHelp(_ status: RegistrationStatus?) -> Bool {
        status == .rejected || status == .unregistered
    }
}
