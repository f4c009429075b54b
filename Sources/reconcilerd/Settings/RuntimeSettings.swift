import ArgumentParser
import Foundation
import DesiredState
import Logging
import PGClient
import Reconciler

/// Settings resolved and checked, ready for wiring. Its description never shows a secret.
struct RuntimeSettings: Sendable, CustomStringConvertible {
    let resolver: SettingsResolver
    let names: ARANames
    let output: OutputFormat
    let logFormat: LineLogHandler.Format
    let logLevel: Logger.Level
    let policy: PlanPolicy
    let unregisterTimeout: Duration
    /// `--once --apply`: longest wait for the leader lock.
    let lockWait: Duration
    let asteriskTimeout: Duration
    let dbTimeout: Duration
    let interval: Duration
    let resync: Duration
    let realert: Duration
    let maxHold: Duration
    let registrationGrace: Duration
    let reRegisterAfter: Duration
    let mode: Mode
    /// nil: no HTTP endpoint.
    let listen: (host: String, port: Int)?
    let bridge: BridgeSelector?

    enum Mode: String, Sendable, CaseIterable { case heal, observe }

    var asteriskConfigured: Bool { resolver.value(.ariURL) != nil || resolver.value(.amiHost) != nil }

    enum OutputFormat: String, Sendable, CaseIterable { case text, json }

    init(options: CommonOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let configFile = options.configFile ?? environment["RECONCILERD_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        resolver = try SettingsResolver(flags: options.flagValues, environment: environment, configFile: configFile)
        names = ARANames(configTable: resolver.value(.configTable)!, configFilename: resolver.value(.configFilename)!)
        output = try Self.choice(.output, resolver)
        logFormat = try Self.choice(.logFormat, resolver)
        logLevel = try Self.choice(.logLevel, resolver)
        policy = PlanPolicy(maxDeletes: try Self.count(.maxDeletes, resolver), allowMassDelete: try Self.boolean(.allowMassDelete, resolver))
        unregisterTimeout = try Self.duration(.unregisterTimeout, resolver)
        lockWait = try Self.duration(.lockWait, resolver)
        asteriskTimeout = try Self.duration(.asteriskTimeout, resolver)
        dbTimeout = try Self.duration(.dbTimeout, resolver)
        guard dbTimeout >= .seconds(1) else { throw Self.invalid(.dbTimeout, resolver, "must be at least 1s") }
        interval = try Self.duration(.interval, resolver)
        resync = try Self.duration(.resync, resolver)
        realert = try Self.duration(.realert, resolver)
        maxHold = try Self.duration(.maxHold, resolver)
        registrationGrace = try Self.duration(.registrationGrace, resolver)
        reRegisterAfter = try Self.duration(.reRegisterAfter, resolver)
        mode = try Self.choice(.mode, resolver)
        guard interval > .zero else { throw Self.invalid(.interval, resolver, "must be more than 0") }
        listen = try Self.address(resolver)
        if let match = resolver.value(.ariEndpointMatch) {
            guard let selector = BridgeSelector(match) else {
                throw Self.invalid(.ariEndpointMatch, resolver, "'\(match)' is not host or host:port")
            }
            bridge = selector
        } else {
            bridge = nil
        }
    }

    static func duration(_ setting: Setting, _ resolver: SettingsResolver) throws -> Duration {
        let value = resolver.value(setting)!
        guard let duration = DurationArgument(argument: value)?.duration else {
            throw invalid(setting, resolver, "'\(value)' is not a duration (use \(DurationArgument.accepted))")
        }
        return duration
    }

    static func address(_ resolver: SettingsResolver) throws -> (host: String, port: Int)? {
        let value = resolver.value(.listen) ?? ""
        guard !value.isEmpty else { return nil }
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]), (0...65535).contains(port) else {
            throw invalid(.listen, resolver, "'\(value)' is not host:port (e.g. 127.0.0.1:9469)")
        }
        return (String(value[..<colon]), port)
    }

    static func count(_ setting: Setting, _ resolver: SettingsResolver) throws -> Int {
        let value = resolver.value(setting)!
        guard let number = Int(value), number >= 0 else {
            throw invalid(setting, resolver, "'\(value)' is not a whole number >= 0")
        }
        return number
    }

    static func boolean(_ setting: Setting, _ resolver: SettingsResolver) throws -> Bool {
        let value = resolver.value(setting)!
        switch value.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw invalid(setting, resolver, "'\(value)' is not true or false")
        }
    }

    /// Connects to the database a setting names, with the configured timeouts.
    func connect(_ setting: Setting, applicationName: String = "reconcilerd") async throws -> PGConnection {
        let seconds = Int(dbTimeout.components.seconds)
        return try await PGConnection.connect(try connectionString(setting), applicationName: applicationName,
                                              connectTimeout: seconds, queryTimeout: dbTimeout)
    }

    /// The database a setting names, or a one-line error saying how to configure it.
    func connectionString(_ setting: Setting) throws -> ConnectionString {
        guard let value = resolver.value(setting) else {
            let purpose = setting == .dograhDSN ? "Dograh" : "ARA (Asterisk realtime)"
            throw UsageError("no \(purpose) database configured: set \(setting.environmentName) (environment or config file) or --\(setting.flag)")
        }
        do {
            return try ConnectionString(value)
        } catch {
            throw UsageError("\(resolver.source(setting)): \(error)")
        }
    }

    var description: String {
        Setting.allCases.map { setting in
            let value = resolver.value(setting)
            let shown = setting.isSecret || setting == .dograhDSN || setting == .araDSN
                ? (value == nil ? "(unset)" : "(set)") : (value ?? "(unset)")
            return "\(setting.environmentName)=\(shown) [\(resolver.source(setting))]"
        }.joined(separator: "\n")
    }

    /// A bad value, named by where it came from (flag, environment or config file).
    static func invalid(_ setting: Setting, _ resolver: SettingsResolver, _ problem: String) -> UsageError {
        UsageError("\(resolver.source(setting)): \(problem)")
    }

    private static func choice<T: ExpressibleByArgument & RawRepresentable & CaseIterable>(_ setting: Setting, _ resolver: SettingsResolver) throws -> T where T.RawValue == String {
        let value = resolver.value(setting)!
        guard let choice = T(argument: value) else {
            let accepted = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid(setting, resolver, "'\(value)' is not one of the accepted values (\(accepted))")
        }
        return choice
    }
}

/// A mistake in how reconcilerd was configured; printed as one line with the fix, exit 64.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Logger.Level {
    static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
