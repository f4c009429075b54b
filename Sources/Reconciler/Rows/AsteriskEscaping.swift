/// Asterisk's realtime drivers split a value on `;`, so a literal `;` is stored as `^3B`
/// and a literal `^` (the escape character itself) as `^5E`.
public enum AsteriskEscaping {
    /// Works on UTF-8 bytes, as Asterisk does: a `;` followed by a combining mark is still
    /// a `;` to its parser. Most values contain neither byte and are returned as they are.
    public static func escape(_ value: String) -> String {
        guard needsEscaping(value) else { return value }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(value.utf8.count + 8)
        for byte in value.utf8 {
            switch byte {
            case 0x5E: escaped += [0x5E, 0x35, 0x45] // ^5E
            case 0x3B: escaped += [0x5E, 0x33, 0x42] // ^3B
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    private static func needsEscaping(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in bytes.contains { $0 == 0x3B || $0 == 0x5E } }
    }

    /// Length as Postgres counts it for varchar(n): characters (code points) after escaping.
    public static func storedLength(_ value: String) -> Int {
        escape(value).unicodeScalars.count
    }
}
