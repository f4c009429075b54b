import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The status endpoint (`/metrics`, `/healthz`, `/readyz`, `/status`, `/status.json`) as a
/// Hummingbird application. The application is itself a swift-service-lifecycle `Service`:
/// the daemon puts it straight into its ServiceGroup, where graceful shutdown stops the
/// listener, lets requests in flight finish and closes idle connections.
///
/// Hummingbird keeps HTTP/1.1 connections alive unless the request says `Connection: close`;
/// a connection left idle for ``idleTimeout`` (including one that never completes its request
/// head) is closed. Only GET is answered (anything else gets 405 with `Allow: GET`); the path
/// handed to the routes has its query string removed. All decisions live in ``HealthRoutes``.
enum StatusHTTP {
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

    typealias Routes = @Sendable (_ path: String) async -> Response

    static let idleTimeout: TimeAmount = .seconds(10)

    /// Binding happens in `run()`; a failure to bind is thrown from there (NIO's `bind(...)`
    /// error), which ends the daemon's ServiceGroup. `listening` learns the bound port (useful
    /// with port 0).
    static func application(
        host: String,
        port: Int,
        routes: @escaping Routes,
        logger: Logger,
        idleTimeout: TimeAmount = Self.idleTimeout,
        listening: ListeningPort? = nil
    ) -> some ApplicationProtocol {
        Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                guard request.method == .get else {
                    return hummingbirdResponse(.text(405, "method not allowed\n"), allow: "GET")
                }
                return hummingbirdResponse(await routes(request.uri.path))
            },
            server: .http1(configuration: .init(idleTimeout: idleTimeout)),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info("status HTTP server listening", metadata: ["address": "\(host):\(bound)"])
                listening?.resolve(bound)
            },
            logger: logger
        )
    }

    private static func hummingbirdResponse(_ response: Response, allow: String? = nil) -> Hummingbird.Response {
        var headers: HTTPFields = [.contentType: response.contentType]
        if let allow { headers[.allow] = allow }
        return Hummingbird.Response(
            status: HTTPResponse.Status(code: response.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: response.body))
        )
    }
}

/// The port a status application actually bound, for whoever needs it before the first request
/// (tests binding port 0).
final class ListeningPort: Sendable {
    private enum State {
        case pending([CheckedContinuation<Int, Never>])
        case bound(Int)
    }

    private let state = Mutex<State>(.pending([]))

    init() {}

    /// Waits until the application is listening.
    func value() async -> Int {
        await withCheckedContinuation { continuation in
            let bound: Int? = state.withLock { state in
                switch state {
                case .pending(var waiters):
                    waiters.append(continuation)
                    state = .pending(waiters)
                    return nil
                case .bound(let port):
                    return port
                }
            }
            if let bound { continuation.resume(returning: bound) }
        }
    }

    fileprivate func resolve(_ port: Int) {
        let waiters: [CheckedContinuation<Int, Never>] = state.withLock { state in
            guard case .pending(let waiters) = state else { return [] }
            state = .bound(port)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }
}
