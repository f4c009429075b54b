import PGClient

/// Builds Dograh configurations for tests. Passwords are recognisable (`sip-secret-…`)
/// so that tests can assert they never leak into output.
public enum DograhFixtures {
    public static func credentials(
        domain: String? = "1156.3cx.cloud", extension ext: String? = "12611", password: String? = "sip-secret-1",
        appName: String? = "dograh", stripPrefix: String? = "^\\+39", extra: [String: String] = [:]
    ) -> String {
        var members: [(String, String)] = []
        if let domain { members.append(("sip_domain", domain)) }
        if let ext { members.append(("extension", ext)) }
        if let password { members.append(("sip_password", password)) }
        if let appName { members.append(("app_name", appName)) }
        if let stripPrefix { members.append(("strip_prefix", stripPrefix)) }
        members.append(("app_password", "ari-secret-xyz"))
        members += extra.sorted { $0.key < $1.key }
        return "{" + members.map { "\(jsonString($0)): \(jsonString($1))" }.joined(separator: ", ") + "}"
    }

    public static func jsonString(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case let s where s.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(s.value, radix: 16).count) + String(s.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Inserts an organization if needed and a three_cx configuration; returns its id.
    @discardableResult
    public static func insert(
        _ connection: PGConnection, organization: Int = 1, name: String, credentials: String,
        inactive: Bool = false, provider: String = "three_cx"
    ) async throws -> Int {
        try await connection.query("INSERT INTO organizations (id, provider_id) VALUES (\(organization), \("org-\(organization)")) ON CONFLICT DO NOTHING")
        let result = try await connection.query("""
            INSERT INTO telephony_configurations (organization_id, name, provider, credentials, inactive, created_at, updated_at)
            VALUES (\(organization), \(name), \(provider), \(credentials)::json, \(inactive ? "true" : "false")::boolean, now(), now())
            RETURNING id
            """)
        return Int(try result.scalar() ?? "") ?? -1
    }
}
