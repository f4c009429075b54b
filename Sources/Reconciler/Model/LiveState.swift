/// Outbound registration state as AMI reports it (ARI has none).
public enum RegistrationStatus: String, Hashable, Sendable, CaseIterable {
    case registered = "Registered"
    case unregistered = "Unregistered"
    case rejected = "Rejected"
    /// Listed by Asterisk, but no attempt has completed yet.
    case noState = "no state"
}

/// How much the planner knows about the running Asterisk.
public enum LiveView: Sendable, Hashable {
    /// No ARI/AMI settings: rows only.
    case notConfigured
    /// Configured but not answering: registration state unknown. Deprovisioning phase 2
    /// waits, since Asterisk may still hold a registration that needs its auth row.
    case unreachable
    case observed(LiveState)

    public var monitoring: Plan.AsteriskMonitoring {
        switch self {
        case .notConfigured: .notConfigured
        case .unreachable: .unreachable
        case .observed: .observed
        }
    }

    public var state: LiveState? {
        if case .observed(let state) = self { return state }
        return nil
    }
}

/// What Asterisk itself reports, as far as the plan needs it.
public struct LiveState: Sendable, Hashable {
    /// Registration id → status, for every outbound registration Asterisk holds.
    public var registrations: [String: RegistrationStatus]
    /// Endpoint ids with channels up (ARI `channel_ids` not empty).
    public var endpointsWithCalls: Set<String>
    /// Endpoints whose changes have been held for calls longer than `--max-hold`.
    public var holdExpired: Set<String>

    public init(registrations: [String: RegistrationStatus], endpointsWithCalls: Set<String> = [], holdExpired: Set<String> = []) {
        self.registrations = registrations
        self.endpointsWithCalls = endpointsWithCalls
        self.holdExpired = holdExpired
    }
}

/// Limits on what one cycle may delete.
public struct PlanPolicy: Sendable, Hashable {
    /// Most trunks one cycle may remove.
    public var maxDeletes: Int
    /// Lifts the prune budget (`--allow-mass-delete`).
    public var allowMassDelete: Bool

    public init(maxDeletes: Int = 10, allowMassDelete: Bool = false) {
        self.maxDeletes = maxDeletes
        self.allowMassDelete = allowMassDelete
    }

    /// A desired state that suddenly reads as (nearly) empty is the typical cause of a
    /// mass delete: refuse more than `maxDeletes` trunks, or more than half of the owned
    /// trunks when more than two are owned.
    public func allowsRemoving(_ count: Int, ofOwned owned: Int) -> Bool {
        if allowMassDelete || count == 0 { return true }
        if count > maxDeletes { return false }
        if owned > 2 && count * 2 > owned { return false }
        return true
    }
}
