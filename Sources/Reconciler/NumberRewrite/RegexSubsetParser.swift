extension StripPrefix {
    /// Half-open range of character offsets in the regex, kept so errors can quote what the
    /// operator wrote.
    struct SourceSpan: Hashable, Sendable {
        let start: Int
        let end: Int
    }

    struct RegexBranch: Sendable {
        let node: RegexNode
        let span: SourceSpan

        var isEmpty: Bool {
            if case .concatenation(let items, _) = node { return items.isEmpty }
            return false
        }
    }

    /// Parsed form of the supported subset. Every atom is exactly one character, which is
    /// what makes each alternative fixed-length and thus expressible as one Asterisk row.
    indirect enum RegexNode: Sendable {
        case atom(DialCharSet, SourceSpan)
        case concatenation([RegexNode], SourceSpan)
        /// A group, or the top level; alternatives in the regex's priority order.
        case alternation([RegexBranch], SourceSpan)
        case repetition(RegexNode, count: Int, SourceSpan)

        var span: SourceSpan {
            switch self {
            case .atom(_, let span), .concatenation(_, let span), .alternation(_, let span),
                .repetition(_, _, let span):
                span
            }
        }
    }

    /// Recursive-descent parser for the documented subset. It rejects instead of ignoring:
    /// a construct it silently misread would strip the wrong digits on live calls.
    struct RegexSubsetParser {
        /// Characters, not UTF-8 bytes, so positions match what an operator counts.
        let source: [Character]
        private var position = 0
        private var groupDepth = 0
        /// `{n}` beyond this cannot fit an exten anyway; the cap keeps `Int` parsing safe.
        private static let maxRepetitionDigits = 3
        /// The parser and the expansion recurse per group; a hostile `((((…` must not be able
        /// to overflow the daemon's stack. No real prefix needs more than a few levels.
        private static let maxGroupDepth = 16

        init(_ regex: String) {
            source = Array(regex)
        }

        /// `nil` means "strip nothing" (empty regex or a lone `^`).
        mutating func parse() throws(StripPrefixError) -> RegexNode? {
            guard !source.isEmpty else { return nil }
            var branches: [RegexBranch] = []
            var separators: [Int] = []
            while true {
                let start = position
                guard position < source.count, source[position] != "|" else {
                    throw emptyAlternative(at: branches.isEmpty ? position : separators[separators.count - 1])
                }
                // `^a|b` means `(^a)|(b)` in every regex engine: `b` would match anywhere.
                guard source[position] == "^" else {
                    throw StripPrefixError(
                        construct: String(source[position]), position: position,
                        message: branches.isEmpty
                            ? "strip_prefix must be anchored with ^"
                            : "every top-level alternative must be anchored with ^ (write ^a|^b or ^(a|b))")
                }
                position += 1
                let node = try parseConcatenation()
                branches.append(RegexBranch(node: node, span: SourceSpan(start: start, end: position)))
                if position == source.count { break }
                if source[position] == ")" {
                    throw StripPrefixError(
                        construct: ")", position: position, message: "unbalanced parenthesis: ')' without '('")
                }
                separators.append(position)
                position += 1
            }
            if branches.count == 1, branches[0].isEmpty { return nil }
            if let empty = branches.firstIndex(where: \.isEmpty) {
                throw emptyAlternative(at: empty > 0 ? separators[empty - 1] : separators[0])
            }
            return .alternation(branches, SourceSpan(start: 0, end: source.count))
        }

        private mutating func parseConcatenation() throws(StripPrefixError) -> RegexNode {
            let start = position
            var items: [RegexNode] = []
            while position < source.count, source[position] != "|", source[position] != ")" {
                let itemStart = position
                let atom = try parseAtom(atBranchStart: items.isEmpty)
                items.append(try parseQuantifier(after: atom, itemStart: itemStart))
            }
            return .concatenation(items, SourceSpan(start: start, end: position))
        }

        private mutating func parseAtom(atBranchStart: Bool) throws(StripPrefixError) -> RegexNode {
            let start = position
            let character = source[start]
            switch character {
            case "(":
                return try parseGroup()
            case "[":
                let set = try parseClass()
                return .atom(set, SourceSpan(start: start, end: position))
            case "\\":
                let set = try parseEscape()
                return .atom(set, SourceSpan(start: start, end: position))
            case "+" where atBranchStart:
                // Operators write `^+39`; with nothing to repeat, `+` can only mean a plus sign.
                position += 1
                return .atom(.plus, SourceSpan(start: start, end: position))
            case "+", "*", "?":
                throw quantifierError(character, at: start)
            case "{":
                throw StripPrefixError(
                    construct: braceText(from: start), position: start,
                    message: "quantifier with nothing to repeat")
            case "^":
                throw StripPrefixError(
                    construct: "^", position: start,
                    message: "^ is only supported at the start of the regex or of a top-level alternative")
            case "$":
                throw StripPrefixError(
                    construct: "$", position: start,
                    message: "end anchor $ is not supported: strip_prefix only describes a prefix")
            case ".":
                throw StripPrefixError(
                    construct: ".", position: start,
                    message: "wildcard '.' is not supported (use \\d or a class such as [0-9])")
            default:
                guard let set = DialCharSet(dialable: character) else {
                    throw StripPrefixError(
                        construct: String(character), position: start,
                        message: "unsupported character: only digits, +, * and # can be dialled")
                }
                position += 1
                return .atom(set, SourceSpan(start: start, end: position))
            }
        }

        private mutating func parseQuantifier(
            after atom: RegexNode, itemStart: Int
        ) throws(StripPrefixError) -> RegexNode {
            guard position < source.count else { return atom }
            switch source[position] {
            case "{":
                let count = try parseRepetitionCount()
                let node = RegexNode.repetition(atom, count: count, SourceSpan(start: itemStart, end: position))
                if position < source.count {
                    let next = source[position]
                    if next == "{" {
                        throw StripPrefixError(
                            construct: braceText(from: position), position: position,
                            message: "a quantifier cannot follow another quantifier")
                    }
                    if next == "+" || next == "*" || next == "?" { throw quantifierError(next, at: position) }
                }
                return node
            case "+", "*", "?":
                throw quantifierError(source[position], at: position)
            default:
                return atom
            }
        }

        private mutating func parseRepetitionCount() throws(StripPrefixError) -> Int {
            let start = position
            guard let close = source[start...].firstIndex(of: "}") else {
                throw StripPrefixError(construct: "{", position: start, message: "unterminated repetition '{'")
            }
            let body = source[(start + 1)..<close]
            let text = String(source[start...close])
            guard !body.isEmpty, body.allSatisfy({ Self.digitValue($0) != nil || $0 == "," }) else {
                throw StripPrefixError(construct: text, position: start, message: "malformed repetition")
            }
            guard !body.contains(",") else {
                throw StripPrefixError(
                    construct: text, position: start,
                    message: "repetition ranges are not supported: every alternative must have a fixed length")
            }
            guard body.count <= Self.maxRepetitionDigits, let count = Int(String(body)) else {
                throw StripPrefixError(construct: text, position: start, message: "repetition count too large")
            }
            guard count >= 1 else {
                throw StripPrefixError(construct: text, position: start, message: "repetition count must be at least 1")
            }
            position = close + 1
            return count
        }

        private mutating func parseGroup() throws(StripPrefixError) -> RegexNode {
            let start = position
            guard groupDepth < Self.maxGroupDepth else {
                throw StripPrefixError(
                    construct: "(", position: start,
                    message: "groups are nested more than \(Self.maxGroupDepth) levels deep")
            }
            groupDepth += 1
            defer { groupDepth -= 1 }
            position += 1
            if position < source.count, source[position] == "?" {
                guard position + 1 < source.count, source[position + 1] == ":" else {
                    throw groupSyntaxError(at: start)
                }
                position += 2
            }
            var branches: [RegexBranch] = []
            var separators: [Int] = []
            while true {
                let branchStart = position
                let node = try parseConcatenation()
                branches.append(RegexBranch(node: node, span: SourceSpan(start: branchStart, end: position)))
                guard position < source.count else {
                    throw StripPrefixError(
                        construct: "(", position: start, message: "unbalanced parenthesis: '(' is never closed")
                }
                if source[position] == ")" {
                    position += 1
                    break
                }
                separators.append(position)
                position += 1
            }
            let span = SourceSpan(start: start, end: position)
            if branches.count == 1, branches[0].isEmpty {
                throw StripPrefixError(construct: text(span), position: start, message: "empty group")
            }
            if let empty = branches.firstIndex(where: \.isEmpty) {
                throw emptyAlternative(at: empty > 0 ? separators[empty - 1] : separators[0])
            }
            return .alternation(branches, span)
        }

        private mutating func parseClass() throws(StripPrefixError) -> DialCharSet {
            let start = position
            position += 1
            if position < source.count, source[position] == "^" {
                throw StripPrefixError(
                    construct: "[^", position: start, message: "negated character classes are not supported")
            }
            var set = DialCharSet.empty
            while true {
                guard position < source.count else {
                    throw StripPrefixError(construct: "[", position: start, message: "unterminated character class")
                }
                let character = source[position]
                if character == "]" {
                    guard !set.isEmpty else {
                        throw StripPrefixError(construct: "[]", position: start, message: "empty character class")
                    }
                    position += 1
                    return set
                }
                if character == "\\" {
                    set = set.union(try parseEscape())
                    continue
                }
                if character == "[" {
                    throw StripPrefixError(
                        construct: "[", position: position,
                        message: "nested or POSIX character classes are not supported")
                }
                guard let member = DialCharSet(dialable: character) else {
                    throw StripPrefixError(
                        construct: String(character), position: position,
                        message: "unsupported character in class: only digits, +, * and # can be dialled")
                }
                if let low = Self.digitValue(character), position + 2 < source.count,
                    source[position + 1] == "-", source[position + 2] != "]"
                {
                    let highCharacter = source[position + 2]
                    guard let high = Self.digitValue(highCharacter) else {
                        throw StripPrefixError(
                            construct: "-", position: position + 1, message: "ranges are only supported between digits")
                    }
                    guard low <= high else {
                        throw StripPrefixError(
                            construct: "\(character)-\(highCharacter)", position: position,
                            message: "reversed range in character class")
                    }
                    set = set.union(.digitRange(low, high))
                    position += 3
                    continue
                }
                set = set.union(member)
                position += 1
            }
        }

        /// Shared by classes and atoms: the accepted escapes mean the same in both.
        private mutating func parseEscape() throws(StripPrefixError) -> DialCharSet {
            let start = position
            guard start + 1 < source.count else {
                throw StripPrefixError(construct: "\\", position: start, message: "dangling backslash at the end")
            }
            let escaped = source[start + 1]
            let construct = "\\" + String(escaped)
            position += 2
            switch escaped {
            case "d":
                return .digits
            case "+", "*", "#":
                return DialCharSet(dialable: escaped) ?? .empty
            case "k":
                throw StripPrefixError(construct: construct, position: start, message: "back-references are not supported")
            case "D", "w", "W", "s", "S", "h", "H", "v", "V", "p", "P", "X", "R", "N":
                throw StripPrefixError(
                    construct: construct, position: start,
                    message: "character class escapes other than \\d are not supported")
            case "b", "B", "A", "z", "Z", "G":
                throw StripPrefixError(construct: construct, position: start, message: "assertions are not supported")
            default:
                if let digit = Self.digitValue(escaped), digit > 0 {
                    throw StripPrefixError(
                        construct: construct, position: start, message: "back-references are not supported")
                }
                throw StripPrefixError(
                    construct: construct, position: start,
                    message: "unsupported escape (only \\d, \\+, \\* and \\# are supported)")
            }
        }

        private func groupSyntaxError(at start: Int) -> StripPrefixError {
            let prefix4 = String(source[start..<min(start + 4, source.count)])
            let prefix3 = String(source[start..<min(start + 3, source.count)])
            if prefix4 == "(?<=" || prefix4 == "(?<!" {
                return StripPrefixError(construct: prefix4, position: start, message: "lookbehind is not supported")
            }
            if prefix3 == "(?=" || prefix3 == "(?!" {
                return StripPrefixError(construct: prefix3, position: start, message: "lookahead is not supported")
            }
            if prefix3 == "(?<" {
                return StripPrefixError(
                    construct: prefix3, position: start,
                    message: "named groups are not supported (use (...) or (?:...))")
            }
            return StripPrefixError(construct: prefix3, position: start, message: "unsupported group syntax")
        }

        private func quantifierError(_ quantifier: Character, at position: Int) -> StripPrefixError {
            let message =
                switch quantifier {
                case "+":
                    "'+' is a quantifier here and variable-length repetition is not supported "
                        + "(a literal plus must be escaped as \\+ unless it follows ^, ( or |)"
                case "*":
                    "quantifier '*' is not supported (a literal star must be escaped as \\*)"
                default:
                    "optional '?' is not supported: every alternative must have a fixed length"
                }
            return StripPrefixError(construct: String(quantifier), position: position, message: message)
        }

        private func emptyAlternative(at separator: Int) -> StripPrefixError {
            StripPrefixError(
                construct: "|", position: separator,
                message: "empty alternative: every alternative must match at least one character")
        }

        private func braceText(from start: Int) -> String {
            guard let close = source[start...].firstIndex(of: "}") else { return "{" }
            return String(source[start...close])
        }

        private func text(_ span: SourceSpan) -> String {
            String(source[span.start..<span.end])
        }

        /// ASCII only: `Character.isNumber` would accept `٣` or `³`, which no trunk dials.
        static func digitValue(_ character: Character) -> Int? {
            guard let ascii = character.asciiValue, ascii >= 48, ascii <= 57, character.unicodeScalars.count == 1
            else { return nil }
            return Int(ascii - 48)
        }
    }
}
