/// Why one configuration cannot be provisioned. It names the configuration and the
/// credentials field, and never carries a secret value.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let configuration: ConfigurationRef
    /// The credentials key (or column) at fault; nil when the row as a whole is wrong.
    public let field: String?
    public let reason: String
    /// The endpoint id the configuration maps to, when it could still be derived. Rows
    /// under that id are held as they are rather than deleted: a typo in Dograh must not
    /// take a working trunk down.
    public let endpointID: String?

    public init(configuration: ConfigurationRef, field: String?, reason: String, endpointID: String? = nil) {
        self.configuration = configuration
        self.field = field
        self.reason = reason
        self.endpointID = endpointID
    }

    public var description: String {
        "\(configuration): " + (field.map { "field \($0): " } ?? "") + reason
    }
}
