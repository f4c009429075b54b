/// `GET /ari/asterisk/modules/{name}`.
public struct ARIModuleInfo: Sendable, Hashable, Decodable {
    public var name: String
    public var description: String?
    public var useCount: Int?
    public var status: String?
    public var supportLevel: String?

    enum CodingKeys: String, CodingKey {
        case name, description, status
        case useCount = "use_count"
        case supportLevel = "support_level"
    }
}
