import Logging
import NIOCore
import NIOPosix

/// A logged-in AMI session. The socket lives in an `AMIChannelHandler` on its event loop;
/// this class only forwards requests, so it is `Sendable` without locks.
public final class AMIConnection: Sendable {
    /// `Asterisk Call Manager/x.y.z` as received.
    public let banner: String
    /// Unsolicited events (only with `events: true`); finishes when the connection closes.
    public let events: AsyncStream<AMIEvent>
    let channel: any Channel
    let configuration: AMIConfiguration
    let logger: Logger

    private init(banner: String, events: AsyncStream<AMIEvent>, channel: any Channel, configuration: AMIConfiguration, logger: Logger) {
        self.banner = banner
        self.events = events
        self.channel = channel
        self.configuration = configuration
        self.logger = logger
    }

    deinit {
        // A forgotten connection must not keep a socket and an Asterisk session open.
        channel.close(promise: nil)
    }

    /// Connects, reads the banner and logs in, each step bounded by its timeout.
    public static func connect(
        configuration: AMIConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        registrationLookup: AMIRegistrationLookup? = nil,
        eventBufferSize: Int = 1024
    ) async throws(AMIError) -> AMIConnection {
        let eventLoop = eventLoopGroup.next()
        let loginPromise = eventLoop.makePromise(of: String.self)
        let (events, continuation) = AsyncStream.makeStream(of: AMIEvent.self, bufferingPolicy: .bufferingNewest(eventBufferSize))
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = AMIChannelHandler(
                        configuration: configuration,
                        loginPromise: loginPromise,
                        events: continuation,
                        lookup: registrationLookup,
                        logger: logger
                    )
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            loginPromise.fail(AMIError.connectionClosed)
            continuation.finish()
            let mapped: AMIError =
                if case ChannelError.connectTimeout = error {
                    .connectTimeout(host: configuration.host, port: configuration.port, after: configuration.connectTimeout)
                } else {
                    .connectFailed(
                        host: configuration.host,
                        port: configuration.port,
                        reason: Redaction.scrub(String(describing: error), secrets: [configuration.secret])
                    )
                }
            logger.warning("AMI connect failed", metadata: ["error": "\(mapped)"])
            throw mapped
        }
        do {
            let banner = try await loginPromise.futureResult.get()
            return AMIConnection(banner: banner, events: events, channel: channel, configuration: configuration, logger: logger)
        } catch {
            try? await channel.close()
            throw (error as? AMIError) ?? .connectionClosed
        }
    }

    /// Runs `body` with a connection that is logged off and closed afterwards, also on error.
    public static func withConnection<T: Sendable>(
        configuration: AMIConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        registrationLookup: AMIRegistrationLookup? = nil,
        _ body: (AMIConnection) async throws -> T
    ) async throws -> T {
        let connection = try await connect(
            configuration: configuration,
            eventLoopGroup: eventLoopGroup,
            logger: logger,
            registrationLookup: registrationLookup
        )
        do {
            let result = try await body(connection)
            await connection.logoffAndClose()
            return result
        } catch {
            await connection.logoffAndClose()
            throw error
        }
    }

    /// Sends one action and waits for its answer (bounded by `timeout` or the configured
    /// action timeout). `Response: Error` is returned, not thrown: see the typed helpers.
    public func send(_ action: AMIAction, timeout: Duration? = nil) async throws(AMIError) -> AMIResponse {
        let promise = channel.eventLoop.makePromise(of: AMIResponse.self)
        let request = AMIRequest(action: action, timeout: timeout ?? configuration.actionTimeout, promise: promise)
        channel.writeAndFlush(request).whenFailure { error in
            promise.fail(error)
        }
        do {
            return try await promise.futureResult.get()
        } catch let error as AMIError {
            throw error
        } catch {
            throw .connectionClosed
        }
    }

    /// Closes the socket without Logoff.
    public func close() async {
        try? await channel.close()
    }

    /// Polite end of session; never throws because the caller is done either way.
    public func logoffAndClose() async {
        if channel.isActive {
            _ = try? await logoff()
        }
        await close()
    }
}
