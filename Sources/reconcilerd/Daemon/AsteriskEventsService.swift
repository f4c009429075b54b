import ARIWatcher
import Logging
import ServiceLifecycle

/// Turns Asterisk events into early passes of the control loop: the ARI events WebSocket
/// (endpoint, contact and peer state) and AMI's unsolicited Registry / PeerStatus /
/// ContactStatus. The events only wake the loop; the pass itself re-reads everything.
struct AsteriskEventsService: Service, CustomStringConvertible {
    let asterisk: AsteriskSide
    let stop: StopFlag
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
                stop.wake()
            case .event(let event):
                switch event.type {
                case .endpointStateChange, .contactStatusChange, .peerStatusChange: stop.wake()
                default: break
                }
            case .disconnected(let error):
                logger.debug("ARI events disconnected", metadata: ["cause": "\(error)"])
            }
        }
    }

    private func amiEvents() async {
        var failures = 0
        while !Task.isCancelled && !stop.isSet {
            var configuration = asterisk.ami
            configuration.events = true
            do {
                let connection = try await AMIConnection.connect(configuration: configuration, logger: logger)
                failures = 0
                stop.wake()
                for await event in connection.events.cancelOnGracefulShutdown() {
                    switch event {
                    case .registry, .peerStatus, .contactStatus: stop.wake()
                    case .other: break
                    }
                }
                await connection.close()
            } catch {
                failures += 1
                logger.debug("AMI events unavailable", metadata: ["cause": "\(error)"])
            }
            if stop.isSet { return }
            try? await Task.sleep(for: Backoff.jittered(Backoff.delay(failures: max(failures, 1))))
        }
    }
}

/// Runs the control loop under ServiceLifecycle: graceful shutdown lets the pass in
/// flight finish, then the loop returns and releases the leader lock.
struct ControlLoopService: Service, CustomStringConvertible {
    let loop: ControlLoop
    let stop: StopFlag

    var description: String { "ControlLoopService" }

    func run() async throws {
        await withGracefulShutdownHandler {
            await loop.run()
        } onGracefulShutdown: {
            stop.set()
        }
    }
}
