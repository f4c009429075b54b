/// Identifies one Dograh telephony configuration in messages: organization, name and id.
public struct ConfigurationRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let id: Int
    public let organizationID: Int
    public let name: String

    public init(id: Int, organizationID: Int, name: String) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
    }

    public var description: String { "configuration \(id) \"\(name)\" (organization \(organizationID))" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.id < rhs.id }
}
