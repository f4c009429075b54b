/// Durations as operators write them: `30` (seconds), `30s`, `500ms`, `5m`, `1h`.
enum DurationParser {
    static func parse(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, milliseconds) in units where text.hasSuffix(suffix) {
            // "ms" must win over "s": it is tried first and "5ms" never reaches "s".
            guard let number = Int64(text.dropLast(suffix.count)), number >= 0 else { return nil }
            return .milliseconds(number * milliseconds)
        }
        guard let seconds = Int64(text), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}
