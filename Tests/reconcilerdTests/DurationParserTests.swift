import Testing
@testable import reconcilerd

@Suite("Durations as operators write them")
struct DurationParserTests {
    @Test("accepted", arguments: [
        ("30", Duration.seconds(30)), ("30s", .seconds(30)), ("500ms", .milliseconds(500)), ("5m", .seconds(300)),
        ("1h", .seconds(3600)), ("0", .zero),
    ])
    func accepted(text: String, expected: Duration) {
        #expect(DurationParser.parse(text) == expected)
    }

    @Test("refused", arguments: ["", "s", "5 m", "-5s", "1.5s", "5d", "ms"])
    func refused(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }
}
