import Reconciler

/// Validates each Dograh row on its own into a trunk. Every problem becomes a
/// `ConfigurationError` naming the configuration and the field; one bad configuration never
/// stops the others. The rules between configurations live in `DesiredSnapshot.resolve`.
public enum ConfigurationValidator {
    public static let defaultTransport = "transport-udp"

    /// `bridge` (from `--ari-endpoint-match`) leaves out configurations of other bridges;
    /// `applied` is what reconcilerd last provisioned (see `DesiredSnapshot.resolve`).
    public static func snapshot(_ records: [ConfigurationRecord], bridge: BridgeSelector? = nil,
                                applied: AppliedEndpoints = AppliedEndpoints()) -> DesiredSnapshot {
        DesiredSnapshot.resolve(validated(records, bridge: bridge), applied: applied)
    }

    /// Each configuration validated on its own, by id.
    public static func validated(_ records: [ConfigurationRecord], bridge: BridgeSelector? = nil) -> [ValidatedConfiguration] {
        var memo = DialRouteMemo()
        return records.sorted(by: { $0.id < $1.id }).map { validated($0, bridge: bridge, memo: &memo) }
    }

    /// The same, in two halves at once: at 10,000 configurations validation is most of
    /// reading Dograh.
    public static func validatedConcurrently(_ records: [ConfigurationRecord], bridge: BridgeSelector? = nil) async -> [ValidatedConfiguration] {
        let sorted = records.sorted(by: { $0.id < $1.id })
        guard sorted.count >= 1_000 else { return validated(sorted, bridge: bridge) }
        let middle = sorted.count / 2
        async let firstHalf = validated(Array(sorted[..<middle]), bridge: bridge)
        let secondHalf = validated(Array(sorted[middle...]), bridge: bridge)
        return await firstHalf + secondHalf
    }

    private static func validated(_ record: ConfigurationRecord, bridge: BridgeSelector?, memo: inout DialRouteMemo) -> ValidatedConfiguration {
        let result = validate(record, memo: &memo)
        let forThisBridge: Bool = switch result {
        case .success(let trunk): bridge.map { $0.matches(ariEndpoint: trunk.ariEndpoint) } ?? true
        case .failure: true
        }
        return ValidatedConfiguration(configuration: record.ref, inactive: record.inactive, result: result, forThisBridge: forThisBridge)
    }

    public static func validate(_ record: ConfigurationRecord) -> Result<Trunk, ConfigurationError> {
        var memo = DialRouteMemo()
        return validate(record, memo: &memo)
    }

    static func validate(_ record: ConfigurationRecord, memo: inout DialRouteMemo) -> Result<Trunk, ConfigurationError> {
        var fields = FieldReader(record: record)
        do {
            let credentials = try fields.credentials()
            let domain = try fields.required("sip_domain", in: credentials).lowercased()
            try fields.check("sip_domain", domain, allowed: Self.isHostCharacter, hint: "an ASCII host name, optionally with :port (use the punycode form of international names)")
            let ext = try fields.required("extension", in: credentials)
            try fields.check("extension", ext, allowed: Self.isDialCharacter, hint: "letters, digits, +, * or #")
            let endpointID = try fields.endpointID(domain: domain, extensionNumber: ext)
            fields.endpointID = endpointID

            let password = try fields.required("sip_password", in: credentials, trim: false)
            let appName = try fields.required("app_name", in: credentials)
            try fields.check("app_name", appName, allowed: Self.isNameCharacter, hint: "letters, digits, _, . or -")
            let authUsername = try fields.optional("auth_username", in: credentials) ?? ext
            let transport = try fields.optional("transport_name", in: credentials) ?? defaultTransport
            try fields.check("transport_name", transport, allowed: Self.isNameCharacter, hint: "letters, digits, _, . or -")
            let stripPrefix = try fields.string("strip_prefix", in: credentials) ?? ""
            let routes = try fields.dialRoutes(stripPrefix, memo: &memo)
            let ariEndpoint = try fields.optional("ari_endpoint", in: credentials)

            try fields.limit("sip_domain", domain, ARALimits.fromDomain, column: "ps_endpoints.from_domain")
            try fields.limit("extension", ext, ARALimits.fromUser, column: "ps_endpoints.from_user")
            try fields.limit("auth_username", authUsername, ARALimits.authUsername, column: "ps_auths.username")
            try fields.limit("sip_password", password, ARALimits.password, column: "ps_auths.password", secret: true)
            try fields.limit("transport_name", transport, ARALimits.transport, column: "ps_endpoints.transport")
            try fields.limit("app_name", "\(appName),inbound,\(endpointID)", ARALimits.appdata, column: "extensions.appdata")

            return .success(Trunk(
                configuration: record.ref, endpointID: endpointID, sipDomain: domain, extensionNumber: ext,
                authUsername: authUsername, sipPassword: Secret(password), appName: appName, transport: transport,
                stripPrefix: stripPrefix, dialRoutes: routes, ariEndpoint: ariEndpoint))
        } catch {
            return .failure(error)
        }
    }

    static func isHostCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "0"..."9", ".", "-", ":", "[", "]": true
        default: false
        }
    }

    static func isDialCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "+", "*", "#": true
        default: false
        }
    }

    static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": true
        default: false
        }
    }
}
