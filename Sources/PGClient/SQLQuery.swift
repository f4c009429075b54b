/// A parameterized statement: interpolated values become `$n` binds, never SQL text.
///
/// `"SELECT * FROM t WHERE id = \(id)"` produces `SELECT * FROM t WHERE id = $1` with
/// `id` as the first parameter. Identifiers that cannot be binds (table names) go through
/// `\(identifier:)`, which accepts only validated `SQLIdentifier`s.
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var binds: [String?]

    public init(stringLiteral value: String) {
        sql = value
        binds = []
    }

    /// SQL text built by code (never from data) with its `$n` parameters.
    public init(unsafeSQL sql: String, binds: [String?] = []) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    /// The SQL text only: binds may hold secrets and are never part of a description.
    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        public mutating func appendInterpolation(_ value: String?) {
            binds.append(value)
            sql += "$\(binds.count)"
        }

        public mutating func appendInterpolation(_ value: Int) {
            appendInterpolation(String(value))
        }

        public mutating func appendInterpolation(identifier: SQLIdentifier) {
            sql += identifier.quoted
        }
    }
}

/// A table or column name from configuration, checked before it may appear in SQL text.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    /// Accepts `name` or `schema.name`, each part `[A-Za-z_][A-Za-z0-9_]*`, at most 63 bytes.
    public init?(_ name: String) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy(Self.isPlain) else { return nil }
        self.name = name
    }

    public var quoted: String {
        name.split(separator: ".").map { "\"\($0)\"" }.joined(separator: ".")
    }

    public var description: String { name }

    private static func isPlain(_ part: Substring) -> Bool {
        guard let first = part.first, part.utf8.count <= 63, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return part.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
