/// One outbound registration as the doubles know it: the realtime row plus its auth
/// (the double reproduces the AuthDetail block with its password) and its live state.
public struct DoubleRegistration: Sendable, Hashable {
    public var id: String
    public var clientURI: String
    public var serverURI: String
    public var contactUser: String
    public var authUsername: String
    public var password: String
    /// `Registered`, `Unregistered`, `Rejected`, ...; nil = Asterisk has no state yet.
    public var status: String?

    public init(
        id: String,
        clientURI: String,
        serverURI: String,
        contactUser: String,
        authUsername: String,
        password: String,
        status: String?
    ) {
        self.id = id
        self.clientURI = clientURI
        self.serverURI = serverURI
        self.contactUser = contactUser
        self.authUsername = authUsername
        self.password = password
        self.status = status
    }

    /// The trunk of the recordings (`ami_show_registrations.txt`).
    public static func recorded(status: String? = "Registered", password: String = "sip-secret") -> DoubleRegistration {
        DoubleRegistration(
            id: "dograh_127_0_0_1_5070_12611",
            clientURI: "sip:12611@127.0.0.1:5070",
            serverURI: "sip:127.0.0.1:5070",
            contactUser: "12611",
            authUsername: "12611",
            password: password,
            status: status
        )
    }
}
