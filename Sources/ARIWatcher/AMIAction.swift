/// An outbound AMI action. Header names and values are checked for CR/LF so an id taken
/// from the database can never inject extra headers or actions.
public struct AMIAction: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let headers: [AMIMessage.Header]

    /// Values of these headers are replaced in `description`.
    static let redactedHeaders: Set<String> = ["secret", "password"]

    public init(_ name: String, headers: [(String, String)] = []) throws(AMIError) {
        for (key, value) in [("Action", name)] + headers {
            // Checked on UTF-8 bytes: "\r\n" is a single Character and would slip past a Character test.
            guard !key.isEmpty, !key.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == UInt8(ascii: ":") }) else {
                throw AMIError.invalidArgument("header name \(key.debugDescription)")
            }
            guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
                throw AMIError.invalidArgument("value of \(key) contains a line break")
            }
        }
        self.name = name
        self.headers = headers.map { .init(name: $0.0, value: $0.1) }
    }

    /// Wire bytes: `Action`, then `ActionID`, then the headers, then the blank line.
    func encoded(actionID: String) -> [UInt8] {
        var text = "Action: \(name)\r\nActionID: \(actionID)\r\n"
        for header in headers {
            text += "\(header.name): \(header.value)\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    public var description: String {
        let shown = headers.map { header in
            Self.redactedHeaders.contains(header.name.lowercased())
                ? "\(header.name): \(Redaction.placeholder)" : "\(header.name): \(header.value)"
        }
        return (["Action: \(name)"] + shown).joined(separator: " | ")
    }
}
