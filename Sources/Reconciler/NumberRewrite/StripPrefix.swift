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
///
/// Supported subset (anything else is a `StripPrefixError` naming the construct and its
/// 0-based character position):
/// - the empty string or a lone `^`: strip nothing, route every dialable number
///   (`_[+0-9].` skip 0, so `+`-numbers route too);
/// - `^` followed by a fixed-length sequence of: literal digits, `#`, `\+`, `\*`, `\#`;
///   an unescaped `+` directly after `^`, `(`, `(?:` or `|` (a literal plus, elsewhere it
///   would be a quantifier); `\d`; classes like `[0-9]`, `[2-9]`, `[135]`, `[+0-9]`;
///   groups `(...)` / `(?:...)` whose alternatives each have a fixed length;
///   `{n}` (1 ≤ n) after any of those;
/// - top-level alternation when every alternative is anchored: `^\+39|^0039`.
///
/// Every alternative becomes its own row (`_` + one Asterisk piece per character + `X.`,
/// skip = prefix length), so alternatives of different lengths keep their own skip count.
/// The `X.` tail routes any remainder of two or more characters that starts with a digit,
/// 0 and 1 included (`X`, not `N`, as verified on Asterisk 22).
///
/// ## Overlapping alternatives
/// The regex takes the *first* alternative that matches (leftmost-first backtracking);
/// Asterisk takes the *longest* matching exten (`AsteriskPattern.select`). Rows with equal
/// skip never disagree, and disjoint rows never compete. For every pair of rows with
/// different skip that can match the same number, the row of the earlier alternative must
/// also be the one Asterisk prefers — as in `^(0039|00)`, where `_0039X.` outranks `_00X.`.
/// Otherwise (`^(00|0039)`) the regex is **rejected**, naming the later alternative.
///
/// Rejecting was chosen over rewriting because Asterisk's order cannot be changed per row:
/// a faithful translation would have to subtract the earlier alternative's numbers from
/// the later rows, producing more, opaque rows for a regex that is almost always a mistake
/// (in `^(00|0039)` the `0039` branch can never match). A clear error lets the operator say
/// what they meant: usually "put the longer prefix first".
///
/// Rows come back in the regex's alternative order with duplicates removed; at most
/// `maxRows` rows and patterns of at most `maxExtenLength` characters are produced, and groups
/// may nest 16 deep (the regex comes from configuration, so its size must not crash the daemon).
public enum StripPrefix {
    /// More rows than this is treated as a mistake rather than a dialplan (`^\d\d` written as
    /// `^(0|1|…)(0|1|…)` would otherwise produce hundreds of rows).
    public static let maxRows = 32
    /// `extensions.exten` is `varchar(40)`.
    public static let maxExtenLength = 40

    static let routeEverything = DialRoute(pattern: "_[+0-9].", skip: 0)

    public static func routes(for regex: String) throws(StripPrefixError) -> [DialRoute] {
        var parser = RegexSubsetParser(regex)
        guard let root = try parser.parse() else { return [routeEverything] }
        return try PatternBuilder(source: parser.source).routes(for: root)
    }
}
