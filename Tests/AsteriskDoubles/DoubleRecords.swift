/// An HTTP request the ARI double received.
public struct RecordedHTTPRequest: Sendable, Hashable {
    public var method: String
    public var path: String
    public var query: String?
    public var authorized: Bool
    public var headers: [String: String]
}

/// An AMI action the AMI double received, headers in order.
public struct RecordedAMIAction: Sendable, Hashable {
    public var headers: [Header]

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    public var name: String { self["Action"] ?? "" }

    public subscript(name: String) -> String? {
        headers.first(where: { $0.name.lowercased() == name.lowercased() })?.value
    }
}

/// An ARI endpoint as the double serves it.
public struct DoubleEndpoint: Sendable, Hashable {
    public var resource: String
    public var state: String
    public var channelIDs: [String]

    public init(resource: String, state: String = "offline", channelIDs: [String] = []) {
        self.resource = resource
        self.state = state
        self.channelIDs = channelIDs
    }
}

/// A module as `GET /ari/asterisk/modules/{m}` describes it.
public struct DoubleModule: Sendable, Hashable {
    public var name: String
    public var description: String
    public var useCount: Int

    public init(name: String, description: String, useCount: Int) {
        self.name = name
        self.description = description
        self.useCount = useCount
    }

    /// The modules of the recordings.
    public static let recorded: [DoubleModule] = [
        DoubleModule(name: "res_pjsip_outbound_registration.so", description: "PJSIP Outbound Registration Support", useCount: 1),
        DoubleModule(name: "pbx_config.so", description: "Text Extension Configuration", useCount: 0),
    ]
}
