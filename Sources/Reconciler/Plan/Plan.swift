/// The difference between what Dograh wants and what the ARA database holds, as an
/// ordered list of row changes plus what each configuration came to.
///
/// Steps are ordered deterministically: creates and updates parents first (by table, then
/// key), deletes children first. The same inputs always give the same plan.
public struct Plan: Hashable, Sendable {
    /// Row changes to apply now, in one transaction.
    public var steps: [PlanStep]
    /// One entry per Dograh configuration and per orphaned endpoint id, by configuration id.
    public var configurations: [ConfigurationOutcome]
    /// Row changes held back this cycle (two-phase deprovisioning, calls, prune budget).
    public var deferred: [Deferral]
    /// Registrations Asterisk has loaded that differ from the rows.
    public var asteriskDrift: [AsteriskDrift]
    /// What Asterisk must be told once `steps` are committed.
    public var actuations: [Actuation]
    /// Whether Asterisk was asked and answered; without it, registration status is unknown.
    public var asterisk: AsteriskMonitoring
    /// Bookkeeping written in the same transaction as `steps`: which endpoint id each
    /// configuration is provisioned under (`AppliedEndpoints`). Empty when unknown.
    public var appliedEndpoints: AppliedEndpoints.Changes

    public enum AsteriskMonitoring: String, Sendable, Hashable {
        case notConfigured = "not configured"
        case unreachable
        case observed
    }

    public init(steps: [PlanStep], configurations: [ConfigurationOutcome], deferred: [Deferral] = [],
                asteriskDrift: [AsteriskDrift] = [], actuations: [Actuation]? = nil, asterisk: AsteriskMonitoring = .notConfigured,
                appliedEndpoints: AppliedEndpoints.Changes = AppliedEndpoints.Changes()) {
        self.steps = steps
        self.configurations = configurations
        self.deferred = deferred
        self.asteriskDrift = asteriskDrift
        self.actuations = actuations ?? Actuation.required(by: steps, drift: asteriskDrift)
        self.asterisk = asterisk
        self.appliedEndpoints = appliedEndpoints
    }

    /// Nothing to change, nothing held back, nothing stale in Asterisk.
    public var isEmpty: Bool { steps.isEmpty && deferred.isEmpty && asteriskDrift.isEmpty }

    public func count(_ verb: PlanStep.Verb) -> Int { steps.count { $0.verb == verb } }

    /// Invalid configurations, held ones included.
    public var invalidConfigurations: [ConfigurationError] {
        configurations.compactMap(\.state.error)
    }

    /// Something to write: row steps, or bookkeeping only.
    public var hasWrites: Bool { !steps.isEmpty || !appliedEndpoints.isEmpty }
}

/// What the plan does with one configuration (or with rows no configuration claims).
public struct ConfigurationOutcome: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        /// Provisioned from this configuration.
        case desired
        /// `inactive` in Dograh: its rows are removed.
        case inactive
        /// Rejected, and nothing of it is provisioned.
        case invalid(ConfigurationError)
        /// Rejected, and its trunk stays as last applied (no create, update or delete) until
        /// the configuration is valid again, deleted or made inactive.
        case held(ConfigurationError)
        /// Rows in the ARA database that no configuration asks for any more.
        case orphaned
        /// Its `ari_endpoint` does not match this bridge's selector; not provisioned here.
        case notForThisBridge
    }

    /// nil for orphaned rows.
    public let configuration: ConfigurationRef?
    public let endpointID: String?
    public let state: State
    /// Routing samples for the configuration's strip prefix (desired trunks only).
    public let dialTestVectors: [DialTestVector]
    public let stripPrefix: String?
    /// As AMI reports it; nil when Asterisk does not hold it or was not asked.
    public let registration: RegistrationStatus?

    public init(configuration: ConfigurationRef?, endpointID: String?, state: State,
                stripPrefix: String? = nil, dialTestVectors: [DialTestVector] = [], registration: RegistrationStatus? = nil) {
        self.configuration = configuration
        self.endpointID = endpointID
        self.state = state
        self.stripPrefix = stripPrefix
        self.dialTestVectors = dialTestVectors
        self.registration = registration
    }
}

extension ConfigurationOutcome.State {
    /// Why the configuration was rejected (invalid or held).
    public var error: ConfigurationError? {
        switch self {
        case .invalid(let error), .held(let error): error
        case .desired, .inactive, .orphaned, .notForThisBridge: nil
        }
    }
}
