import Foundation

/// One decoded ARI event. Only the parts reconcilerd uses are decoded; the rest of the
/// payload is ignored so new fields never break decoding.
public struct ARIEvent: Sendable, Hashable, Decodable {
    /// Channel summary as carried by Channel* and Stasis* events.
    public struct Channel: Sendable, Hashable, Decodable {
        public var id: String
        public var name: String
        public var state: String?

        /// `PJSIP/dograh_x_12611-00000002` → (`PJSIP`, `dograh_x_12611`): the endpoint the
        /// call runs on, so a trunk can be held while calls are up.
        public var endpoint: (technology: String, resource: String)? {
            guard let slash = name.firstIndex(of: "/") else { return nil }
            let technology = String(name[..<slash])
            var resource = String(name[name.index(after: slash)...])
            if let dash = resource.lastIndex(of: "-"),
                resource[resource.index(after: dash)...].allSatisfy(\.isHexDigit),
                resource.index(after: dash) != resource.endIndex
            {
                resource = String(resource[..<dash])
            }
            return (technology, resource)
        }
    }

    /// `contact_info` of ContactStatusChange.
    public struct ContactInfo: Sendable, Hashable, Decodable {
        public var uri: String?
        public var contactStatus: String?
        public var aor: String?
        public var roundtripUsec: String?

        enum CodingKeys: String, CodingKey {
            case uri, aor
            case contactStatus = "contact_status"
            case roundtripUsec = "roundtrip_usec"
        }
    }

    /// `peer` of PeerStatusChange.
    public struct Peer: Sendable, Hashable, Decodable {
        public var peerStatus: String?
        public var cause: String?
        public var address: String?

        enum CodingKeys: String, CodingKey {
            case cause, address
            case peerStatus = "peer_status"
        }
    }

    public var type: ARIEventType
    /// As sent, e.g. `2026-11-27T04:03:32.647+0000`.
    public var timestamp: String?
    public var application: String?
    public var asteriskID: String?
    public var channel: Channel?
    public var endpoint: ARIEndpoint?
    public var contactInfo: ContactInfo?
    public var peer: Peer?

    enum CodingKeys: String, CodingKey {
        case type, timestamp, application, channel, endpoint, peer
        case asteriskID = "asterisk_id"
        case contactInfo = "contact_info"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = ARIEventType(rawValue: try container.decode(String.self, forKey: .type))
        timestamp = try container.decodeIfPresent(String.self, forKey: .timestamp)
        application = try container.decodeIfPresent(String.self, forKey: .application)
        asteriskID = try container.decodeIfPresent(String.self, forKey: .asteriskID)
        // Sub-objects are best effort: a shape change there must not drop the event.
        channel = try? container.decodeIfPresent(Channel.self, forKey: .channel)
        endpoint = try? container.decodeIfPresent(ARIEndpoint.self, forKey: .endpoint)
        contactInfo = try? container.decodeIfPresent(ContactInfo.self, forKey: .contactInfo)
        peer = try? container.decodeIfPresent(Peer.self, forKey: .peer)
    }

    /// Decodes one WebSocket text frame.
    public static func decode(json: String) throws -> ARIEvent {
        try JSONDecoder().decode(ARIEvent.self, from: Data(json.utf8))
    }

    /// `timestamp` as a `Date` (ARI's format has millisecond precision and a `+hhmm` offset).
    public var date: Date? { timestamp.flatMap(Self.parseTimestamp) }

    static func parseTimestamp(_ text: String) -> Date? {
        // yyyy-MM-ddTHH:mm:ss[.SSS]±hhmm
        let chars = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= chars.count else { return nil }
            var value = 0
            for c in chars[start..<start + count] {
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard chars.count >= 24, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if chars[index] == UInt8(ascii: ".") {
            var scale = 0.1
            index += 1
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        guard index + 5 <= chars.count, let offH = number(index + 1, 2), let offM = number(index + 3, 2) else { return nil }
        let sign: Int = chars[index] == UInt8(ascii: "-") ? -1 : 1
        // Days from civil (Howard Hinnant's algorithm), avoiding Calendar for purity.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - sign * (offH * 3600 + offM * 60)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
