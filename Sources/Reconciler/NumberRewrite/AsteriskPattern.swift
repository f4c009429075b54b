/// Asterisk extension matching, modelled on `_extension_match_core` in Asterisk's `pbx.c`, so
/// reconcilerd can predict which row a dialled number takes without a live PBX.
///
/// - An exten without a leading `_` matches only the identical number.
/// - After `_`: `X` = 0-9, `Z` = 1-9, `N` = 2-9 (upper or lower case, as Asterisk upper-cases
///   them), `[...]` = one character from the listed characters and `a-b` ranges, `.` = one or
///   more further characters, `!` = zero or more; spaces and `-` outside brackets are ignored;
///   any other character is literal.
/// - As in Asterisk, matching ends at the first `.` or `!`: whatever follows is ignored.
/// - An unterminated `[` never matches; an empty `[]` matches nothing and consumes nothing.
public enum AsteriskPattern {
    enum Token: Sendable {
        case literal(Character)
        case oneOf([ClosedRange<Unicode.Scalar>])
        case oneOrMore
        case zeroOrMore
    }

    public static func matches(_ pattern: String, _ number: String) -> Bool {
        guard pattern.first == "_" else { return pattern == number }
        guard let tokens = tokens(of: pattern.dropFirst()) else { return false }
        let characters = Array(number)
        var index = 0
        for token in tokens {
            switch token {
            case .oneOrMore:
                return index < characters.count
            case .zeroOrMore:
                return true
            case .literal(let literal):
                guard index < characters.count, characters[index] == literal else { return false }
            case .oneOf(let ranges):
                guard index < characters.count, contains(ranges, characters[index]) else { return false }
            }
            index += 1
        }
        return index == characters.count
    }

    /// The row Asterisk runs for `number`: the longest matching pattern; among equally long
    /// ones the lexicographically smallest (by Unicode scalar, i.e. ASCII, order) so that the
    /// choice is deterministic; among identical patterns the first in `routes`.
    public static func select(_ routes: [DialRoute], for number: String) -> DialRoute? {
        var best: DialRoute?
        for route in routes where matches(route.pattern, number) {
            if let current = best, !isPreferred(route.pattern, over: current.pattern) { continue }
            best = route
        }
        return best
    }

    /// The ordering `select` applies: longer first, then lexicographically smaller.
    public static func isPreferred(_ pattern: String, over other: String) -> Bool {
        let length = pattern.count
        let otherLength = other.count
        if length != otherLength { return length > otherLength }
        return pattern.unicodeScalars.lexicographicallyPrecedes(other.unicodeScalars)
    }

    /// Tokens of a pattern body (after `_`), up to and including the first wildcard;
    /// `nil` for an unterminated `[`.
    static func tokens(of body: Substring) -> [Token]? {
        let characters = Array(body)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "X", "x":
                tokens.append(.oneOf(["0"..."9"]))
            case "Z", "z":
                tokens.append(.oneOf(["1"..."9"]))
            case "N", "n":
                tokens.append(.oneOf(["2"..."9"]))
            case ".":
                tokens.append(.oneOrMore)
                return tokens
            case "!":
                tokens.append(.zeroOrMore)
                return tokens
            case " ", "-":
                break
            case "[":
                guard let close = characters[(index + 1)...].firstIndex(of: "]") else { return nil }
                let members = Array(characters[(index + 1)..<close])
                if !members.isEmpty { tokens.append(.oneOf(ranges(in: members))) }
                index = close
            default:
                tokens.append(.literal(character))
            }
            index += 1
        }
        return tokens
    }

    /// Asterisk reads `a-b` as a range only when `b` is not the closing bracket; a reversed
    /// range matches nothing there, so it is dropped rather than trapping `ClosedRange`.
    private static func ranges(in members: [Character]) -> [ClosedRange<Unicode.Scalar>] {
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var index = 0
        while index < members.count {
            if index + 2 < members.count, members[index + 1] == "-" {
                if let low = scalar(members[index]), let high = scalar(members[index + 2]), low <= high {
                    ranges.append(low...high)
                }
                index += 3
            } else {
                if let single = scalar(members[index]) { ranges.append(single...single) }
                index += 1
            }
        }
        return ranges
    }

    private static func scalar(_ character: Character) -> Unicode.Scalar? {
        character.unicodeScalars.count == 1 ? character.unicodeScalars.first : nil
    }

    static func contains(_ ranges: [ClosedRange<Unicode.Scalar>], _ character: Character) -> Bool {
        guard let scalar = scalar(character) else { return false }
        return ranges.contains { $0.contains(scalar) }
    }
}
