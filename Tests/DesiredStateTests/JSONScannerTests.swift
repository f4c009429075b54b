import Foundation
import Testing
@testable import DesiredState

@Suite("JSON scanner for credentials")
struct JSONScannerTests {
    func kind(_ text: String) -> String {
        guard let value = try? JSONScanner.parse(text) else { return "malformed" }
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .integer(let n): return "int \(n)"
        case .number: return "number"
        case .string(let s): return "string \(s)"
        case .array: return "array"
        case .object(let members): return "object " + members.keys.sorted().joined(separator: ",")
        }
    }

    @Test("values and types", arguments: [
        (#" {"a": 1, "b": [1, {"c": null}], "d": "x"} "#, "object a,b,d"),
        ("12611", "int 12611"), ("-5", "int -5"), ("1.5", "number"), ("1e3", "number"), ("99999999999999999999", "number"),
        ("true", "bool"), ("false", "bool"), ("null", "null"), ("[]", "array"), ("{}", "object "),
        (#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#, "string a\"b\\c/d\né😀"), (#""\ud800x""#, "string \u{FFFD}x"),
        (#""plain ünïcode""#, "string plain ünïcode"),
    ])
    func values(text: String, expected: String) {
        #expect(kind(text) == expected)
    }

    @Test("malformed", arguments: [
        "", "{", "{\"a\"}", "{\"a\":}", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "nul", "\"unterminated", "\"a\u{1}b\"",
        "\"\\x\"", "\"\\u12\"", "{} x", "{'a': 1}", "{a: 1}",
    ])
    func malformed(text: String) {
        #expect(kind(text) == "malformed")
    }

    @Test("deep nesting is refused, not a crash")
    func depth() {
        #expect(kind(String(repeating: "[", count: 100_000)) == "malformed")
        #expect(kind(String(repeating: "[", count: 200) + String(repeating: "]", count: 200)) == "array")
    }

    @Test("agrees with Foundation on what is valid JSON for a sample of inputs")
    func agreesWithFoundation() {
        let samples = [#"{"a":[1,2,{"b":"c"}]}"#, #"{"a":1.0e-5}"#, #"[true,false,null]"#, #"{"a":"\u0041"}"#, "[1 2]", #"{"a":1 "b":2}"#]
        for sample in samples {
            let foundation = (try? JSONSerialization.jsonObject(with: Data(sample.utf8), options: [.fragmentsAllowed])) != nil
            #expect((kind(sample) != "malformed") == foundation, "\(sample)")
        }
    }
}
