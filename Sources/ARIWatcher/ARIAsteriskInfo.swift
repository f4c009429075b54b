/// `GET /ari/asterisk/info`. Only the parts reconcilerd reports are decoded; every field
/// is optional because `?only=` filters drop whole sections.
public struct ARIAsteriskInfo: Sendable, Hashable, Decodable {
    public struct Build: Sendable, Hashable, Decodable {
        public var os: String?
        public var kernel: String?
        public var machine: String?
        public var options: String?
        public var date: String?
        public var user: String?
    }

    public struct System: Sendable, Hashable, Decodable {
        public var version: String?
        public var entityID: String?

        enum CodingKeys: String, CodingKey {
            case version
            case entityID = "entity_id"
        }
    }

    public struct Status: Sendable, Hashable, Decodable {
        public var startupTime: String?
        public var lastReloadTime: String?

        enum CodingKeys: String, CodingKey {
            case startupTime = "startup_time"
            case lastReloadTime = "last_reload_time"
        }
    }

    public var build: Build?
    public var system: System?
    public var status: Status?

    /// Asterisk version, e.g. `22.10.1`.
    public var version: String? { system?.version }
}
