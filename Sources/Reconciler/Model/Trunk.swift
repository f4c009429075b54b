/// One 3CX trunk that Dograh wants provisioned, validated and ready to map to ARA rows.
public struct Trunk: Hashable, Sendable {
    public let configuration: ConfigurationRef
    /// `dograh_<slug>_<ext>`, at most `ARALimits.endpointID` characters.
    public let endpointID: String
    public let sipDomain: String
    public let extensionNumber: String
    public let authUsername: String
    public let sipPassword: Secret
    public let appName: String
    public let transport: String
    public let stripPrefix: String
    public let dialRoutes: [DialRoute]
    /// ARI base URL the configuration names, for selecting the bridge it belongs to.
    public let ariEndpoint: String?

    public init(
        configuration: ConfigurationRef, endpointID: String, sipDomain: String, extensionNumber: String,
        authUsername: String, sipPassword: Secret, appName: String, transport: String,
        stripPrefix: String, dialRoutes: [DialRoute], ariEndpoint: String? = nil
    ) {
        self.configuration = configuration
        self.endpointID = endpointID
        self.sipDomain = sipDomain
        self.extensionNumber = extensionNumber
        self.authUsername = authUsername
        self.sipPassword = sipPassword
        self.appName = appName
        self.transport = transport
        self.stripPrefix = stripPrefix
        self.dialRoutes = dialRoutes
        self.ariEndpoint = ariEndpoint
    }

    public var inboundContext: String { endpointID + "-inbound" }
    public var outboundContext: String { endpointID + "-outbound" }
}
