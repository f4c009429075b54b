import Reconciler
import Testing

@Suite("Asterisk extension patterns")
struct AsteriskPatternTests {
    struct MatchCase: Sendable, CustomTestStringConvertible {
        let pattern: String
        let number: String
        let matches: Bool
        var testDescription: String { "\(pattern) ~ \(number) = \(matches)" }
    }

    static let matchCases: [MatchCase] = [
        // X, Z, N
        MatchCase(pattern: "_X", number: "0", matches: true),
        MatchCase(pattern: "_X", number: "9", matches: true),
        MatchCase(pattern: "_X", number: "+", matches: false),
        MatchCase(pattern: "_Z", number: "0", matches: false),
        MatchCase(pattern: "_Z", number: "1", matches: true),
        MatchCase(pattern: "_N", number: "1", matches: false),
        MatchCase(pattern: "_N", number: "2", matches: true),
        MatchCase(pattern: "_x.", number: "12", matches: true),
        // Sets and ranges
        MatchCase(pattern: "_[135]", number: "3", matches: true),
        MatchCase(pattern: "_[135]", number: "2", matches: false),
        MatchCase(pattern: "_[0-2]", number: "2", matches: true),
        MatchCase(pattern: "_[0-2]", number: "3", matches: false),
        MatchCase(pattern: "_[1-35-7]", number: "6", matches: true),
        MatchCase(pattern: "_[1-35-7]", number: "4", matches: false),
        MatchCase(pattern: "_[+0-9].", number: "+39", matches: true),
        MatchCase(pattern: "_[+0-9].", number: "061", matches: true),
        MatchCase(pattern: "_[+0-9].", number: "*31#", matches: false),
        MatchCase(pattern: "_[+*#]X", number: "#1", matches: true),
        MatchCase(pattern: "_[9-0]", number: "5", matches: false),
        MatchCase(pattern: "_[0-9", number: "5", matches: false),
        // `.` is one or more, `!` zero or more, both end the comparison.
        MatchCase(pattern: "_39.", number: "39", matches: false),
        MatchCase(pattern: "_39.", number: "391", matches: true),
        MatchCase(pattern: "_39!", number: "39", matches: true),
        MatchCase(pattern: "_39!", number: "3912", matches: true),
        MatchCase(pattern: "_39!", number: "3", matches: false),
        MatchCase(pattern: "_3.9", number: "3+", matches: true),
        // Without wildcard the length is exact.
        MatchCase(pattern: "_39", number: "39", matches: true),
        MatchCase(pattern: "_39", number: "391", matches: false),
        MatchCase(pattern: "_39", number: "3", matches: false),
        // The verified rows.
        MatchCase(pattern: "_+39X.", number: "+390612345678", matches: true),
        MatchCase(pattern: "_+39X.", number: "+391", matches: false),
        MatchCase(pattern: "_+39X.", number: "+3906", matches: true),
        MatchCase(pattern: "_+39X.", number: "+39+1", matches: false),
        MatchCase(pattern: "_+39X.", number: "0039061", matches: false),
        MatchCase(pattern: "_X.", number: "+39061", matches: false),
        MatchCase(pattern: "_*31#X.", number: "*31#0612", matches: true),
        // Spaces and dashes are ignored in patterns.
        MatchCase(pattern: "_39-X.", number: "3912", matches: true),
        // Literal extens.
        MatchCase(pattern: "+39", number: "+39", matches: true),
        MatchCase(pattern: "+39X.", number: "+3906", matches: false),
        MatchCase(pattern: "+39X.", number: "+39X.", matches: true),
        MatchCase(pattern: "s", number: "s", matches: true),
    ]

    @Test("matches", arguments: matchCases)
    func matches(_ testCase: MatchCase) {
        #expect(AsteriskPattern.matches(testCase.pattern, testCase.number) == testCase.matches)
    }

    @Test func longestMatchingPatternWins() {
        let routes = [
            DialRoute(pattern: "_00X.", skip: 2),
            DialRoute(pattern: "_0039X.", skip: 4),
            DialRoute(pattern: "_X.", skip: 0),
        ]
        #expect(AsteriskPattern.select(routes, for: "00390612")?.skip == 4)
        #expect(AsteriskPattern.select(routes, for: "00410612")?.skip == 2)
        #expect(AsteriskPattern.select(routes, for: "0612")?.skip == 0)
        #expect(AsteriskPattern.select(routes, for: "+390612") == nil)
    }

    @Test func equalLengthTieGoesToTheLexicographicallySmallerPattern() {
        let later = DialRoute(pattern: "_X9X.", skip: 2)
        let earlier = DialRoute(pattern: "_3XX.", skip: 1)
        #expect(AsteriskPattern.select([later, earlier], for: "39123") == earlier)
        #expect(AsteriskPattern.select([earlier, later], for: "39123") == earlier)
        #expect(AsteriskPattern.select([earlier, later], for: "49123") == later)
    }

    @Test func identicalPatternsKeepTheFirstRow() {
        let first = DialRoute(pattern: "_0X.", skip: 1)
        let second = DialRoute(pattern: "_0X.", skip: 0)
        #expect(AsteriskPattern.select([first, second], for: "0612") == first)
    }

    @Test func preferenceOrder() {
        #expect(AsteriskPattern.isPreferred("_0039X.", over: "_00X."))
        #expect(!AsteriskPattern.isPreferred("_00X.", over: "_0039X."))
        #expect(AsteriskPattern.isPreferred("_3XX.", over: "_X9X."))
        #expect(!AsteriskPattern.isPreferred("_0X.", over: "_0X."))
    }
}
