import Logging
import NIOCore
import NIOPosix

/// Applies `AsteriskAction`s: reloads over ARI, register/unregister over AMI.
///
/// An actor so two reconcile cycles never interleave their reloads. AMI connections are
/// opened per call and closed at its end: actions are rare, and a fresh session cannot
/// be stuck in a half-broken state from a previous cycle.
public actor Actuator {
    let ari: ARIClient
    let ami: AMIConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    public init(
        ari: ARIClient,
        ami: AMIConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.ari = ari
        self.ami = ami
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Performs `actions` in order, each distinct action once (so a module listed by many
    /// changes is reloaded once). Never throws: every action ends up in `succeeded` or
    /// `failed`.
    public func perform(_ actions: [AsteriskAction]) async -> ActuationReport {
        var seen = Set<AsteriskAction>()
        let unique = actions.filter { seen.insert($0).inserted }
        var report = ActuationReport()
        var amiSession: AMISession = .notOpened
        for action in unique {
            do {
                switch action {
                case .reloadModule(let module):
                    try await ari.reloadModule(module)
                case .register(let id):
                    try await session(&amiSession).register(id)
                case .unregister(let id):
                    try await session(&amiSession).unregister(id)
                }
                report.succeeded.append(action)
            } catch {
                logger.warning("Asterisk action failed", metadata: ["action": "\(action)", "error": "\(error)"])
                report.failed.append(.init(action: action, error: error))
            }
        }
        if case .open(let connection) = amiSession {
            await connection.logoffAndClose()
        }
        return report
    }

    private enum AMISession {
        case notOpened
        case open(AMIConnection)
        /// Connecting failed once this call: later AMI actions fail with the same error
        /// instead of each waiting for its own connect timeout.
        case failed(AMIError)
    }

    private func session(_ state: inout AMISession) async throws(AMIError) -> AMIConnection {
        switch state {
        case .open(let connection):
            return connection
        case .failed(let error):
            throw error
        case .notOpened:
            do {
                let connection = try await AMIConnection.connect(configuration: ami, eventLoopGroup: eventLoopGroup, logger: logger)
                state = .open(connection)
                return connection
            } catch {
                state = .failed(error)
                throw error
            }
        }
    }
}
