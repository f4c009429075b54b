import Reconciler

/// One `three_cx` row of Dograh's `telephony_configurations`, as read.
public struct ConfigurationRecord: Sendable, Hashable {
    public let id: Int
    public let organizationID: Int
    public let name: String
    /// The `credentials` json column as text; it holds secrets, so it is never printed.
    public let credentialsJSON: String
    public let inactive: Bool
    public let updatedAt: String?

    public init(id: Int, organizationID: Int, name: String, credentialsJSON: String, inactive: Bool, updatedAt: String? = nil) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.credentialsJSON = credentialsJSON
        self.inactive = inactive
        self.updatedAt = updatedAt
    }

    public var ref: ConfigurationRef { ConfigurationRef(id: id, organizationID: organizationID, name: name) }
}
