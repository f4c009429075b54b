import Foundation

/// Where and how to reach ARI. The password never appears in `description`,
/// `debugDescription` or a `dump()` (Mirror), because configs end up in log lines and in
/// error texts of service frameworks.
public struct ARIConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Base URL without credentials and without a trailing slash, e.g. `http://127.0.0.1:8088`.
    public let baseURL: String
    public let username: String
    public let password: String
    /// Bound for every REST call, and for the WebSocket handshake of the event stream.
    public var requestTimeout: Duration
    public var reloadRetry: ARIRetryPolicy

    /// Credentials embedded in `baseURL` (`http://user:pw@host`) are stripped from it;
    /// they are used only when `username`/`password` are empty.
    public init(
        baseURL: String,
        username: String,
        password: String,
        requestTimeout: Duration = .seconds(10),
        reloadRetry: ARIRetryPolicy = .init()
    ) {
        let sanitized = Self.stripCredentials(from: baseURL)
        self.baseURL = sanitized.url
        self.username = username.isEmpty ? (sanitized.user ?? "") : username
        self.password = password.isEmpty ? (sanitized.password ?? "") : password
        self.requestTimeout = requestTimeout
        self.reloadRetry = reloadRetry
    }

    public var description: String {
        "ARIConfiguration(baseURL: \(baseURL), username: \(username), password: \(Redaction.placeholder), requestTimeout: \(requestTimeout))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "baseURL": baseURL, "username": username, "password": Redaction.placeholder,
            "requestTimeout": requestTimeout, "reloadRetry": reloadRetry,
        ])
    }

    /// Value of the `Authorization` header.
    var authorizationHeader: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// Everything that must be scrubbed from foreign error texts.
    var secrets: [String] {
        let token = Data("\(username):\(password)".utf8).base64EncodedString()
        return [token, password]
    }

    static func stripCredentials(from raw: String) -> (url: String, user: String?, password: String?) {
        var text = raw.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard let schemeEnd = text.range(of: "://") else { return (text, nil, nil) }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return (text, nil, nil) }
        let userInfo = authority[..<at]
        var user: String?
        var password: String?
        if let colon = userInfo.firstIndex(of: ":") {
            user = String(userInfo[..<colon]).removingPercentEncoding
            password = String(userInfo[userInfo.index(after: colon)...]).removingPercentEncoding
        } else {
            user = String(userInfo).removingPercentEncoding
        }
        let url = String(text[..<schemeEnd.upperBound]) + String(authority[authority.index(after: at)...])
            + String(afterScheme[authorityEnd...])
        return (url, user, password)
    }
}
