/// The difference between what Dograh wants and what the ARA database holds, as an
/// ordered list of row changes plus what each configuration came to.
///
/// Steps are ordered deterministically: creates and updates parents first (by table, then
/// key), deletes children first. The same inputs always give the same plan.
public struct Plan: Hashable, Sendable {
    public var steps: [PlanStep]
    /// One entry per Dograh configuration and per orphaned endpoint id, by configuration id.
    public var configurations: [ConfigurationOutcome]

    public init(steps: [PlanStep], configurations: [ConfigurationOutcome]) {
        self.steps = steps
        self.configurations = configurations
    }

    public var isEmpty: Bool { steps.isEmpty }

    public func count(_ verb: PlanStep.Verb) -> Int { steps.count { $0.verb == verb } }

    public var invalidConfigurations: [ConfigurationError] {
        configurations.compactMap { if case .invalid(let error) = $0.state { error } else { nil } }
    }
}

/// What the plan does with one configuration (or with rows no configuration claims).
public struct ConfigurationOutcome: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        /// Provisioned from this configuration.
        case desired
        /// `inactive` in Dograh: its rows are removed.
        case inactive
        /// Rejected; rows under its endpoint id, if any, are left unchanged.
        case invalid(ConfigurationError)
        /// Rows in the ARA database that no configuration asks for any more.
        case orphaned
    }

    /// nil for orphaned rows.
    public let configuration: ConfigurationRef?
    public let endpointID: String?
    public let state: State
    /// Routing samples for the configuration's strip prefix (desired trunks only).
    public let dialTestVectors: [DialTestVector]
    public let stripPrefix: String?

    public init(configuration: ConfigurationRef?, endpointID: String?, state: State,
                stripPrefix: String? = nil, dialTestVectors: [DialTestVector] = []) {
        self.configuration = configuration
        self.endpointID = endpointID
        self.state = state
        self.stripPrefix = stripPrefix
        self.dialTestVectors = dialTestVectors
    }
}
