extension StripPrefix {
    /// A set of dialable characters: `0`–`9`, `+`, `*`, `#`. Dialled numbers contain nothing
    /// else, so a bit mask is exact and lets overlap detection intersect sets with one `&`.
    struct DialCharSet: Hashable, Sendable {
        private(set) var bits: UInt16

        /// Bit order; the specials come after the digits so `digits` is a contiguous mask.
        private static let alphabet: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "*", "#"]
        /// Asterisk bracket rendering order: `+` first reproduces the verified `[+0-9]`.
        private static let specials: [Character] = ["+", "*", "#"]

        static let empty = DialCharSet(bits: 0)
        static let digits = DialCharSet(bits: 0x03FF)
        static let plus = DialCharSet(bits: 1 << 10)

        private init(bits: UInt16) {
            self.bits = bits
        }

        init?(dialable character: Character) {
            guard let index = Self.alphabet.firstIndex(of: character) else { return nil }
            bits = 1 << UInt16(index)
        }

        /// `low...high` must lie within 0...9.
        static func digitRange(_ low: Int, _ high: Int) -> DialCharSet {
            var set = empty
            for digit in low...high { set.bits |= 1 << UInt16(digit) }
            return set
        }

        var isEmpty: Bool { bits == 0 }
        var containsDigit: Bool { bits & Self.digits.bits != 0 }

        func union(_ other: DialCharSet) -> DialCharSet { DialCharSet(bits: bits | other.bits) }
        func intersection(_ other: DialCharSet) -> DialCharSet { DialCharSet(bits: bits & other.bits) }

        func contains(_ character: Character) -> Bool {
            guard let member = DialCharSet(dialable: character) else { return false }
            return bits & member.bits != 0
        }

        var members: [Character] {
            Self.alphabet.indices.filter { bits & (1 << UInt16($0)) != 0 }.map { Self.alphabet[$0] }
        }

        /// A member to show in messages and samples: the lowest digit reads most like a number.
        var representative: Character? { members.first }

        /// One Asterisk pattern piece matching exactly this set. The rendering is injective
        /// (a single member is always a literal, `X`/`Z`/`N` only for their exact sets, brackets
        /// in one canonical order), so identical rows come only from identical sets.
        var asteriskPiece: String {
            if self == Self.digits { return "X" }
            if self == Self.digitRange(1, 9) { return "Z" }
            if self == Self.digitRange(2, 9) { return "N" }
            let members = members
            if members.count == 1 { return String(members[0]) }
            var piece = "["
            for special in Self.specials where contains(special) { piece.append(special) }
            var digit = 0
            while digit <= 9 {
                guard bits & (1 << UInt16(digit)) != 0 else {
                    digit += 1
                    continue
                }
                var end = digit
                while end < 9, bits & (1 << UInt16(end + 1)) != 0 { end += 1 }
                if end - digit >= 2 {
                    piece += "\(digit)-\(end)"
                } else {
                    for member in digit...end { piece += String(member) }
                }
                digit = end + 1
            }
            return piece + "]"
        }
    }
}
