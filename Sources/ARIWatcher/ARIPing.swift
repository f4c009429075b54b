/// `GET /ari/asterisk/ping`: `{"ping":"pong","timestamp":...,"asterisk_id":...}`.
public struct ARIPing: Sendable, Hashable, Decodable {
    public var ping: String
    public var timestamp: String?
    public var asteriskID: String?

    enum CodingKeys: String, CodingKey {
        case ping, timestamp
        case asteriskID = "asterisk_id"
    }
}
