import ArgumentParser
import Logging

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
    @Option(name: .customLong("interval"), help: settingHelp(.interval)) var interval: DurationArgument?
    @Option(name: .customLong("resync"), help: settingHelp(.resync)) var resync: DurationArgument?
    @Option(name: .customLong("realert"), help: settingHelp(.realert)) var realert: DurationArgument?
    @Option(name: .customLong("mode"), help: settingHelp(.mode)) var mode: RuntimeSettings.Mode?
    @Option(name: .customLong("listen"), help: settingHelp(.listen)) var listen: String?
    @Option(name: .customLong("ari-endpoint-match"), help: settingHelp(.ariEndpointMatch)) var ariEndpointMatch: String?
    @Option(name: .customLong("max-hold"), help: settingHelp(.maxHold)) var maxHold: DurationArgument?
    @Option(name: .customLong("registration-grace"), help: settingHelp(.registrationGrace)) var registrationGrace: DurationArgument?
    @Option(name: .customLong("reregister-after"), help: settingHelp(.reRegisterAfter)) var reRegisterAfter: DurationArgument?
    @Option(name: .customLong("db-timeout"), help: settingHelp(.dbTimeout)) var dbTimeout: DurationArgument?
    @Option(name: .customLong("ari-app"), help: settingHelp(.ariApp)) var ariApp: String?
    @Option(name: .customLong("asterisk-timeout"), help: settingHelp(.asteriskTimeout)) var asteriskTimeout: DurationArgument?
    @Option(name: .customLong("unregister-timeout"), help: settingHelp(.unregisterTimeout)) var unregisterTimeout: DurationArgument?
    @Option(name: .customLong("lock-wait"), help: settingHelp(.lockWait)) var lockWait: DurationArgument?
    @Option(name: .customLong("max-deletes"), help: settingHelp(.maxDeletes)) var maxDeletes: String?
    @Flag(name: .customLong("allow-mass-delete"), help: "\(Setting.allowMassDelete.help) Env: \(Setting.allowMassDelete.environmentName).")
    var allowMassDelete = false
    @Option(name: .customLong("output"), help: settingHelp(.output)) var output: RuntimeSettings.OutputFormat?
    @Option(name: .customLong("log-format"), help: settingHelp(.logFormat)) var logFormat: LineLogHandler.Format?
    @Option(name: .customLong("log-level"), help: settingHelp(.logLevel)) var logLevel: Logger.Level?

    var flagValues: [Setting: String] {
        let pairs: [(Setting, String?)] = [
            (.dograhDSN, dograhDSN), (.araDSN, araDSN), (.configTable, configTable), (.configFilename, configFilename),
            (.ariURL, ariURL), (.ariUsername, ariUsername), (.ariPassword, ariPassword),
            (.amiHost, amiHost), (.amiPort, amiPort), (.amiUsername, amiUsername), (.amiSecret, amiSecret),
            (.interval, interval?.text), (.resync, resync?.text), (.realert, realert?.text), (.mode, mode?.rawValue), (.listen, listen),
            (.ariEndpointMatch, ariEndpointMatch), (.maxHold, maxHold?.text), (.registrationGrace, registrationGrace?.text), (.reRegisterAfter, reRegisterAfter?.text),
            (.dbTimeout, dbTimeout?.text), (.ariApp, ariApp), (.asteriskTimeout, asteriskTimeout?.text), (.unregisterTimeout, unregisterTimeout?.text), (.lockWait, lockWait?.text), (.maxDeletes, maxDeletes),
            (.allowMassDelete, allowMassDelete ? "true" : nil),
            (.output, output?.rawValue), (.logFormat, logFormat?.rawValue), (.logLevel, logLevel?.rawValue),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { setting, value in value.map { (setting, $0) } })
    }
}

private func settingHelp(_ setting: Setting) -> ArgumentHelp {
    let fallback = setting.defaultValue.map { " Default: \($0)." } ?? ""
    return ArgumentHelp("\(setting.help) Env: \(setting.environmentName).\(fallback)", valueName: setting.isSecret ? "secret" : "value")
}
