/// Scrubs known secrets out of text produced by code we do not control (error
/// descriptions of NIO / AsyncHTTPClient / WSClient), so nothing we log or throw can
/// carry a password even if a dependency changes its wording.
enum Redaction {
    static let placeholder = "<redacted>"

    static func scrub(_ text: String, secrets: [String]) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: placeholder)
        }
        return result
    }
}
