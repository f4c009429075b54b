import ArgumentParser

/// The settings every command shares. Each flag has an environment variable and a
/// config-file key of the same name (see `Setting`).
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("Config file of KEY=value lines (environment-variable names). Env: RECONCILERD_CONFIG.", valueName: "file"))
    var configFile: String?

    @Option(name: .customLong("dograh-dsn"), help: settingHelp(.dograhDSN)) var dograhDSN: String?
    @Option(name: .customLong("ara-dsn"), help: settingHelp(.araDSN)) var araDSN: String?
    @Option(name: .customLong("config-table"), help: settingHelp(.configTable)) var configTable: String?
    @Option(name: .customLong("config-filename"), help: settingHelp(.configFilename)) var configFilename: String?
    @Option(name: .customLong("ari-url"), help: settingHelp(.ariURL)) var ariURL: String?
    @Option(name: .customLong("ari-username"), help: settingHelp(.ariUsername)) var ariUsername: String?
    @Option(name: .customLong("ari-password"), help: settingHelp(.ariPassword)) var ariPassword: String?
    @Option(name: .customLong("ami-host"), help: settingHelp(.amiHost)) var amiHost: String?
    @Option(name: .customLong("ami-port"), help: settingHelp(.amiPort)) var amiPort: String?
    @Option(name: .customLong("ami-username"), help: settingHelp(.amiUsername)) var amiUsername: String?
    @Option(name: .customLong("ami-secret"), help: settingHelp(.amiSecret)) var amiSecret: String?
    @Option(name: .customLong("interval"), help: settingHelp(.interval)) var interval: String?
    @Option(name: .customLong("resync"), help: settingHelp(.resync)) var resync: String?
    @Option(name: .customLong("realert"), help: settingHelp(.realert)) var realert: String?
    @Option(name: .customLong("mode"), help: settingHelp(.mode)) var mode: String?
    @Option(name: .customLong("listen"), help: settingHelp(.listen)) var listen: String?
    @Option(name: .customLong("ari-endpoint-match"), help: settingHelp(.ariEndpointMatch)) var ariEndpointMatch: String?
    @Option(name: .customLong("max-hold"), help: settingHelp(.maxHold)) var maxHold: String?
    @Option(name: .customLong("registration-grace"), help: settingHelp(.registrationGrace)) var registrationGrace: String?
    @Option(name: .customLong("reregister-after"), help: settingHelp(.reRegisterAfter)) var reRegisterAfter: String?
    @Option(name: .customLong("db-timeout"), help: settingHelp(.dbTimeout)) var dbTimeout: String?
    @Option(name: .customLong("ari-app"), help: settingHelp(.ariApp)) var ariApp: String?
    @Option(name: .customLong("asterisk-timeout"), help: settingHelp(.asteriskTimeout)) var asteriskTimeout: String?
    @Option(name: .customLong("unregister-timeout"), help: settingHelp(.unregisterTimeout)) var unregisterTimeout: String?
    @Option(name: .customLong("lock-wait"), help: settingHelp(.lockWait)) var lockWait: String?
    @Option(name: .customLong("max-deletes"), help: settingHelp(.maxDeletes)) var maxDeletes: String?
    @Flag(name: .customLong("allow-mass-delete"), help: "\(Setting.allowMassDelete.help) Env: \(Setting.allowMassDelete.environmentName).")
    var allowMassDelete = false
    @Option(name: .customLong("output"), help: settingHelp(.output)) var output: String?
    @Option(name: .customLong("log-format"), help: settingHelp(.logFormat)) var logFormat: String?
    @Option(name: .customLong("log-level"), help: settingHelp(.logLevel)) var logLevel: String?

    var flagValues: [Setting: String] {
        let pairs: [(Setting, String?)] = [
            (.dograhDSN, dograhDSN), (.araDSN, araDSN), (.configTable, configTable), (.configFilename, configFilename),
            (.ariURL, ariURL), (.ariUsername, ariUsername), (.ariPassword, ariPassword),
            (.amiHost, amiHost), (.amiPort, amiPort), (.amiUsername, amiUsername), (.amiSecret, amiSecret),
            (.interval, interval), (.resync, resync), (.realert, realert), (.mode, mode), (.listen, listen),
            (.ariEndpointMatch, ariEndpointMatch), (.maxHold, maxHold), (.registrationGrace, registrationGrace), (.reRegisterAfter, reRegisterAfter),
            (.dbTimeout, dbTimeout), (.ariApp, ariApp), (.asteriskTimeout, asteriskTimeout), (.unregisterTimeout, unregisterTimeout), (.lockWait, lockWait), (.maxDeletes, maxDeletes),
            (.allowMassDelete, allowMassDelete ? "true" : nil),
            (.output, output), (.logFormat, logFormat), (.logLevel, logLevel),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { setting, value in value.map { (setting, $0) } })
    }
}

private func settingHelp(_ setting: Setting) -> ArgumentHelp {
    let fallback = setting.defaultValue.map { " Default: \($0)." } ?? ""
    return ArgumentHelp("\(setting.help) Env: \(setting.environmentName).\(fallback)", valueName: setting.isSecret ? "secret" : "value")
}
