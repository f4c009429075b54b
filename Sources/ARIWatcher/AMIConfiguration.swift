/// Where and how to reach AMI. The secret never appears in `description`,
/// `debugDescription` or `dump()`.
public struct AMIConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var host: String
    public var port: Int
    public var username: String
    public var secret: String
    /// `Events: on` is needed for unsolicited Registry/PeerStatus/ContactStatus events;
    /// action-only connections use `off` so no event traffic competes with answers.
    public var events: Bool
    public var connectTimeout: Duration
    public var loginTimeout: Duration
    public var actionTimeout: Duration

    public init(
        host: String,
        port: Int = 5038,
        username: String,
        secret: String,
        events: Bool = false,
        connectTimeout: Duration = .seconds(5),
        loginTimeout: Duration = .seconds(5),
        actionTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.secret = secret
        self.events = events
        self.connectTimeout = connectTimeout
        self.loginTimeout = loginTimeout
        self.actionTimeout = actionTimeout
    }

    public var description: String {
        "AMIConfiguration(host: \(host), port: \(port), username: \(username), secret: \(Redaction.placeholder), events: \(events))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "host": host, "port": port, "username": username, "secret": Redaction.placeholder, "events": events,
            "connectTimeout": connectTimeout, "loginTimeout": loginTimeout, "actionTimeout": actionTimeout,
        ])
    }
}
