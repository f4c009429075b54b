/// Every setting reconcilerd reads, with its flag, environment variable (which is also
/// its key in the config file) and default. One table, so that help, config file,
/// example file and documentation cannot drift apart.
enum Setting: String, CaseIterable, Sendable {
    case dograhDSN, araDSN, configTable, configFilename
    case ariURL, ariUsername, ariPassword
    case amiHost, amiPort, amiUsername, amiSecret
    case dbTimeout, ariApp, asteriskTimeout, unregisterTimeout, lockWait, maxDeletes, allowMassDelete
    case interval, resync, realert, mode, listen, ariEndpointMatch, maxHold, registrationGrace, reRegisterAfter
    case output, logFormat, logLevel

    var flag: String {
        switch self {
        case .dograhDSN: "dograh-dsn"
        case .araDSN: "ara-dsn"
        case .configTable: "config-table"
        case .configFilename: "config-filename"
        case .ariURL: "ari-url"
        case .ariUsername: "ari-username"
        case .ariPassword: "ari-password"
        case .amiHost: "ami-host"
        case .amiPort: "ami-port"
        case .amiUsername: "ami-username"
        case .amiSecret: "ami-secret"
        case .interval: "interval"
        case .resync: "resync"
        case .realert: "realert"
        case .mode: "mode"
        case .listen: "listen"
        case .ariEndpointMatch: "ari-endpoint-match"
        case .maxHold: "max-hold"
        case .registrationGrace: "registration-grace"
        case .reRegisterAfter: "reregister-after"
        case .dbTimeout: "db-timeout"
        case .ariApp: "ari-app"
        case .asteriskTimeout: "asterisk-timeout"
        case .unregisterTimeout: "unregister-timeout"
        case .lockWait: "lock-wait"
        case .maxDeletes: "max-deletes"
        case .allowMassDelete: "allow-mass-delete"
        case .output: "output"
        case .logFormat: "log-format"
        case .logLevel: "log-level"
        }
    }

    /// Environment variable, and the key of the same setting in the config file.
    var environmentName: String {
        switch self {
        case .dograhDSN: "DATABASE_URL"
        case .araDSN: "ASTERISK_ARA_DSN"
        case .configTable: "RECONCILERD_CONFIG_TABLE"
        case .configFilename: "RECONCILERD_CONFIG_FILENAME"
        case .ariURL: "ARI_URL"
        case .ariUsername: "ARI_USERNAME"
        case .ariPassword: "ARI_PASSWORD"
        case .amiHost: "AMI_HOST"
        case .amiPort: "AMI_PORT"
        case .amiUsername: "AMI_USERNAME"
        case .amiSecret: "AMI_SECRET"
        case .interval: "RECONCILERD_INTERVAL"
        case .resync: "RECONCILERD_RESYNC"
        case .realert: "RECONCILERD_REALERT"
        case .mode: "RECONCILERD_MODE"
        case .listen: "RECONCILERD_LISTEN"
        case .ariEndpointMatch: "RECONCILERD_ARI_ENDPOINT_MATCH"
        case .maxHold: "RECONCILERD_MAX_HOLD"
        case .registrationGrace: "RECONCILERD_REGISTRATION_GRACE"
        case .reRegisterAfter: "RECONCILERD_REREGISTER_AFTER"
        case .dbTimeout: "RECONCILERD_DB_TIMEOUT"
        case .ariApp: "RECONCILERD_ARI_APP"
        case .asteriskTimeout: "RECONCILERD_ASTERISK_TIMEOUT"
        case .unregisterTimeout: "RECONCILERD_UNREGISTER_TIMEOUT"
        case .lockWait: "RECONCILERD_LOCK_WAIT"
        case .maxDeletes: "RECONCILERD_MAX_DELETES"
        case .allowMassDelete: "RECONCILERD_ALLOW_MASS_DELETE"
        case .output: "RECONCILERD_OUTPUT"
        case .logFormat: "RECONCILERD_LOG_FORMAT"
        case .logLevel: "RECONCILERD_LOG_LEVEL"
        }
    }

