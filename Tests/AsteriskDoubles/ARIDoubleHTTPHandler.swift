import NIOCore
import NIOHTTP1

/// Answers plain ARI requests; WebSocket upgrades are taken by the upgrader before this.
final class ARIDoubleHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: ARIDoubleRouter
    private let state: AsteriskDoubleState
    private var head: HTTPRequestHead?

    init(router: ARIDoubleRouter, state: AsteriskDoubleState) {
        self.router = router
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            let (path, query) = Self.split(head.uri)
            let authorized = router.isAuthorized(headers: head.headers, query: query)
            state.record(RecordedHTTPRequest(
                method: head.method.rawValue,
                path: path,
                query: query,
                authorized: authorized,
                headers: Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            ))
            if state.ariMode == .hang { return }
            let response = router.respond(method: head.method, path: path, authorized: authorized)
            context.write(wrapOutboundOut(.head(response.head)), promise: nil)
            if let body = response.body {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            }
            let keepAlive = head.isKeepAlive
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { channel.close(promise: nil) }
            }
        }
    }

    static func split(_ uri: String) -> (path: String, query: String?) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, nil) }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }
}
