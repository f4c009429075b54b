import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// ARI on loopback (HTTP + events WebSocket) answering like the recorded Asterisk 22.10.1.
public final class ARIDouble: Sendable {
    public let state: AsteriskDoubleState
    public let port: Int
    public let username: String
    let serverChannel: any Channel
    let webSockets: ChannelRegistry
    let connections: ChannelRegistry
    let stalled: StalledUpgrades

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(
        state: AsteriskDoubleState,
        port: Int,
        username: String,
        serverChannel: any Channel,
        webSockets: ChannelRegistry,
        connections: ChannelRegistry,
        stalled: StalledUpgrades
    ) {
        self.stalled = stalled
        self.state = state
        self.port = port
        self.username = username
        self.serverChannel = serverChannel
        self.webSockets = webSockets
        self.connections = connections
    }

    /// Listens on 127.0.0.1 with an ephemeral port (or `port`).
    public static func start(
        state: AsteriskDoubleState = AsteriskDoubleState(),
        username: String = "reconcilerd",
        password: String,
        port: Int = 0,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ARIDouble {
        let router = ARIDoubleRouter(state: state, username: username, password: password)
        let webSockets = ChannelRegistry()
        let connections = ChannelRegistry()
        let stalled = StalledUpgrades()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                connections.add(channel)
                channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 20,
                    shouldUpgrade: { channel, head in
                        let (path, query) = ARIDoubleHTTPHandler.split(head.uri)
                        guard path == "/ari/events", router.isAuthorized(headers: head.headers, query: query) else {
                            return channel.eventLoop.makeSucceededFuture(nil)
                        }
                        state.record(RecordedHTTPRequest(
                            method: "GET", path: path, query: query, authorized: true,
                            headers: Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
                        ))
                        if state.ariMode == .stallWebSocketUpgrades {
                            let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                            stalled.add(promise)
                            return promise.futureResult
                        }
                        var headers = HTTPHeaders()
                        if head.headers["Sec-WebSocket-Protocol"].contains(where: { $0.contains("ari") }) {
                            headers.add(name: "Sec-WebSocket-Protocol", value: "ari")
                        }
                        return channel.eventLoop.makeSucceededFuture(headers)
                    },
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let handler = ARIDoubleWebSocketHandler(initialFrames: state.nextConnectionEvents(), registry: webSockets)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                    }
                )
                var encoder = HTTPResponseEncoder.Configuration()
                // Asterisk's own header set (incl. `Content-Length: 0` on 204) must go out untouched.
                encoder.automaticallySetFramingHeaders = false
                let httpHandlerName = "ari-double-http"
                return channel.pipeline.configureHTTPServerPipeline(
                    // After an upgrade the plain-HTTP handler must go, or WebSocket bytes reach it.
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                        context.pipeline.removeHandler(name: httpHandlerName, promise: nil)
                    }),
                    withErrorHandling: true,
                    withOutboundHeaderValidation: true,
                    withEncoderConfiguration: encoder
                ).flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(ARIDoubleHTTPHandler(router: router, state: state), name: httpHandlerName)
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        guard let boundPort = channel.localAddress?.port else { throw ChannelError.inappropriateOperationForState }
        return ARIDouble(
            state: state, port: boundPort, username: username, serverChannel: channel, webSockets: webSockets,
            connections: connections, stalled: stalled
        )
    }

    /// Sends one event (one JSON object) to every open events WebSocket.
    public func pushEvent(json: String) {
        for channel in webSockets.all {
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: json)), promise: nil)
        }
    }

    /// Number of events WebSockets open right now.
    public var openWebSockets: Int { webSockets.all.count }

    /// Drops every events WebSocket without a close frame, like a crashing Asterisk.
    public func dropWebSockets() async {
        for channel in webSockets.all {
            try? await channel.close()
        }
    }

    /// Stops listening and closes every connection: ARI is "down" afterwards.
    public func shutdown() async {
        try? await serverChannel.close()
        stalled.failAll()
        for channel in connections.all {
            try? await channel.close()
        }
    }
}
