import Foundation
import Reconciler
import Testing

/// The rows, run through Asterisk's rule (`AsteriskPattern.select`, then drop `skip`), must
/// strip exactly what the regex strips when applied the way Dograh does: anchored at the
/// start, matched prefix removed, no match → no route.
///
/// Domain: the agreement is promised when the regex's remainder is at least two characters
/// long and starts with a digit (or, for an empty match, is the whole number). Shorter
/// remainders cannot satisfy the verified `X.` tail (one digit plus at least one more); for
/// them the test checks the weaker guarantee that Asterisk either drops the call or strips
/// fewer characters than the regex (a shorter prefix row can still catch the number). A
/// remainder starting with `+`, `*` or `#` is outside what the `X.` tail routes at all and is
/// only counted.
@Suite("strip_prefix rows agree with the regex")
struct StripPrefixPropertyTests {
    static let numbersPerRegex = 2000

    @Test("agreement with NSRegularExpression", arguments: StripPrefixCases.accepted)
    func rowsStripLikeTheRegex(_ testCase: StripPrefixCase) throws {
        let routes = try StripPrefix.routes(for: testCase.regex)
        let icuPattern = testCase.icuRegex ?? (testCase.regex.isEmpty ? "^" : testCase.regex)
        let regex = try NSRegularExpression(pattern: icuPattern)
        var random = SplitMix64(seed: fnv1a(testCase.regex))
        let heads = routes.map(PatternSampler.head(of:))

        var compared = 0
        var routed = 0
        var unrouted = 0
        var shortRemainder = 0
        var failures: [String] = []
        for _ in 0..<Self.numbersPerRegex {
            let number = DialledNumberGenerator.number(&random, heads: heads)
            let expected = Self.strip(number, with: regex)
            let actual = StripPrefix.sentNumber(for: number, through: routes)
            guard let remainder = expected else {
                compared += 1
                unrouted += 1
                if actual != nil { failures.append("\(number): regex no match, rows sent \(actual!)") }
                continue
            }
            let matchedSomething = remainder.count < number.count
            if matchedSomething, let first = remainder.first, !first.isASCII || !first.isNumber { continue }
            if remainder.count < 2 {
                shortRemainder += 1
                if let actual, !(actual.count > remainder.count && actual.hasSuffix(remainder)) {
                    failures.append("\(number): regex leaves \(remainder), rows sent \(actual)")
                }
                continue
            }
            compared += 1
            routed += 1
            if actual != remainder {
                failures.append("\(number): regex sends \(remainder), rows send \(actual ?? "nothing")")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) disagreements, first: \(failures.prefix(5))")
        #expect(compared >= Self.numbersPerRegex / 2, "too few numbers in the domain")
        #expect(routed >= Self.numbersPerRegex / 10, "too few numbers hit the prefixes")
        #expect(shortRemainder <= Self.numbersPerRegex / 4)
        // Regexes like `^[+0-9]` accept every first character, so nothing can miss them.
        let probes = ["+", "0", "1", "5", "9"].map { $0 + "0612345678" }
        if probes.contains(where: { Self.strip($0, with: regex) == nil }) {
            #expect(unrouted >= Self.numbersPerRegex / 20, "too few numbers miss the prefixes")
        }
    }

    @Test func generatorIsDeterministicAndSpansTheLengths() {
        let heads = [PatternSampler.head(of: DialRoute(pattern: "_+39X.", skip: 3))]
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let numbers = (0..<500).map { _ in DialledNumberGenerator.number(&first, heads: heads) }
        #expect(numbers == (0..<500).map { _ in DialledNumberGenerator.number(&second, heads: heads) })
        #expect(Set(numbers.map(\.count)) == Set(2...15))
        #expect(numbers.contains { $0.hasPrefix("+39") })
        #expect(numbers.contains { $0.hasPrefix("00") })
    }

    /// Anchored first match, as `re.match`/`re.sub(count=1)` would apply `^…`.
    static func strip(_ number: String, with regex: NSRegularExpression) -> String? {
        let range = NSRange(location: 0, length: number.utf16.count)
        guard let match = regex.firstMatch(in: number, options: [.anchored], range: range) else { return nil }
        // Generated numbers are ASCII, so UTF-16 offsets are character offsets.
        return String(number.dropFirst(match.range.location + match.range.length))
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, well-mixed and identical on every platform,
/// unlike `SystemRandomNumberGenerator` or the stdlib's `random(in:using:)` algorithms.
private struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Modulo bias is irrelevant for test data.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    mutating func element<T>(of array: [T]) -> T {
        array[below(array.count)]
    }
}

/// Stable seed per regex (`Hasher` is randomly seeded per process).
private func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return hash
}

/// Reads the prefix of a row's pattern (up to the first wildcard) as the characters each
/// position allows. Written independently of `AsteriskPattern` so the test checks it too.
private enum PatternSampler {
    static func head(of route: DialRoute) -> [[Character]] {
        let body = Array(route.pattern.dropFirst())
        var positions: [[Character]] = []
        var index = 0
        while index < body.count, body[index] != ".", body[index] != "!" {
            switch body[index] {
            case "X": positions.append(Array("0123456789"))
            case "Z": positions.append(Array("123456789"))
            case "N": positions.append(Array("23456789"))
            case "[":
                var members: [Character] = []
                index += 1
                while body[index] != "]" {
                    if index + 2 < body.count, body[index + 1] == "-", body[index + 2] != "]" {
                        let low = body[index].asciiValue!
                        let high = body[index + 2].asciiValue!
                        members += (low...high).map { Character(UnicodeScalar($0)) }
                        index += 3
                    } else {
                        members.append(body[index])
                        index += 1
                    }
                }
                positions.append(members)
            default: positions.append([body[index]])
            }
            index += 1
        }
        return positions
    }
}

/// Dialled numbers of 2…15 characters (longer for rows whose prefix alone is longer, such as
/// `^\d{37}`, so those are still hit): half derived from the rows' own prefixes (so they hit),
/// a quarter of those with one character changed (near misses), the rest built from common
/// international prefixes (`+`, `00`, country codes) and random digits. A `+` appears only
/// first, as on a real trunk.
private enum DialledNumberGenerator {
    static let prefixes = ["", "+", "00", "0", "1", "+39", "0039", "+41", "0041", "+1", "3", "39"]
    static let digits = Array("0123456789")

    static func number(_ random: inout SplitMix64, heads: [[[Character]]]) -> String {
        let longestHead = heads.map(\.count).max() ?? 0
        let maxLength = longestHead + 3 > 15 ? longestHead + 12 : 15
        let length = 2 + random.below(maxLength - 1)
        var number: [Character]
        let mode = random.below(8)
        if mode < 6, !heads.isEmpty {
            number = random.element(of: heads).map { random.element(of: $0) }
            if mode >= 4, !number.isEmpty {
                let position = random.below(number.count)
                number[position] = position == 0 && random.below(3) == 0 ? "+" : random.element(of: digits)
            }
        } else {
            number = Array(random.element(of: prefixes))
        }
        while number.count < length { number.append(random.element(of: digits)) }
        return String(number.prefix(length))
    }
}
