/// Asterisk's realtime drivers split a value on `;`, so a literal `;` is stored as `^3B`
/// and a literal `^` (the escape character itself) as `^5E`.
public enum AsteriskEscaping {
    public static func escape(_ value: String) -> String {
        guard value.contains(where: { $0 == ";" || $0 == "^" }) else { return value }
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count + 8)
        for character in value {
            switch character {
            case "^": escaped += "^5E"
            case ";": escaped += "^3B"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Length as Postgres counts it for varchar(n): characters (code points) after escaping.
    public static func storedLength(_ value: String) -> Int {
        escape(value).unicodeScalars.count
    }
}
