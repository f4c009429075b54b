import ARAAdapter
import Logging
import PGClient
import ServiceLifecycle

/// `reconcilerd` without `--once`: the control loop, Asterisk events and the HTTP
/// endpoint as one ServiceGroup; SIGTERM/SIGINT shut it down gracefully.
struct Daemon {
    let settings: RuntimeSettings
    let logger: Logger

    func run() async throws {
        let araTarget = try settings.connectionString(.araDSN)
        _ = try settings.connectionString(.dograhDSN)
        let asterisk = try AsteriskSide.make(settings, logger: logger)
        let leader = LeaderLock(target: araTarget, timeout: settings.dbTimeout)
        let settings = self.settings, logger = self.logger
        let metrics = ReconcilerMetrics()
        let reporter = MetricsReporter(metrics: metrics)
        var loop = ControlLoop(options: settings.controllerOptions(once: false, writes: settings.mode == .heal), leader: leader,
                               logger: logger, connect: { try await Wiring.cycle(settings, logger: logger) })
        let board = StatusBoardKeeper(mode: settings.mode.rawValue)
        loop.hooks.passFinished = { summary, applied in
            reporter.record(summary, applied: applied, board: board.record(summary))
        }
        loop.hooks.scheduled = { board.scheduled(in: $0) }

        // A failing service shuts the group down gracefully rather than cancelling it: Hummingbird
        // must not be cancelled while it still has accepted connections queued (apple/swift-nio#2813).
        // The group still ends with the failing service's error.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let listen = settings.listen {
            services.append(.init(service: StatusHTTP.application(
                host: listen.host, port: listen.port,
                routes: HealthRoutes.routes(metrics: metrics, interval: settings.interval, board: board),
                logger: logger)))
        }
        if let asterisk {
            services.append(.init(service: AsteriskEventsService(asterisk: asterisk, loop: loop.input, logger: logger),
                                  failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        // Last in the list, first to stop: the loop finishes its pass before the rest goes.
        services.append(.init(service: ControlLoopService(loop: loop), successTerminationBehavior: .gracefullyShutdownGroup,
                              failureTerminationBehavior: .gracefullyShutdownGroup))
        logger.info("reconcilerd started", metadata: [
            "event": "daemon.started", "mode": "\(settings.mode.rawValue)", "interval": "\(settings.interval)",
            "asterisk": "\(asterisk == nil ? "not configured" : "configured")",
        ])
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
        try await group.run()
    }
}
