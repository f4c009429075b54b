/// Everything Dograh asks for in one read: the trunks to provision and what was left out.
public struct DesiredSnapshot: Sendable, Equatable {
    public var trunks: [Trunk]
    /// Configurations present in Dograh but not provisioned, with the reason.
    public var skipped: [SkippedConfiguration]

    public init(trunks: [Trunk], skipped: [SkippedConfiguration]) {
        self.trunks = trunks
        self.skipped = skipped
    }
}

public struct SkippedConfiguration: Sendable, Hashable {
    public enum Reason: Sendable, Hashable {
        /// `inactive = true` in Dograh: not desired; its rows are removed.
        case inactive(endpointID: String?)
        /// Failed validation; rows under its endpoint id (if derivable) are held unchanged.
        case invalid(ConfigurationError)
        /// Meant for another Asterisk bridge (`--ari-endpoint-match`); not provisioned here.
        case notForThisBridge(endpointID: String?)
    }

    public let configuration: ConfigurationRef
    public let reason: Reason

    public init(configuration: ConfigurationRef, reason: Reason) {
        self.configuration = configuration
        self.reason = reason
    }

    public var heldEndpointID: String? {
        if case .invalid(let error) = reason { return error.endpointID }
        return nil
    }
}
