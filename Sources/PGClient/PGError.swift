/// Errors of the libpq layer. None of them carries a password: connection strings appear
/// only in their redacted form and server messages are scrubbed of the password.
public enum PGError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidConnectionString(reason: String)
    case connectionFailed(target: String, message: String)
    /// The server rejected a statement; `sqlstate` is the five-character SQLSTATE code.
    case server(sqlstate: String, message: String, detail: String?)
    case connectionLost(target: String, message: String)
    /// No answer within the query timeout (a stalled network or server).
    case timeout(target: String, after: Duration)
    case unexpectedResult(String)

    public var description: String {
        switch self {
        case .invalidConnectionString(let reason):
            "invalid database connection string: \(reason)"
        case .connectionFailed(let target, let message):
            "cannot connect to database (\(target)): \(message)"
        case .server(let sqlstate, let message, let detail):
            "database error \(sqlstate): \(message)" + (detail.map { " (\($0))" } ?? "")
        case .connectionLost(let target, let message):
            "lost database connection (\(target)): \(message)"
        case .unexpectedResult(let message):
            "unexpected database result: \(message)"
        case .timeout(let target, let after):
            "database (\(target)) did not answer within \(after.components.seconds) s; connection abandoned"
        }
    }

    /// SQLSTATE of a server error, if any.
    public var sqlstate: String? {
        if case .server(let code, _, _) = self { return code }
        return nil
    }

    /// Connection-level failures are worth a retry; a statement the server rejects is not
    /// going to succeed unchanged.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectionFailed, .connectionLost, .timeout: true
        // Class 08: connection exception; 57P: operator intervention (shutdown, terminate).
        case .server(let code, _, _): code.hasPrefix("08") || code.hasPrefix("57P")
        case .invalidConnectionString, .unexpectedResult: false
        }
    }
}
