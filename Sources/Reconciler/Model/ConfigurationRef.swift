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

    /// The name comes from users: control characters are shown escaped so that a name can
    /// neither start a line of its own in a plan or log nor drive the operator's terminal.
    public var description: String { "configuration \(id) \"\(Self.printable(name))\" (organization \(organizationID))" }

    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.id < rhs.id }
}
