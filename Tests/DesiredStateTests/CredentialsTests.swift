import Testing
@testable import DesiredState

@Suite("credentials JSON, decoded per configuration")
struct CredentialsTests {
    func kind(_ json: String, _ key: String = "v", integers: Bool = true) -> String {
        let credentials: Credentials
        do {
            credentials = try Credentials(json: json)
        } catch {
            switch error {
            case .malformed: return "malformed"
            case .notAnObject(let type): return "root \(type)"
            }
        }
        switch credentials.value(key, acceptingIntegers: integers) {
        case .absent: return "absent"
        case .string(let value): return "string \(value)"
        case .wrongType(let type): return "wrong \(type)"
        }
    }

    @Test("field values and types", arguments: [
        (#"{"v": "x"}"#, "string x"), (#"{"v": 12611}"#, "string 12611"), (#"{"v": -5}"#, "string -5"), (#"{"v": 0}"#, "string 0"),
        (#"{"v": 1}"#, "string 1"), (#"{"v": 1.5}"#, "wrong a number"), (#"{"v": 1e3}"#, "wrong a number"),
        (#"{"v": 1.0}"#, "wrong a number"), (#"{"v": 99999999999999999999}"#, "wrong a number"),
        (#"{"v": true}"#, "wrong a boolean"), (#"{"v": false}"#, "wrong a boolean"), (#"{"v": null}"#, "absent"),
        (#"{"w": "x"}"#, "absent"), (#"{"v": [1]}"#, "wrong an array"), (#"{"v": {"a": 1}}"#, "wrong an object"),
        (#"{"v": "a\"b\\c\/d\n\u00e9\ud83d\ude00"}"#, "string a\"b\\c/d\né😀"), (#"{"v": "plain ünïcode"}"#, "string plain ünïcode"),
        // A NUL stays in the value, so the validator names the field ("contains a control character").
        (#"{"v": "20\u00000"}"#, "string 20\u{0}0"),
    ])
    func values(json: String, expected: String) {
        #expect(kind(json) == expected)
    }

    @Test("an integer is the wrong type where the field does not take numbers")
    func integersOnlyWhereAccepted() {
        #expect(kind(#"{"v": 12611}"#, integers: false) == "wrong a number")
        #expect(kind(#"{"v": true}"#, integers: false) == "wrong a boolean")
    }

    @Test("the root must be an object", arguments: [
        ("7", "root a number"), (#""x""#, "root a string"), ("null", "root null"), ("[1]", "root an array"), ("true", "root a boolean"),
    ])
    func root(json: String, expected: String) {
        #expect(kind(json) == expected)
    }

    // Postgres's json input refuses malformed text before Dograh can store it (Foundation
    // would even take `{"a":1,}`); a lone surrogate it stores, and deep nesting must not crash either way.
    @Test("malformed text, a lone surrogate and deep nesting are refused, not a crash", arguments: [
        "", "{", "{\"a\"}", "{\"a\":}", "{} x", "{'a': 1}", "{a: 1}", #"{"v": "\ud800x"}"#,
        String(repeating: "[", count: 100_000),
    ])
    func malformed(json: String) {
        #expect(kind(json) == "malformed")
    }
}
