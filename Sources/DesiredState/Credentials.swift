import Foundation

/// The `credentials` json of a configuration, decoded leniently enough to report every
/// problem as a field error instead of failing the whole read.
///
/// Decoded here with Foundation, one configuration at a time, rather than selected with
/// Postgres's `credentials->>'field'`: on a `json` column those operators fail the whole
/// statement when any key or the extracted value holds `\u0000` or a lone surrogate (the
/// `json` type stores both unchecked), so one hostile save would stop every configuration
/// from being read. Foundation costs about 75 ms per 10,000 configurations (a full pass;
/// the cheap check reads no credentials), against 32 ms for the hand-written scanner it replaced.
struct Credentials {
    private let object: [String: Any]

    enum Problem: Error {
        case notAnObject(String)
        case malformed
    }

    init(json: String) throws(Problem) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        } catch {
            throw .malformed
        }
        guard let object = parsed as? [String: Any] else { throw .notAnObject(Self.typeName(of: parsed)) }
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
        guard let value = object[key], !(value is NSNull) else { return .absent }
        switch value {
        case let string as String: return .string(string)
        case let number as NSNumber where acceptingIntegers && Self.isInteger(number): return .string(String(number.int64Value))
        default: return .wrongType(Self.typeName(of: value))
        }
    }

    static func typeName(of value: Any) -> String {
        switch value {
        case is NSNull: "null"
        case is String: "a string"
        case let number as NSNumber: isBoolean(number) ? "a boolean" : "a number"
        case is [Any]: "an array"
        default: "an object"
        }
    }

    /// JSONSerialization gives `true`/`false` as NSNumbers of type `c` (char) and JSON
    /// integers as `i`/`q`; it never gives a number as `c`.
    private static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    /// Integers that fit Int64; `1.0`, `1e3` and larger integers come as doubles or decimals.
    private static func isInteger(_ number: NSNumber) -> Bool { ["i", "q", "l", "s"].contains(String(cString: number.objCType)) }
}
