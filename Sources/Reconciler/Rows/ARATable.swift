/// The Asterisk Realtime tables reconcilerd writes, in the order parents come before
/// children (creates and updates run in this order, deletes in reverse).
public enum ARATable: Int, CaseIterable, Sendable, Comparable, Hashable {
    case psAuths, psAors, psEndpoints, psRegistrations, extensions, dialplanContexts

    /// Table name in the ARA database. The static-realtime config table's name is a
    /// setting, so `dialplanContexts` has none here (see `ARANames`).
    public var fixedName: String? {
        switch self {
        case .psAuths: "ps_auths"
        case .psAors: "ps_aors"
        case .psEndpoints: "ps_endpoints"
        case .psRegistrations: "ps_registrations"
        case .extensions: "extensions"
        case .dialplanContexts: nil
        }
    }

    /// Columns that identify a row; they are compared for equality, never updated.
    public var keyColumns: [String] {
        switch self {
        case .psAuths, .psAors, .psEndpoints, .psRegistrations: ["id"]
        case .extensions: ["context", "exten", "priority"]
        case .dialplanContexts: ["category", "var_name"]
        }
    }

    /// `keyColumns.count` and `managedColumns.count` without building the arrays (checked
    /// for every row a cycle builds).
    public var keyColumnCount: Int {
        switch self {
        case .psAuths, .psAors, .psEndpoints, .psRegistrations: 1
        case .extensions: 3
        case .dialplanContexts: 2
        }
    }

    public var managedColumnCount: Int {
        switch self {
        case .psAuths, .psAors: 3
        case .psEndpoints: 9
        case .psRegistrations: 14
        case .extensions: 2
        case .dialplanContexts: 4
        }
    }

    /// Columns reconcilerd owns. Every other column is left as the operator set it.
    public var managedColumns: [String] {
        switch self {
        case .psAuths: ["auth_type", "username", "password"]
        case .psAors: ["contact", "max_contacts", "qualify_frequency"]
        // `auth` is managed so that it stays empty: with it set, Asterisk challenges the
        // INVITEs 3CX sends and inbound calls fail (verified).
        case .psEndpoints: ["transport", "aors", "auth", "outbound_auth", "context", "disallow", "allow", "from_domain", "from_user"]
        case .psRegistrations:
            ["transport", "outbound_auth", "server_uri", "client_uri", "contact_user", "expiration", "retry_interval", "line", "endpoint",
             "max_retries", "auth_rejection_permanent", "forbidden_retry_interval", "fatal_retry_interval", "max_random_initial_delay"]
        case .extensions: ["app", "appdata"]
        case .dialplanContexts: ["var_val", "cat_metric", "var_metric", "commented"]
        }
    }

    /// Columns whose values are secrets: plans and logs show only whether they change.
    public func isSensitive(_ column: String) -> Bool {
        self == .psAuths && column == "password"
    }

    /// Columns of enum type `ast_bool_values` / `yesno_values`: compared by meaning.
    func isBoolean(_ column: String) -> Bool {
        self == .psRegistrations && (column == "line" || column == "auth_rejection_permanent")
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Table names as configured for one ARA database.
public struct ARANames: Sendable, Hashable {
    /// Static-realtime config table holding the context definitions (default `ast_config`).
    public let configTable: String
    /// `filename` value of reconcilerd's context rows (default `extensions_dograh.conf`).
    public let configFilename: String

    public init(configTable: String = "ast_config", configFilename: String = "extensions_dograh.conf") {
        self.configTable = configTable
        self.configFilename = configFilename
    }

    public func name(of table: ARATable) -> String { table.fixedName ?? configTable }
}

/// Column sizes of Asterisk's schema that a configuration can exceed.
public enum ARALimits {
    /// `extensions.context` is varchar(40) and the longest context is `<id>-outbound`.
    public static let endpointID = 31
    public static let authUsername = 40
    public static let password = 80
    public static let fromDomain = 40
    public static let fromUser = 40
    public static let transport = 40
    public static let exten = 40
    public static let appdata = 256
    public static let uri = 255
}
