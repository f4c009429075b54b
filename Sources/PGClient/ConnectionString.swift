import CLibPQ

/// A libpq connection string (key=value DSN or URL) with its secret kept out of sight.
///
/// Accepts Dograh's SQLAlchemy form (`postgresql+asyncpg://...`) by dropping the driver
/// suffix, which libpq does not understand.
public struct ConnectionString: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What libpq receives. Never print it.
    let raw: String
    /// The password, if the string carries one; used to scrub server and libpq messages.
    let password: String?
    /// host, port, database and user, for messages.
    public let redacted: String

    public init(_ value: String) throws(PGError) {
        raw = Self.droppingDriverSuffix(value.trimmingWhitespace())
        let options = try Self.parse(raw)
        password = options["password"].flatMap { $0.isEmpty ? nil : $0 }
        var parts: [String] = []
        for key in ["host", "hostaddr", "port", "dbname", "user"] {
            if let value = options[key], !value.isEmpty { parts.append("\(key)=\(value)") }
        }
        redacted = parts.isEmpty ? "(libpq defaults)" : parts.joined(separator: " ")
    }

    public var description: String { redacted }
    public var debugDescription: String { "ConnectionString(\(redacted))" }

    /// Replaces every occurrence of the password in `message` (libpq may echo parts of the DSN).
    func scrub(_ message: String) -> String {
        guard let password, !password.isEmpty else { return message }
        return message.replacingAll(password, with: "********")
    }

    static func droppingDriverSuffix(_ value: String) -> String {
        for scheme in ["postgresql+", "postgres+"] where value.hasPrefix(scheme) {
            guard let separator = value.firstRange(of: "://") else { return value }
            let base = scheme.dropLast()
            return base + String(value[separator.lowerBound...])
        }
        return value
    }

    private static func parse(_ raw: String) throws(PGError) -> [String: String] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(raw, &errorMessage) else {
            // libpq's parse errors quote the offending fragment, which may be the password.
            let detail = errorMessage.map { String(cString: $0) } ?? "unparsable"
            PQfreemem(errorMessage)
            throw .invalidConnectionString(reason: detail.contains("=") ? "malformed connection string" : detail.trimmingWhitespace())
        }
        defer { PQconninfoFree(options) }
        var result: [String: String] = [:]
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val { result[String(cString: keyword)] = String(cString: value) }
            cursor += 1
        }
        return result
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        String(self).trimmingWhitespace()
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    /// libpq's messages span lines ("...failed: ...\n\tIs the server running..."): one line reads better in logs.
    func singleLine() -> String {
        split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
