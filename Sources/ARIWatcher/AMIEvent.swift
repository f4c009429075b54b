/// Maps a Registry event's `Username` (client_uri) and `Domain` (server_uri) back to a
/// registration id; reconcilerd knows the mapping from its desired state.
public typealias AMIRegistrationLookup = @Sendable (_ clientURI: String, _ serverURI: String) -> String?

/// Unsolicited AMI events reconcilerd reacts to. Other events are kept by name only:
/// their payload is foreign and not needed.
public enum AMIEvent: Sendable, Hashable {
    case registry(AMIRegistryEvent)
    case peerStatus(AMIPeerStatusEvent)
    case contactStatus(AMIContactStatusEvent)
    case other(name: String)

    public init(message: AMIMessage, lookup: AMIRegistrationLookup? = nil) {
        let name = message.event ?? ""
        if name.caseInsensitiveEquals("Registry") {
            let clientURI = message["Username"] ?? ""
            let serverURI = message["Domain"] ?? ""
            self = .registry(AMIRegistryEvent(
                registrationID: lookup?(clientURI, serverURI),
                clientURI: clientURI,
                serverURI: serverURI,
                status: message["Status"] ?? "",
                channelType: message["ChannelType"],
                cause: message["Cause"]
            ))
        } else if name.caseInsensitiveEquals("PeerStatus") {
            let peer = message["Peer"] ?? ""
            self = .peerStatus(AMIPeerStatusEvent(
                peer: peer,
                status: message["PeerStatus"] ?? "",
                channelType: message["ChannelType"],
                address: message["Address"],
                cause: message["Cause"]
            ))
        } else if name.caseInsensitiveEquals("ContactStatus") {
            self = .contactStatus(AMIContactStatusEvent(
                aor: message["AOR"],
                endpointName: message["EndpointName"],
                uri: message["URI"],
                status: message["ContactStatus"] ?? "",
                roundtripUsec: message["RoundtripUsec"].flatMap { Int($0) }
            ))
        } else {
            self = .other(name: name)
        }
    }
}

/// `Event: Registry` (class system): outcome of an outbound REGISTER.
public struct AMIRegistryEvent: Sendable, Hashable {
    /// From the lookup; nil when the URIs are not ours or no lookup was given.
    public var registrationID: String?
    public var clientURI: String
    public var serverURI: String
    /// `Registered`, `Unregistered`, `Rejected`, ...
    public var status: String
    public var channelType: String?
    public var cause: String?

    public init(registrationID: String?, clientURI: String, serverURI: String, status: String, channelType: String?, cause: String? = nil) {
        self.registrationID = registrationID
        self.clientURI = clientURI
        self.serverURI = serverURI
        self.status = status
        self.channelType = channelType
        self.cause = cause
    }
}

/// `Event: PeerStatus` with `Peer: PJSIP/<id>`.
public struct AMIPeerStatusEvent: Sendable, Hashable {
    public var peer: String
    public var status: String
    public var channelType: String?
    public var address: String?
    public var cause: String?

    public init(peer: String, status: String, channelType: String?, address: String? = nil, cause: String? = nil) {
        self.peer = peer
        self.status = status
        self.channelType = channelType
        self.address = address
        self.cause = cause
    }

    /// `PJSIP/dograh_x` → `dograh_x`.
    public var endpointID: String? {
        guard let slash = peer.firstIndex(of: "/") else { return nil }
        let id = peer[peer.index(after: slash)...]
        return id.isEmpty ? nil : String(id)
    }
}

/// `Event: ContactStatus`: qualify result for an AOR contact.
public struct AMIContactStatusEvent: Sendable, Hashable {
    public var aor: String?
    public var endpointName: String?
    public var uri: String?
    public var status: String
    public var roundtripUsec: Int?

    public init(aor: String?, endpointName: String?, uri: String?, status: String, roundtripUsec: Int?) {
        self.aor = aor
        self.endpointName = endpointName
        self.uri = uri
        self.status = status
        self.roundtripUsec = roundtripUsec
    }
}
