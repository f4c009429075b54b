/// AMI failures. Descriptions name the AMI user where useful, never the secret.
public enum AMIError: Error, Sendable, Hashable, CustomStringConvertible {
    case connectFailed(host: String, port: Int, reason: String)
    case connectTimeout(host: String, port: Int, after: Duration)
    /// The first line was not `Asterisk Call Manager/x.y.z` (wrong port?).
    case unexpectedBanner(String)
    case authenticationFailed(username: String, message: String?)
    case loginTimeout(after: Duration)
    case actionTimeout(action: String, after: Duration)
    /// `Response: Error` for an action, with Asterisk's `Message`.
    case actionFailed(action: String, message: String?)
    /// `PJSIPRegister`/`PJSIPUnregister`: "Unable to retrieve registration entry".
    case unknownRegistration(String)
    /// `OutboundRegistrationDetailComplete` counts differ from what was received: the
    /// listing is incomplete or garbled and must not drive decisions.
    case listCountMismatch(expected: AMIListCounts, received: AMIListCounts)
    case connectionClosed
    case notLoggedIn
    case protocolViolation(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .connectFailed(let host, let port, let reason): "AMI connection to \(host):\(port) failed: \(reason)"
        case .connectTimeout(let host, let port, let after): "AMI connection to \(host):\(port) timed out after \(after)"
        case .unexpectedBanner(let banner): "AMI banner not recognised: \(banner.prefix(80))"
        case .authenticationFailed(let username, let message):
            "AMI login of user \(username) failed" + (message.map { ": \($0)" } ?? "")
        case .loginTimeout(let after): "AMI login timed out after \(after)"
        case .actionTimeout(let action, let after): "AMI action \(action) timed out after \(after)"
        case .actionFailed(let action, let message): "AMI action \(action) failed" + (message.map { ": \($0)" } ?? "")
        case .unknownRegistration(let id): "AMI does not know outbound registration \(id)"
        case .listCountMismatch(let expected, let received):
            "AMI registration listing inconsistent: completion says \(expected), received \(received)"
        case .connectionClosed: "AMI connection closed"
        case .notLoggedIn: "AMI connection is not logged in"
        case .protocolViolation(let reason): "AMI protocol violation: \(reason)"
        case .invalidArgument(let reason): "AMI invalid argument: \(reason)"
        }
    }
}

/// The counts of an `OutboundRegistrationDetailComplete` event.
public struct AMIListCounts: Sendable, Hashable, CustomStringConvertible {
    public var listItems: Int
    public var registered: Int
    public var notRegistered: Int

    public init(listItems: Int, registered: Int, notRegistered: Int) {
        self.listItems = listItems
        self.registered = registered
        self.notRegistered = notRegistered
    }

    public var description: String {
        "ListItems \(listItems), Registered \(registered), NotRegistered \(notRegistered)"
    }
}
