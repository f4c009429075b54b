import Reconciler

/// Turns Dograh rows into desired trunks. Every problem becomes a `ConfigurationError`
/// naming the configuration and the field; one bad configuration never stops the others.
public enum ConfigurationValidator {
    public static let defaultTransport = "transport-udp"

    /// `bridge` (from `--ari-endpoint-match`) leaves out configurations of other bridges.
    public static func snapshot(_ records: [ConfigurationRecord], bridge: BridgeSelector? = nil) -> DesiredSnapshot {
        let sorted = records.sorted(by: { $0.id < $1.id })
        var memo = DialRouteMemo()
        return resolve(sorted, results: sorted.map { validate($0, memo: &memo) }, bridge: bridge)
    }

    /// The same snapshot, the configurations validated in two halves at once (each is
    /// validated on its own; only the claims below depend on the others). At 10,000
    /// configurations validation is most of reading Dograh.
    public static func snapshotConcurrently(_ records: [ConfigurationRecord], bridge: BridgeSelector? = nil) async -> DesiredSnapshot {
        let sorted = records.sorted(by: { $0.id < $1.id })
        guard sorted.count >= 1_000 else { return snapshot(sorted, bridge: bridge) }
        let middle = sorted.count / 2
        async let firstHalf = validateAll(sorted[..<middle])
        let secondHalf = validateAll(sorted[middle...])
        return resolve(sorted, results: await firstHalf + secondHalf, bridge: bridge)
    }

    private static func validateAll(_ records: ArraySlice<ConfigurationRecord>) -> [Result<Trunk, ConfigurationError>] {
        var memo = DialRouteMemo()
        return records.map { validate($0, memo: &memo) }
    }

    /// `records` sorted by id, `results` their validation in the same order.
    private static func resolve(_ records: [ConfigurationRecord], results: [Result<Trunk, ConfigurationError>], bridge: BridgeSelector?) -> DesiredSnapshot {
        var trunks: [Trunk] = []
        var skipped: [SkippedConfiguration] = []
        var owners: [String: ConfigurationRef] = [:]
        // Lowest configuration id first: it keeps a contested endpoint id, so a newer
        // configuration of another organization can never take over or take down a trunk.
        for (record, result) in zip(records, results) {
            // Every configuration whose endpoint id is known claims it, parked or broken
            // ones too: a later configuration must not take a trunk over while its owner
            // is inactive or being fixed.
            let claimed: String? = switch result {
            case .success(let trunk): trunk.endpointID
            case .failure(let error): error.endpointID
            }
            if let id = claimed, let owner = owners[id] {
                let error = ConfigurationError(
                    configuration: record.ref, field: "sip_domain",
                    reason: "endpoint id \(id) is already provisioned by \(owner); the configuration with the lowest id keeps it",
                    endpointID: nil)
                skipped.append(SkippedConfiguration(configuration: record.ref, reason: .invalid(error)))
                continue
            }
            if let id = claimed { owners[id] = record.ref }
            switch result {
            case .failure(let error):
                skipped.append(SkippedConfiguration(configuration: record.ref, reason: .invalid(error)))
            case .success(let trunk) where record.inactive:
                skipped.append(SkippedConfiguration(configuration: record.ref, reason: .inactive(endpointID: trunk.endpointID)))
            case .success(let trunk) where bridge.map({ !$0.matches(ariEndpoint: trunk.ariEndpoint) }) ?? false:
                skipped.append(SkippedConfiguration(configuration: record.ref, reason: .notForThisBridge(endpointID: trunk.endpointID)))
            case .success(let trunk):
                trunks.append(trunk)
            }
        }
        return DesiredSnapshot(trunks: trunks, skipped: skipped)
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
