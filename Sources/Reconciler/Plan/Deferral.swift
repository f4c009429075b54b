/// Row changes the plan holds back this cycle, and why. They are planned again next
/// cycle (level-triggered), so nothing is lost by holding them.
public struct Deferral: Hashable, Sendable {
    public enum Reason: String, Hashable, Sendable {
        /// Deprovisioning phase 2: the auth, aor, endpoint and dialplan rows go only once
        /// Asterisk has dropped the registration, so that its un-REGISTER can authenticate.
        case awaitingUnregistration = "awaiting unregistration"
        /// The change would drop a call in progress (`--max-hold` bounds the wait).
        case activeCalls = "pending (active calls)"
        /// The prune budget refused this many deletes in one cycle.
        case pruneBudget = "blocked by the prune budget"
    }

    public let endpointID: String
    public let reason: Reason
    public let steps: [PlanStep]

    public init(endpointID: String, reason: Reason, steps: [PlanStep]) {
        self.endpointID = endpointID
        self.reason = reason
        self.steps = steps
    }
}

/// A difference between the ARA rows (in sync) and what Asterisk has loaded.
public struct AsteriskDrift: Hashable, Sendable, Comparable {
    public enum Kind: String, Hashable, Sendable {
        /// A desired registration Asterisk does not hold: it has not reloaded since the row appeared.
        case missing
        /// A registration Asterisk still holds although its row is gone.
        case stale
    }

    public let endpointID: String
    public let kind: Kind

    public init(endpointID: String, kind: Kind) {
        self.endpointID = endpointID
        self.kind = kind
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.endpointID, lhs.kind.rawValue) < (rhs.endpointID, rhs.kind.rawValue)
    }
}
