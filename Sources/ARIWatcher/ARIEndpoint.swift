/// An ARI endpoint. `state` is contact reachability (online/offline/unknown), not
/// registration state. `channelIDs` lists the calls up on the endpoint: reconcilerd holds
/// changes to a trunk while it is non-empty.
public struct ARIEndpoint: Sendable, Hashable, Decodable {
    public var technology: String
    public var resource: String
    public var state: String?
    public var channelIDs: [String]

    public init(technology: String, resource: String, state: String?, channelIDs: [String]) {
        self.technology = technology
        self.resource = resource
        self.state = state
        self.channelIDs = channelIDs
    }

    enum CodingKeys: String, CodingKey {
        case technology, resource, state
        case channelIDs = "channel_ids"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        technology = try container.decode(String.self, forKey: .technology)
        resource = try container.decode(String.self, forKey: .resource)
        state = try container.decodeIfPresent(String.self, forKey: .state)
        // Missing in some event payloads; absent means "no channels".
        channelIDs = try container.decodeIfPresent([String].self, forKey: .channelIDs) ?? []
    }

    /// True while at least one call is up on the endpoint.
    public var hasActiveChannels: Bool { !channelIDs.isEmpty }
}
