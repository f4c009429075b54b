/// One outbound dialplan row: an Asterisk extension pattern and how many leading
/// characters of the dialled number `${EXTEN:skip}` removes before it is sent to 3CX.
public struct DialRoute: Hashable, Sendable {
    public let pattern: String
    public let skip: Int
    public init(pattern: String, skip: Int) {
        self.pattern = pattern
        self.skip = skip
    }
}

/// Why a `strip_prefix` regex cannot be turned into dialplan rows.
public struct StripPrefixError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The offending construct as written, e.g. `*` or `(?=`.
    public let construct: String
    /// 0-based character offset of the construct in the regex.
    public let position: Int
    public let message: String
    public init(construct: String, position: Int, message: String) {
        self.construct = construct
        self.position = position
        self.message = message
    }
    public var description: String { "\(message) ('\(construct)' at position \(position))" }
}

/// A sample dialled number and what reaches 3CX (`nil`: no route).
public struct DialTestVector: Hashable, Sendable {
    public let dialled: String
    public let sent: String?
    public init(dialled: String, sent: String?) {
        self.dialled = dialled
        self.sent = sent
    }
}

/// Translates Dograh's `strip_prefix` regex into outbound dialplan rows.
/// Minimal subset for now: empty, `^\+<digits>` and `^<digits>`.
public enum StripPrefix {
    public static func routes(for regex: String) throws(StripPrefixError) -> [DialRoute] {
        if regex.isEmpty { return [DialRoute(pattern: "_[+0-9].", skip: 0)] }
        guard regex.hasPrefix("^") else {
            throw StripPrefixError(construct: String(regex.prefix(1)), position: 0, message: "strip_prefix must be anchored with ^")
        }
        var literal = ""
        var index = regex.index(after: regex.startIndex)
        var position = 1
        if regex[index...].hasPrefix("\\+") {
            literal = "+"
            index = regex.index(index, offsetBy: 2)
            position += 2
        }
        while index < regex.endIndex {
            let character = regex[index]
            guard character.isASCII, character.isNumber else {
                throw StripPrefixError(construct: String(character), position: position, message: "unsupported construct in strip_prefix")
            }
            literal.append(character)
            index = regex.index(after: index)
            position += 1
        }
        if literal.isEmpty { return try routes(for: "") }
        return [DialRoute(pattern: "_\(literal)X.", skip: literal.count)]
    }
}

extension StripPrefix {
    // Placeholder until the full translator lands: one sample per route.
    public static func testVectors(for routes: [DialRoute]) -> [DialTestVector] {
        routes.map { route in
            let prefix = route.pattern.dropFirst().prefix { $0 == "+" || $0.isNumber }
            let dialled = prefix + "0612345678"
            return DialTestVector(dialled: String(dialled), sent: String(dialled.dropFirst(route.skip)))
        }
    }
}
