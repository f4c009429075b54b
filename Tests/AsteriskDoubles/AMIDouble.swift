import NIOCore
import NIOPosix

/// AMI on loopback answering like the recorded Asterisk 22.10.1.
public final class AMIDouble: Sendable {
    public let state: AsteriskDoubleState
    public let port: Int
    let serverChannel: any Channel
    let sessions: ChannelRegistry

    private init(state: AsteriskDoubleState, port: Int, serverChannel: any Channel, sessions: ChannelRegistry) {
        self.state = state
        self.port = port
        self.serverChannel = serverChannel
        self.sessions = sessions
    }

    public static func start(
        state: AsteriskDoubleState = AsteriskDoubleState(),
        username: String = "reconcilerd",
        secret: String,
        port: Int = 0,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> AMIDouble {
        let sessions = ChannelRegistry()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                sessions.add(channel)
                channel.closeFuture.whenComplete { _ in sessions.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AMIDoubleHandler(state: state, username: username, secret: secret))
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        guard let boundPort = channel.localAddress?.port else { throw ChannelError.inappropriateOperationForState }
        return AMIDouble(state: state, port: boundPort, serverChannel: channel, sessions: sessions)
    }

    /// Sends raw event text to every session logged in with events on.
    public func push(_ text: String) {
        for channel in sessions.all {
            channel.eventLoop.execute {
                channel.pipeline.fireUserInboundEventTriggered(AMIDoubleHandler.Push(text: text))
            }
        }
    }

    public func pushRegistry(clientURI: String, serverURI: String, status: String) {
        push(AMIDoubleRenderer.registry(clientURI: clientURI, serverURI: serverURI, status: status))
    }

    public func pushPeerStatus(endpoint: String, status: String) {
        push(AMIDoubleRenderer.peerStatus(endpoint: endpoint, status: status))
    }

    public func pushContactStatus(uri: String, status: String, aor: String, endpoint: String, roundtripUsec: Int) {
        push(AMIDoubleRenderer.contactStatus(uri: uri, status: status, aor: aor, endpoint: endpoint, roundtripUsec: roundtripUsec))
    }

    public func pushReload(module: String) {
        push(AMIDoubleRenderer.reload(module: module))
    }

    public var openSessions: Int { sessions.all.count }

    public func shutdown() async {
        try? await serverChannel.close()
        for channel in sessions.all {
            try? await channel.close()
        }
    }
}
