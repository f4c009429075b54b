import Reconciler

/// Dial routes by `strip_prefix` text. Thousands of configurations share a handful of
/// prefixes, and parsing one into routes costs more than everything else a configuration
/// needs; the result (or the error, which names no configuration) depends only on the text.
struct DialRouteMemo {
    private var known: [String: Result<[DialRoute], StripPrefixError>] = [:]

    mutating func routes(for stripPrefix: String) -> Result<[DialRoute], StripPrefixError> {
        if let result = known[stripPrefix] { return result }
        let result = Self.compute(stripPrefix)
        // Bounded: a flood of distinct prefixes must not grow the cache without limit.
        if known.count < 1024 { known[stripPrefix] = result }
        return result
    }

    private static func compute(_ stripPrefix: String) -> Result<[DialRoute], StripPrefixError> {
        do {
            let routes = try StripPrefix.routes(for: stripPrefix)
            if let long = routes.first(where: { $0.pattern.unicodeScalars.count > ARALimits.exten }) {
                return .failure(StripPrefixError(construct: long.pattern, position: 0, message: "dialplan pattern longer than \(ARALimits.exten) characters"))
            }
            return .success(routes)
        } catch {
            return .failure(error)
        }
    }
}
