/// One Dograh configuration as read and validated on its own, before the rules that
/// depend on the others and on what was applied before (`DesiredSnapshot.resolve`).
public struct ValidatedConfiguration: Sendable, Hashable {
    public let configuration: ConfigurationRef
    /// `inactive` in Dograh (parked; only a user reactivates it).
    public let inactive: Bool
    public let result: Result<Trunk, ConfigurationError>
    /// false when `--ari-endpoint-match` says it belongs to another bridge.
    public let forThisBridge: Bool

    public init(configuration: ConfigurationRef, inactive: Bool, result: Result<Trunk, ConfigurationError>, forThisBridge: Bool = true) {
        self.configuration = configuration
        self.inactive = inactive
        self.result = result
        self.forThisBridge = forThisBridge
    }

    /// The endpoint id this version of the configuration maps to, when it can be derived.
    public var derivedEndpointID: String? {
        switch result {
        case .success(let trunk): trunk.endpointID
        case .failure(let error): error.endpointID
        }
    }
}

/// Which endpoint id each configuration was last provisioned under, kept by reconcilerd
/// next to its rows (`reconcilerd_endpoints`) and written in the same transaction. It lets
/// an edit that breaks a configuration, or changes its id to none, keep the trunk that was
/// working (it is held at its last valid version) instead of orphaning it.
public struct AppliedEndpoints: Sendable, Hashable {
    /// Configuration id → endpoint id.
    public var byConfiguration: [Int: String]

    public init(_ byConfiguration: [Int: String] = [:]) {
        self.byConfiguration = byConfiguration
    }

    public subscript(configurationID: Int) -> String? { byConfiguration[configurationID] }

    /// What to write so that the record matches `desired`: each provisioned trunk under its
    /// id now; configurations Dograh no longer has are forgotten; the others (held,
    /// inactive, other bridge) keep the id they last had.
    public func changes(toMatch desired: DesiredSnapshot) -> Changes {
        var upserts: [Changes.Entry] = []
        var present: Set<Int> = []
        for trunk in desired.trunks {
            present.insert(trunk.configuration.id)
            if byConfiguration[trunk.configuration.id] != trunk.endpointID {
                upserts.append(Changes.Entry(configurationID: trunk.configuration.id, endpointID: trunk.endpointID))
            }
        }
        for skipped in desired.skipped { present.insert(skipped.configuration.id) }
        let deletes = byConfiguration.keys.filter { !present.contains($0) }.sorted()
        return Changes(upserts: upserts.sorted { $0.configurationID < $1.configurationID }, deletes: deletes)
    }

    public struct Changes: Sendable, Hashable {
        public struct Entry: Sendable, Hashable {
            public let configurationID: Int
            public let endpointID: String

            public init(configurationID: Int, endpointID: String) {
                self.configurationID = configurationID
                self.endpointID = endpointID
            }
        }

        public var upserts: [Entry]
        /// Configuration ids to forget.
        public var deletes: [Int]

        public init(upserts: [Entry] = [], deletes: [Int] = []) {
            self.upserts = upserts
            self.deletes = deletes
        }

        public var isEmpty: Bool { upserts.isEmpty && deletes.isEmpty }
    }
}
