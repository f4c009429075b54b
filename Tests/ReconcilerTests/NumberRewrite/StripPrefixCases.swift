import Reconciler
import Testing

/// One row of the strip_prefix table, shared by the table test and the property test.
struct StripPrefixCase: Sendable, CustomTestStringConvertible {
    enum Outcome: Sendable {
        case routes([DialRoute])
        case rejected(construct: String, position: Int)
    }

    let regex: String
    let outcome: Outcome
    /// The same regex as ICU spells it, where our dialect differs (`^+39`: ICU has no
    /// "literal plus after ^" rule).
    let icuRegex: String?

    var testDescription: String { regex.isEmpty ? "<empty>" : regex }

    static func accepts(_ regex: String, _ rows: [(String, Int)], icu: String? = nil) -> StripPrefixCase {
        StripPrefixCase(
            regex: regex, outcome: .routes(rows.map { DialRoute(pattern: $0.0, skip: $0.1) }), icuRegex: icu)
    }

    static func rejects(_ regex: String, _ construct: String, at position: Int) -> StripPrefixCase {
        StripPrefixCase(regex: regex, outcome: .rejected(construct: construct, position: position), icuRegex: nil)
    }
}

enum StripPrefixCases {
    static let accepted: [StripPrefixCase] = [
        // Verified on Asterisk 22.
        .accepts("", [("_[+0-9].", 0)]),
        .accepts("^", [("_[+0-9].", 0)]),
        .accepts(#"^\+39"#, [("_+39X.", 3)]),
        // Literals.
        .accepts("^+39", [("_+39X.", 3)], icu: #"^\+39"#),
        .accepts("^+", [("_+X.", 1)], icu: #"^\+"#),
        .accepts("^0039", [("_0039X.", 4)]),
        .accepts("^0", [("_0X.", 1)]),
        .accepts("^00", [("_00X.", 2)]),
        .accepts(#"^\+1"#, [("_+1X.", 2)]),
        .accepts(#"^\*31#"#, [("_*31#X.", 4)]),
        .accepts("^#31#", [("_#31#X.", 4)]),
        .accepts(##"^\#31\#"##, [("_#31#X.", 4)]),
        // Classes and \d.
        .accepts(#"^\d"#, [("_XX.", 1)]),
        .accepts(#"^\d{2}"#, [("_XXX.", 2)]),
        .accepts("^[0-9]{3}", [("_XXXX.", 3)]),
        .accepts("^[2-9]", [("_NX.", 1)]),
        .accepts("^[1-9]", [("_ZX.", 1)]),
        .accepts("^[135]", [("_[135]X.", 1)]),
        .accepts("^[0-1]", [("_[01]X.", 1)]),
        .accepts("^[0-2]", [("_[0-2]X.", 1)]),
        .accepts("^[1-35-7]", [("_[1-35-7]X.", 1)]),
        .accepts("^[+0-9]", [("_[+0-9]X.", 1)]),
        .accepts(#"^[\d+]"#, [("_[+0-9]X.", 1)]),
        .accepts("^[#*+]", [("_[+*#]X.", 1)]),
        .accepts(#"^\+[135]"#, [("_+[135]X.", 2)]),
        .accepts("^1[0-9]", [("_1XX.", 2)]),
        .accepts("^[0-9]{2}[2-9]", [("_XXNX.", 3)]),
        .accepts(#"^\d{37}"#, [("_" + String(repeating: "X", count: 38) + ".", 37)]),
        // Repetition of literals and groups.
        .accepts("^0{2}39", [("_0039X.", 4)]),
        .accepts("^(39){2}", [("_3939X.", 4)]),
        // Alternation.
        .accepts(#"^\+(39|41)"#, [("_+39X.", 3), ("_+41X.", 3)]),
        .accepts(#"^(00|\+)39"#, [("_0039X.", 4), ("_+39X.", 3)]),
        .accepts(#"^(\+|00)39"#, [("_+39X.", 3), ("_0039X.", 4)]),
        .accepts(#"^(?:\+|00)39"#, [("_+39X.", 3), ("_0039X.", 4)]),
        .accepts(#"^(?:00|\+)(?:39)"#, [("_0039X.", 4), ("_+39X.", 3)]),
        .accepts("^(+39|+41)", [("_+39X.", 3), ("_+41X.", 3)], icu: #"^(\+39|\+41)"#),
        .accepts(#"^\+39|^0039"#, [("_+39X.", 3), ("_0039X.", 4)]),
        .accepts("^0039|^+39", [("_0039X.", 4), ("_+39X.", 3)], icu: #"^0039|^\+39"#),
        .accepts(#"^(\+39|0039|39)"#, [("_+39X.", 3), ("_0039X.", 4), ("_39X.", 2)]),
        .accepts(#"^((00|\+)(39|41))"#, [("_0039X.", 4), ("_0041X.", 4), ("_+39X.", 3), ("_+41X.", 3)]),
        .accepts("^(1|2)(3|4)", [("_13X.", 2), ("_14X.", 2), ("_23X.", 2), ("_24X.", 2)]),
        .accepts("^(0|00)39", [("_039X.", 3), ("_0039X.", 4)]),
        .accepts("^(0|1)(0|1)(0|1)(0|1)(0|1)", allFiveBitPrefixes),
        // Duplicates collapse to one row.
        .accepts(#"^\+39|^\+39"#, [("_+39X.", 3)]),
        .accepts("^(1|1)", [("_1X.", 1)]),
        // Overlaps the longest-exten-first rule gets right.
        .accepts("^(0039|00)", [("_0039X.", 4), ("_00X.", 2)]),
        .accepts(#"^(\+39|\+)"#, [("_+39X.", 3), ("_+X.", 1)]),
        .accepts(#"^([135]1|\d{3})"#, [("_[135]1X.", 2), ("_XXXX.", 3)]),
        // Same skip: whichever row Asterisk picks strips the same characters.
        .accepts("^(3[0-9]|[0-9]9)", [("_3XX.", 2), ("_X9X.", 2)]),
        .accepts("^" + String(repeating: "(", count: 16) + "1" + String(repeating: ")", count: 16), [("_1X.", 1)]),
        // Disjoint: `_0X.` needs a digit where `_0+X.` has the plus.
        .accepts(#"^(0|0\+)"#, [("_0X.", 1), ("_0+X.", 2)]),
    ]

    static let rejected: [StripPrefixCase] = [
        // Anchoring.
        .rejects("39", "3", at: 0),
        .rejects(#"\+39"#, "\\", at: 0),
        .rejects(#"^\+39|41"#, "4", at: 6),
        .rejects("^3^9", "^", at: 2),
        // Quantifiers.
        .rejects("^39*", "*", at: 3),
        .rejects("^*31#", "*", at: 1),
        .rejects("^39+", "+", at: 3),
        .rejects(#"^\+39+"#, "+", at: 5),
        .rejects("^++39", "+", at: 2),
        .rejects("^39?", "?", at: 3),
        .rejects(#"^\d{2,3}"#, "{2,3}", at: 3),
        .rejects(#"^\d{2,}"#, "{2,}", at: 3),
        .rejects(#"^\d{,3}"#, "{,3}", at: 3),
        .rejects(#"^\d{0}"#, "{0}", at: 3),
        .rejects("^{2}", "{2}", at: 1),
        .rejects(#"^\d{2}{3}"#, "{3}", at: 6),
        .rejects(#"^\d{2}?"#, "?", at: 6),
        .rejects(#"^\d{"#, "{", at: 3),
        .rejects(#"^\d{x}"#, "{x}", at: 3),
        .rejects(#"^\d{1000}"#, "{1000}", at: 3),
        // Back-references, lookarounds, other groups.
        .rejects(#"^(39)\1"#, "\\1", at: 5),
        .rejects(#"^\k<x>"#, "\\k", at: 1),
        .rejects("^(?=39)", "(?=", at: 1),
        .rejects("^(?!39)", "(?!", at: 1),
        .rejects("^(?<=3)9", "(?<=", at: 1),
        .rejects("^(?<!3)9", "(?<!", at: 1),
        .rejects("^(?<cc>39)", "(?<", at: 1),
        .rejects("^(?i)39", "(?i", at: 1),
        // Anchors and wildcards.
        .rejects("^39$", "$", at: 3),
        .rejects("^3.", ".", at: 2),
        .rejects(#"^\b39"#, "\\b", at: 1),
        // Parentheses.
        .rejects("^((39)", "(", at: 1),
        .rejects("^(39", "(", at: 1),
        .rejects(#"^\+39|^(41"#, "(", at: 7),
        .rejects("^(39))", ")", at: 5),
        .rejects("^39)", ")", at: 3),
        // Empty alternatives.
        .rejects("^(39|)", "|", at: 4),
        .rejects("^(|39)", "|", at: 2),
        .rejects("^()", "()", at: 1),
        .rejects("^(?:)", "(?:)", at: 1),
        .rejects("^39|", "|", at: 3),
        .rejects("^|^39", "|", at: 1),
        .rejects("|^39", "|", at: 0),
        // Classes and escapes.
        .rejects("^[^0]", "[^", at: 1),
        .rejects(#"^\w"#, "\\w", at: 1),
        .rejects(#"^\s"#, "\\s", at: 1),
        .rejects(#"^\D"#, "\\D", at: 1),
        .rejects(#"^\x41"#, "\\x", at: 1),
        .rejects("^[9-0]", "9-0", at: 2),
        .rejects("^[]", "[]", at: 1),
        .rejects("^[0-9", "[", at: 1),
        .rejects("^[0-9a]", "a", at: 5),
        .rejects("^[0-]", "-", at: 3),
        .rejects("^[+-9]", "-", at: 3),
        .rejects("^[[:digit:]]", "[", at: 2),
        .rejects(#"^39\"#, "\\", at: 3),
        .rejects("^a", "a", at: 1),
        .rejects("^ 39", " ", at: 1),
        // Overlaps the longest-exten-first rule would get wrong.
        .rejects("^(00|0039)", "0039", at: 5),
        .rejects("^0|^00", "^00", at: 3),
        .rejects("^(0|00)(0|00)", "00", at: 10),
        .rejects(#"^([0-9]{3}|[135]1)"#, "[135]1", at: 11),
        // Limits.
        .rejects("^(0|1)(0|1)(0|1)(0|1)(0|1)(0|1)", "(0|1)", at: 26),
        .rejects(#"^\d{38}"#, #"\d{38}"#, at: 1),
        .rejects(#"^\d{30}\d{8}"#, #"\d{8}"#, at: 7),
        .rejects("^[135]{8}", "[135]{8}", at: 1),
        .rejects("^(" + fortyTwoDigitCodes + ")", "(" + fortyTwoDigitCodes + ")", at: 1),
        .rejects("^" + String(repeating: "(", count: 17) + "1" + String(repeating: ")", count: 17), "(", at: 17),
    ]

    /// `10|11|…|49`: more alternatives than rows allowed.
    private static var fortyTwoDigitCodes: String {
        (10..<50).map(String.init).joined(separator: "|")
    }

    static let all = accepted + rejected

    /// 32 rows, in the order a backtracking engine tries the alternatives.
    private static var allFiveBitPrefixes: [(String, Int)] {
        var rows: [(String, Int)] = []
        for value in 0..<32 {
            var bits = ""
            for shift in stride(from: 4, through: 0, by: -1) {
                bits += (value >> shift) & 1 == 1 ? "1" : "0"
            }
            rows.append(("_" + bits + "X.", 5))
        }
        return rows
    }
}
