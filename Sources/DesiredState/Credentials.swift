/// The `credentials` json of a configuration, decoded leniently enough to report every
/// problem as a field error instead of failing the whole read.
struct Credentials {
    private let object: [String: JSONScalar]

    enum Problem: Error {
        case notAnObject(String)
        case malformed
    }

    init(json: String) throws(Problem) {
        guard let parsed = try? JSONScanner.parse(json) else { throw .malformed }
        guard case .object(let object) = parsed else { throw .notAnObject(parsed.typeName) }
        self.object = object
    }

    enum Value {
        case absent
        case string(String)
        case wrongType(String)
    }

    /// Strings as they are; with `acceptingIntegers`, an integer as its decimal text (an
    /// extension saved as a JSON number is still an extension); anything else is the
    /// wrong type.
    func value(_ key: String, acceptingIntegers: Bool = false) -> Value {
        switch object[key] {
        case nil, .null?: .absent
        case .string(let value)?: .string(value)
        case .integer(let value)? where acceptingIntegers: .string(String(value))
        case let other?: .wrongType(other.typeName)
        }
    }
}

/// Just enough of JSON to tell the types apart; nested values are only named, not kept.
enum JSONScalar {
    case null, bool, integer(Int64), number, string(String), array, object([String: JSONScalar])

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
