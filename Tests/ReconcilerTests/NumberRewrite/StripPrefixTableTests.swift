import Reconciler
import Testing

@Suite("strip_prefix regex → dialplan rows")
struct StripPrefixTableTests {
    @Test("table", arguments: StripPrefixCases.all)
    func table(_ testCase: StripPrefixCase) {
        let result = Result { () throws(StripPrefixError) in try StripPrefix.routes(for: testCase.regex) }
        switch (testCase.outcome, result) {
        case (.routes(let expected), .success(let routes)):
            #expect(routes == expected)
        case (.rejected(let construct, let position), .failure(let error)):
            #expect(error.construct == construct, "\(error)")
            #expect(error.position == position, "\(error)")
            #expect(!error.message.isEmpty)
        case (.routes, .failure(let error)):
            Issue.record("expected rows, got error: \(error)")
        case (.rejected, .success(let routes)):
            Issue.record("expected rejection, got rows: \(routes)")
        }
    }

    @Test func tableIsLargeEnough() {
        #expect(StripPrefixCases.all.count >= 40)
        #expect(Set(StripPrefixCases.all.map(\.regex)).count == StripPrefixCases.all.count, "duplicate regex in table")
    }

    @Test("every produced pattern fits extensions.exten and has distinct rows", arguments: StripPrefixCases.accepted)
    func rowsFitTheTable(_ testCase: StripPrefixCase) throws {
        let routes = try StripPrefix.routes(for: testCase.regex)
        #expect(!routes.isEmpty)
        #expect(routes.count <= StripPrefix.maxRows)
        #expect(Set(routes).count == routes.count)
        for route in routes {
            #expect(route.pattern.count <= StripPrefix.maxExtenLength)
            #expect(route.pattern.hasPrefix("_"))
        }
    }

    @Test func overlapErrorExplainsTheFix() {
        let error = #expect(throws: StripPrefixError.self) { try StripPrefix.routes(for: "^(00|0039)") }
        #expect(error?.message.contains("'00'") == true)
        #expect(error?.message.contains("_0039X.") == true)
        #expect(error?.message.contains("longer pattern first") == true)
    }

    @Test func rowLimitIsNamedInTheMessage() {
        let error = #expect(throws: StripPrefixError.self) {
            try StripPrefix.routes(for: "^(0|1)(0|1)(0|1)(0|1)(0|1)(0|1)")
        }
        #expect(error?.message.contains("\(StripPrefix.maxRows)") == true)
    }

    @Test func quantifierPlusErrorShowsTheEscapedSpelling() {
        let error = #expect(throws: StripPrefixError.self) { try StripPrefix.routes(for: "^39+") }
        #expect(error?.message.contains("\\+") == true)
    }

    @Test func errorDescriptionQuotesConstructAndPosition() throws {
        let error = StripPrefixError(construct: "*", position: 3, message: "quantifier")
        #expect(error.description == "quantifier ('*' at position 3)")
    }

    @Test func positionsCountCharactersNotBytes() {
        let accented = #expect(throws: StripPrefixError.self) { try StripPrefix.routes(for: "^é9") }
        #expect(accented?.construct == "é")
        #expect(accented?.position == 1)
        // Arabic-Indic three is a digit to `Character.isNumber`, but no trunk dials it.
        let arabicIndic = #expect(throws: StripPrefixError.self) { try StripPrefix.routes(for: "^٣9") }
        #expect(arabicIndic?.position == 1)
        let afterEmoji = #expect(throws: StripPrefixError.self) { try StripPrefix.routes(for: "^1️⃣*") }
        #expect(afterEmoji?.position == 1)
    }

    @Test func hostileInputFailsQuickly() {
        let deep = "^" + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(throws: StripPrefixError.self) { try StripPrefix.routes(for: deep) }
        let long = "^" + String(repeating: "0", count: 100_000)
        #expect(throws: StripPrefixError.self) { try StripPrefix.routes(for: long) }
        let nested = "^((((\\d{999}){999}){999}){999})"
        #expect(throws: StripPrefixError.self) { try StripPrefix.routes(for: nested) }
    }
}
