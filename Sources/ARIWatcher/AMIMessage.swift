/// One AMI message (response or event): ordered `Key: value` headers. Built only by
/// `AMIFrameParser`, which drops AuthDetail events and credential headers first, so a
/// message is safe to log.
public struct AMIMessage: Sendable, Hashable, CustomStringConvertible {
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var headers: [Header]

    public init(headers: [Header]) {
        self.headers = headers
    }

    /// First value of `name`, compared case-insensitively (AMI keys are case-insensitive).
    public subscript(name: String) -> String? {
        headers.first(where: { $0.name.caseInsensitiveEquals(name) })?.value
    }

    public var response: String? { self["Response"] }
    public var event: String? { self["Event"] }
    public var actionID: String? { self["ActionID"] }

    public var description: String {
        headers.map { "\($0.name): \($0.value)" }.joined(separator: " | ")
    }
}

extension StringProtocol {
    /// ASCII case-insensitive comparison, cheaper and locale-free unlike `lowercased()`.
    func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        let lhs = utf8
        let rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A)
        }
    }
}
