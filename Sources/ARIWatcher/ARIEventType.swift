/// ARI event `type`. Types reconcilerd reacts to are named; everything else is kept
/// verbatim in `.other` so nothing is silently lost when Asterisk adds types.
public enum ARIEventType: Sendable, Hashable, CustomStringConvertible {
    case channelCreated
    case channelDestroyed
    case channelStateChange
    case channelVarset
    case channelDialplan
    case channelHangupRequest
    case stasisStart
    case stasisEnd
    case endpointStateChange
    case contactStatusChange
    case peerStatusChange
    case deviceStateChanged
    case other(String)

    private static let known: [String: ARIEventType] = [
        "ChannelCreated": .channelCreated,
        "ChannelDestroyed": .channelDestroyed,
        "ChannelStateChange": .channelStateChange,
        "ChannelVarset": .channelVarset,
        "ChannelDialplan": .channelDialplan,
        "ChannelHangupRequest": .channelHangupRequest,
        "StasisStart": .stasisStart,
        "StasisEnd": .stasisEnd,
        "EndpointStateChange": .endpointStateChange,
        "ContactStatusChange": .contactStatusChange,
        "PeerStatusChange": .peerStatusChange,
        "DeviceStateChanged": .deviceStateChanged,
    ]

    public init(rawValue: String) {
        self = Self.known[rawValue] ?? .other(rawValue)
    }

    public var rawValue: String {
        if case .other(let raw) = self { return raw }
        return Self.known.first(where: { $0.value == self })?.key ?? ""
    }

    public var description: String { rawValue }
}