    var defaultValue: String? {
        switch self {
        case .configTable: "ast_config"
        case .configFilename: "extensions_dograh.conf"
        case .amiPort: "5038"
        case .interval: "2s"
        case .resync: "5m"
        case .realert: "15m"
        case .mode: "heal"
        case .listen: "127.0.0.1:9469"
        case .maxHold: "10m"
        case .registrationGrace: "2m"
        case .reRegisterAfter: "30s"
        case .ariEndpointMatch: nil
        case .dbTimeout: "30s"
        case .ariApp: "reconcilerd"
        case .asteriskTimeout: "5s"
        case .unregisterTimeout: "10s"
        case .lockWait: "5s"
        case .maxDeletes: "10"
        case .allowMassDelete: "false"
        case .output: "text"
        case .logFormat: "logfmt"
        case .logLevel: "info"
        case .dograhDSN, .araDSN, .ariURL, .ariUsername, .ariPassword, .amiHost, .amiUsername, .amiSecret: nil
        }
    }

    /// An explicitly empty value switches the feature off instead of falling back to the default.
    var emptyMeansOff: Bool { self == .listen }

    /// Secret settings are never echoed, and better kept out of the command line
    /// (visible in `ps`): set them in the environment or the config file.
    var isSecret: Bool { self == .ariPassword || self == .amiSecret }

    var help: String {
        switch self {
        case .dograhDSN: "Dograh's database (libpq DSN or URL; SQLAlchemy's postgresql+asyncpg:// is accepted)."
        case .araDSN: "The Asterisk Realtime (ARA) database reconcilerd writes."
        case .configTable: "Static-realtime config table holding the dialplan context rows."
        case .configFilename: "filename value of reconcilerd's context rows (the file extensions.conf #includes)."
        case .ariURL: "ARI base URL of the Asterisk bridge, e.g. http://127.0.0.1:8088."
        case .ariUsername: "ARI user (ari.conf)."
        case .ariPassword: "ARI password; prefer the environment or the config file."
        case .amiHost: "AMI host (manager.conf)."
        case .amiPort: "AMI port."
        case .amiUsername: "AMI user (read/write: system,reporting)."
        case .amiSecret: "AMI secret; prefer the environment or the config file."
        case .interval: "Daemon: how often to check Dograh for changes (a cheap count/updated_at check; the full diff runs only on change)."
        case .resync: "Daemon: full diff at least this often even when nothing seems changed (catches hand edits)."
        case .realert: "Daemon: a drift that persists is logged again at most this often."
        case .mode: "Daemon: heal (apply the plan) or observe (report drift, write nothing)."
        case .listen: "Daemon: address of /status, /status.json, /metrics, /healthz and /readyz (host:port; empty disables)."
        case .ariEndpointMatch: "Only configurations whose ari_endpoint has this host (or host:port); others are 'not for this bridge'. Default: all."
        case .maxHold: "Longest a change is held back while its trunk has calls up."
        case .reRegisterAfter: "Daemon: first PJSIPRegister for a trunk that stays Rejected or Unregistered; the wait doubles per attempt up to 30m (±20 %)."
        case .registrationGrace: "How long a trunk may stay Rejected or Unregistered before registration.failed is logged."
        case .dbTimeout: "Bounds every database connect and statement; a stalled network fails the cycle instead of hanging it."
        case .ariApp: "ARI application name for the events WebSocket."
        case .asteriskTimeout: "Timeout of each ARI request and AMI action (an unreachable Asterisk costs at most this per call)."
        case .lockWait: "--once --apply: how long to wait for the leader lock while a daemon holds it, then exit 1 writing nothing."
        case .unregisterTimeout: "How long deprovisioning waits for Asterisk to drop a registration before deleting its auth (30, 30s, 5m)."
        case .maxDeletes: "Most trunks one cycle may remove (prune budget; also refuses removing over half of more than two owned trunks)."
        case .allowMassDelete: "true lifts the prune budget for this run."
        case .output: "Plan output: text or json."
        case .logFormat: "Log lines: logfmt or json."
        case .logLevel: "Log level: trace, debug, info, notice, warning, error, critical."
        }
    }
}
