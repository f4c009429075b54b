import ARIWatcher
import Logging
import Reconciler
import ServiceLifecycle

/// Turns Asterisk events into early passes of the control loop: the ARI events WebSocket
/// (endpoint, contact and peer state) and AMI's unsolicited Registry / PeerStatus /
/// ContactStatus. The events only wake the loop; the pass itself re-reads everything.
struct AsteriskEventsService: Service, CustomStringConvertible {
    let asterisk: AsteriskSide
    let loop: AsyncStream<Controller.Event>.Continuation
    let logger: Logger

    var description: String { "AsteriskEventsService(app: \(asterisk.appName))" }

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.ariEvents() }
            group.addTask { await self.amiEvents() }
            await group.waitForAll()
        }
    }

    private func ariEvents() async {
        let stream = asterisk.ari.events(app: asterisk.appName)
        for await element in stream.cancelOnGracefulShutdown() {
            switch element {
            case .connected:
                // Events sent while disconnected are lost: resynchronise with a pass.
                loop.yield(.asteriskChanged)
            case .event(let event):
                switch event.type {
                case .endpointStateChange, .contactStatusChange, .peerStatusChange: loop.yield(.asteriskChanged)
                default: break
                }
            case .disconnected(let error):
                logger.debug("ARI events disconnected", metadata: ["cause": "\(error)"])
            }
        }
    }

    private func amiEvents() async {
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var configuration = asterisk.ami
            configuration.events = true
            do {
                let connection = try await AMIConnection.connect(configuration: configuration, logger: logger)
                failures = 0
                loop.yield(.asteriskChanged)
                for await event in connection.events.cancelOnGracefulShutdown() {
                    switch event {
                    case .registry, .peerStatus, .contactStatus: loop.yield(.asteriskChanged)
                    case .other: break
                    }
                }
                await connection.close()
            } catch {
                failures += 1
                logger.debug("AMI events unavailable", metadata: ["cause": "\(error)"])
            }
            if Task.isShuttingDownGracefully { return }
            let delay = Backoff.ariReconnect.jittered(attempt: max(failures, 1), unit: Double.random(in: -1...1))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
        }
    }
}

/// Runs the control loop under ServiceLifecycle: graceful shutdown lets the step in
/// flight finish, then the loop returns and releases the leader lock.
struct ControlLoopService: Service, CustomStringConvertible {
    let loop: ControlLoop

    var description: String { "ControlLoopService" }

    func run() async throws {
        await withGracefulShutdownHandler {
            _ = await loop.run()
        } onGracefulShutdown: {
            loop.input.yield(.shutdown)
        }
    }
}
