/// Failures of ARI calls. Carries the HTTP status and ARI's `{"message": ...}` text so an
/// operator can act on it, and never any credential: descriptions are built only from
/// method, path, status and server text, and foreign error texts are scrubbed.
public enum ARIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Any non-success status not covered by a more specific case (401, 503, ...).
    case http(method: String, path: String, status: Int, message: String?)
    /// `PUT /asterisk/modules/{m}` answered 404: the module is not loaded.
    case moduleNotLoaded(module: String, message: String?)
    /// Every attempt of a reload answered 409.
    case reloadConflict(module: String, attempts: Int, message: String?)
    case timeout(method: String, path: String, after: Duration)
    /// Connection refused, reset, DNS, ... (text already scrubbed of secrets).
    case transport(method: String, path: String, reason: String)
    case decoding(path: String, reason: String)
    /// The events WebSocket could not be opened or was closed.
    case webSocket(reason: String)

    /// HTTP status when the server answered.
    public var status: Int? {
        switch self {
        case .http(_, _, let status, _): status
        case .moduleNotLoaded: 404
        case .reloadConflict: 409
        default: nil
        }
    }

    /// ARI's `message` text when the server sent one.
    public var ariMessage: String? {
        switch self {
        case .http(_, _, _, let message), .moduleNotLoaded(_, let message), .reloadConflict(_, _, let message): message
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .http(let method, let path, let status, let message):
            "ARI \(method) \(path) failed with HTTP \(status)" + (message.map { ": \($0)" } ?? "")
        case .moduleNotLoaded(let module, let message):
            "ARI module \(module) is not loaded (HTTP 404" + (message.map { ": \($0)" } ?? "") + ")"
        case .reloadConflict(let module, let attempts, let message):
            "ARI reload of \(module) still conflicting after \(attempts) attempts (HTTP 409"
                + (message.map { ": \($0)" } ?? "") + ")"
        case .timeout(let method, let path, let after):
            "ARI \(method) \(path) timed out after \(after)"
        case .transport(let method, let path, let reason):
            "ARI \(method) \(path) failed: \(reason)"
        case .decoding(let path, let reason):
            "ARI response of \(path) could not be decoded: \(reason)"
        case .webSocket(let reason):
            "ARI events WebSocket: \(reason)"
        }
    }
}
