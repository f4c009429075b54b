import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A small HTTP/1.1 server for `/metrics`, `/healthz` and `/readyz`.
///
/// One request per connection: every response carries `Content-Length` and
/// `Connection: close`, and the connection is closed once the response has been written.
/// Only GET is answered (anything else gets 405); the path handed to `routes` has its query
/// string removed. A connection that has not been answered within ``requestTimeout`` is closed.
///
/// `run()` binds, serves until the task is cancelled or graceful shutdown is triggered, then
/// closes the listener and every open connection and returns normally. It throws only when
/// binding fails or the listener closes by itself.
///
/// Built on plain channel handlers rather than the `NIOAsyncChannel` server bootstrap, which can
/// trap ("Deinited NIOAsyncWriter without calling finish()") when the accept loop is cancelled
/// while accepted connections are still queued (apple/swift-nio#2813), and whose
/// `executeThenClose` may close before a written response is flushed (apple/swift-nio#2795).
final class StatusHTTPServer: Service, CustomStringConvertible, Sendable {
    struct Response: Sendable, Equatable {
        var status: Int
        var contentType: String
        var body: String

        init(status: Int, contentType: String, body: String) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }

        static func text(_ status: Int, _ body: String) -> Response {
            Response(status: status, contentType: "text/plain; charset=utf-8", body: body)
        }
    }

    enum ServerError: Error, CustomStringConvertible {
        /// `run()` ended (or failed) before a port was bound, or has already returned.
        case notRunning
        /// The listening socket closed without a shutdown being asked for.
        case listenerClosed
        /// A connection arrived while the server was shutting down.
        case shuttingDown

        var description: String {
            switch self {
            case .notRunning: "the status HTTP server is not running"
            case .listenerClosed: "the status HTTP server's listening socket closed unexpectedly"
            case .shuttingDown: "the status HTTP server is shutting down"
            }
        }
    }

    typealias Routes = @Sendable (_ path: String) async -> Response

    let host: String
    let port: Int
    let requestTimeout: TimeAmount
    private let routes: Routes
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let state = Mutex<BindState>(.pending([]))

    private enum BindState {
        case pending([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case finished
    }

    init(
        host: String,
        port: Int,
        routes: @escaping Routes,
        logger: Logger,
        requestTimeout: TimeAmount = .seconds(10),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.host = host
        self.port = port
        self.routes = routes
        self.logger = logger
        self.requestTimeout = requestTimeout
        self.eventLoopGroup = eventLoopGroup
    }

    var description: String {
        "StatusHTTPServer(host: \(host), port: \(port))"
    }

    /// The port actually bound (useful with port 0). Waits until `run()` has bound; throws
    /// ``ServerError/notRunning`` if `run()` failed to bind or has already returned.
    func boundPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<Int, any Error>? = state.withLock { state in
                switch state {
                case .pending(var waiters):
                    waiters.append(continuation)
                    state = .pending(waiters)
                    return nil
                case .bound(let port):
                    return .success(port)
                case .finished:
                    return .failure(ServerError.notRunning)
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    func run() async throws {
        defer { finish() }
        let connections = ConnectionSet()
        let routes = self.routes
        let timeout = self.requestTimeout
        let listener: any Channel
        do {
            listener = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 64)
                .childChannelInitializer { channel in
                    guard connections.insert(channel) else {
                        return channel.eventLoop.makeFailedFuture(ServerError.shuttingDown)
                    }
                    channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withPipeliningAssistance: false,
                            withErrorHandling: true
                        )
                        try channel.pipeline.syncOperations.addHandler(
                            StatusRequestHandler(routes: routes, timeout: timeout)
                        )
                    }
                }
                .bind(host: host, port: port)
                .get()
        } catch {
            logger.error(
                "status HTTP server could not bind",
                metadata: ["address": "\(host):\(port)", "error": "\(error)"]
            )
            throw error
        }

        let boundPort = listener.localAddress?.port ?? port
        resolve(port: boundPort)
        logger.info("status HTTP server listening", metadata: ["address": "\(host):\(boundPort)"])

        let stopRequested = Atomic<Bool>(false)
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await listener.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            stopRequested.store(true, ordering: .sequentiallyConsistent)
            listener.close(promise: nil)
        }
        // Close whatever is still open (idle clients, requests in flight) and wait for it.
        for channel in connections.closeAll() {
            try? await channel.closeFuture.get()
        }
        guard stopRequested.load(ordering: .sequentiallyConsistent) else {
            logger.error("status HTTP server listener closed unexpectedly", metadata: ["address": "\(host):\(boundPort)"])
            throw ServerError.listenerClosed
        }
        logger.info("status HTTP server stopped", metadata: ["address": "\(host):\(boundPort)"])
    }

    /// The request target without query string or fragment.
    static func path(of uri: String) -> String {
        let end = uri.firstIndex { $0 == "?" || $0 == "#" } ?? uri.endIndex
        let path = String(uri[..<end])
        return path.isEmpty ? "/" : path
    }

    // MARK: Bound-port bookkeeping

    private func resolve(port: Int) {
        let waiters: [CheckedContinuation<Int, any Error>] = state.withLock { state in
            guard case .pending(let waiters) = state else { return [] }
            state = .bound(port)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    private func finish() {
        let waiters: [CheckedContinuation<Int, any Error>] = state.withLock { state in
            defer { state = .finished }
            guard case .pending(let waiters) = state else { return [] }
            return waiters
        }
        for waiter in waiters { waiter.resume(throwing: ServerError.notRunning) }
    }
}

/// The open connections, so shutdown can close them; refuses new ones once closing.
private final class ConnectionSet: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        var closing = false
    }

    private let state = Mutex(State())

    /// False once ``closeAll()`` has run: the caller must close `channel` itself.
    func insert(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.closing else { return false }
            state.open[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func remove(_ channel: any Channel) {
        _ = state.withLock { $0.open.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Closes every open connection and returns them, to await their `closeFuture`.
    func closeAll() -> [any Channel] {
        let channels = state.withLock { state in
            state.closing = true
            return Array(state.open.values)
        }
        for channel in channels { channel.close(promise: nil) }
        return channels
    }
}

/// Answers one request, then closes the connection once the response is written.
private final class StatusRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    typealias Response = StatusHTTPServer.Response

    private let routes: StatusHTTPServer.Routes
    private let timeout: TimeAmount
    private var head: HTTPRequestHead?
    private var responding = false
    private var deadline: Scheduled<Void>?

    init(routes: @escaping StatusHTTPServer.Routes, timeout: TimeAmount) {
        self.routes = routes
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break  // not used, but read so the close does not reset the connection
        case .end:
            guard let head, !responding else { return }
            responding = true
            guard head.method == .GET else {
                write(.text(405, "method not allowed\n"), extraHeaders: [("Allow", "GET")], context: context)
                return
            }
            let promise = context.eventLoop.makePromise(of: Response.self)
            let routes = self.routes
            let path = StatusHTTPServer.path(of: head.uri)
            promise.completeWithTask { await routes(path) }
            promise.futureResult.assumeIsolated().whenSuccess { response in
                self.write(response, extraHeaders: [], context: context)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Parse errors were already answered with 400 by HTTPServerProtocolErrorHandler.
        context.close(promise: nil)
    }

    private func write(_ response: Response, extraHeaders: [(String, String)], context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let body = context.channel.allocator.buffer(string: response.body)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        for (name, value) in extraHeaders {
            headers.add(name: name, value: value)
        }
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
