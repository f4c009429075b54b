import ARIWatcher
import Logging
import Reconciler

/// The running Asterisk as the control loop uses it: observe registrations and calls,
/// and tell it about committed changes. Absent when neither ARI nor AMI is configured.
struct AsteriskSide: Sendable {
    let ari: ARIClient
    let ami: AMIConfiguration
    let actuator: Actuator
    let appName: String
    let logger: Logger

    /// nil when ARI_URL and AMI_HOST are both unset; an error when only part is set.
    static func make(_ settings: RuntimeSettings, logger: Logger) throws -> AsteriskSide? {
        guard let port = try checkSettings(settings) else { return nil }
        let value = settings.resolver.value
        let ariURL = value(.ariURL), amiHost = value(.amiHost)
        let timeout = settings.asteriskTimeout
        let ari = ARIClient(configuration: ARIConfiguration(baseURL: ariURL!, username: value(.ariUsername)!, password: value(.ariPassword)!,
                                                            requestTimeout: timeout),
                            logger: logger)
        let ami = AMIConfiguration(host: amiHost!, port: port, username: value(.amiUsername)!, secret: value(.amiSecret)!,
                                   connectTimeout: timeout, loginTimeout: timeout, actionTimeout: timeout)
        return AsteriskSide(ari: ari, ami: ami, actuator: Actuator(ari: ari, ami: ami, logger: logger),
                            appName: value(.ariApp)!, logger: logger)
    }

    /// The AMI port when Asterisk is fully configured, nil when not at all; a usage error
    /// when only part of it is set.
    static func checkSettings(_ settings: RuntimeSettings) throws -> Int? {
        let value = settings.resolver.value
        if value(.ariURL) == nil && value(.amiHost) == nil { return nil }
        let missing = [Setting.ariURL, .ariUsername, .ariPassword, .amiHost, .amiUsername, .amiSecret].filter { value($0) == nil }
        guard missing.isEmpty else {
            let names = missing.map(\.environmentName).joined(separator: ", ")
            throw UsageError("Asterisk is half configured: also set \(names) (or unset ARI_URL and AMI_HOST to run on rows only)")
        }
        guard let port = Int(value(.amiPort)!), (1...65535).contains(port) else {
            throw RuntimeSettings.invalid(.amiPort, settings.resolver, "'\(value(.amiPort)!)' is not a TCP port")
        }
        return port
    }

    /// Registrations over AMI and calls over ARI; `.unreachable` when either fails.
    func observe() async -> LiveView {
        do {
            let listing = try await AMIConnection.withConnection(configuration: ami, logger: logger) { connection in
                try await connection.outboundRegistrations()
            }
            let endpoints = try await ari.endpoints()
            var registrations: [String: RegistrationStatus] = [:]
            for registration in listing { registrations[registration.id] = Self.status(registration.status) }
            let busy = Set(endpoints.filter { $0.hasActiveChannels && $0.resource.hasPrefix(Ownership.idPrefix) }.map(\.resource))
            return .observed(LiveState(registrations: registrations, endpointsWithCalls: busy))
        } catch {
            logger.warning("Asterisk not reachable; registration state unknown", metadata: ["event": "asterisk.unreachable", "cause": "\(error)"])
            return .unreachable
        }
    }

    /// Performs the actuations; returns those that failed, to be retried.
    func actuate(_ actuations: [Actuation]) async -> [Actuation] {
        guard !actuations.isEmpty else { return [] }
        let report = await actuator.perform(actuations.map(Self.action))
        let failed = Set(report.failedActions)
        for action in report.succeeded {
            logger.info("asterisk actuated", metadata: ["event": "asterisk.actuated", "action": "\(action)"])
        }
        return actuations.filter { failed.contains(Self.action($0)) }
    }

    /// Phase two of deprovisioning waits here, bounded.
    func waitUntilUnregistered(_ ids: Set<String>, timeout: Duration) async -> Bool {
        await actuator.waitUntilUnregistered(ids, timeout: timeout) == .allUnregistered
    }

    static func action(_ actuation: Actuation) -> AsteriskAction {
        switch actuation {
        case .reloadModule(let module): .reloadModule(module)
        case .register(let id): .register(id)
        }
    }

    static func status(_ status: AMIOutboundRegistration.Status?) -> RegistrationStatus {
        switch status {
        case .registered?: .registered
        case .unregistered?: .unregistered
        case .rejected?: .rejected
        case .other?, nil: .noState
        }
    }
}
