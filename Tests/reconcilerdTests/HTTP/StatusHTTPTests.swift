import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

@testable import reconcilerd

/// Talks to the server over a real loopback TCP socket, writing raw HTTP/1.1 bytes and reading
/// until the server closes the connection. Requests say `Connection: close`: Hummingbird keeps
/// a connection alive otherwise.
private struct RawHTTPClient {
    struct Reply {
        let statusLine: String
        let headers: [String: String]
        let body: String

        var status: Int? { statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
    }

    let port: Int

    func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    func send(_ raw: String) async throws -> String {
        let channel = try await connect()
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: raw))
            var received = ByteBuffer()
            for try await chunk in inbound {
                var chunk = chunk
                received.writeBuffer(&chunk)
            }
            return String(buffer: received)
        }
    }

    func request(_ method: String, _ path: String, body: String = "") async throws -> Reply {
        var raw = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: test\r\nConnection: close\r\n"
        if !body.isEmpty || method == "POST" {
            raw += "Content-Length: \(body.utf8.count)\r\n"
        }
        raw += "\r\n" + body
        return try Self.parse(try await send(raw))
    }

    static func parse(_ text: String) throws -> Reply {
        let parts = text.components(separatedBy: "\r\n\r\n")
        let headerLines = try #require(parts.first).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in headerLines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2 { headers[pair[0].lowercased()] = pair[1] }
        }
        return Reply(statusLine: headerLines[0], headers: headers, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

/// An application on port 0 and the means to learn which port it bound.
private struct TestServer {
    let application: any ApplicationProtocol
    let listening: ListeningPort
}

@Suite("StatusHTTP", .timeLimit(.minutes(1)))
struct StatusHTTPTests {
    let logger = Logger(label: "test.status-http")

    private func makeServer(
        metrics: ReconcilerMetrics = ReconcilerMetrics(),
        port: Int = 0,
        routes: StatusHTTP.Routes? = nil,
        idleTimeout: TimeAmount = StatusHTTP.idleTimeout
    ) -> TestServer {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let listening = ListeningPort()
        let application = StatusHTTP.application(
            host: "127.0.0.1",
            port: port,
            routes: routes ?? HealthRoutes.routes(metrics: metrics, interval: .seconds(30), now: { now }),
            logger: logger,
            idleTimeout: idleTimeout,
            listening: listening
        )
        return TestServer(application: application, listening: listening)
    }

    /// Runs the application in a ServiceGroup, hands the bound port to `body`, then shuts the
    /// group down gracefully and checks `run()` came back.
    private func withRunningGroup(
        _ server: TestServer,
        _ body: (Int) async throws -> Void
    ) async throws {
        let group = ServiceGroup(services: [server.application], logger: logger)
        let running = Task { try await group.run() }
        do {
            let port = await server.listening.value()
            #expect(port > 0)
            try await body(port)
        } catch {
            running.cancel()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test func servesMetricsHealthAndReadinessOverTCP() async throws {
        let metrics = ReconcilerMetrics()
        metrics.cycleFinished(result: .success, duration: .seconds(1))
        metrics.cycleFinished(result: .success, duration: .seconds(2))
        let server = makeServer(metrics: metrics)
        try await withRunningGroup(server) { port in
            let client = RawHTTPClient(port: port)

            let scraped = try await client.request("GET", "/metrics")
            #expect(scraped.statusLine == "HTTP/1.1 200 OK")
            #expect(scraped.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(scraped.headers["content-length"] == String(scraped.body.utf8.count))
            #expect(scraped.body.contains("reconcilerd_cycles_total{result=\"success\"} 2\n"))
            #expect(scraped.body.contains("reconcilerd_cycles_total{result=\"error\"} 0\n"))

            let health = try await client.request("GET", "/healthz")
            #expect(health.statusLine == "HTTP/1.1 200 OK")
            #expect(health.body == "ok\n")

            let notReady = try await client.request("GET", "/readyz")
            #expect(notReady.statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(notReady.body == "not ready: no successful cycle yet\n")

            metrics.setLastSuccess(Date(timeIntervalSince1970: 1_700_000_000 - 5))
            let ready = try await client.request("GET", "/readyz?verbose=1")
            #expect(ready.statusLine == "HTTP/1.1 200 OK")
            #expect(ready.body.hasPrefix("ready"))

            let missing = try await client.request("GET", "/favicon.ico")
            #expect(missing.statusLine == "HTTP/1.1 404 Not Found")
            #expect(missing.headers["content-length"] == String(missing.body.utf8.count))
        }
    }

    @Test func onlyGetIsAnswered() async throws {
        try await withRunningGroup(makeServer()) { port in
            let client = RawHTTPClient(port: port)
            let post = try await client.request("POST", "/metrics", body: "x=1")
            #expect(post.statusLine == "HTTP/1.1 405 Method Not Allowed")
            #expect(post.headers["allow"] == "GET")
            #expect(post.body == "method not allowed\n")

            let put = try await client.request("PUT", "/healthz", body: String(repeating: "y", count: 100_000))
            #expect(put.status == 405)

            let head = try await client.request("HEAD", "/healthz")
            #expect(head.status == 405)
        }
    }

    @Test func answersConcurrentClientsAndHttp10() async throws {
        try await withRunningGroup(makeServer()) { port in
            let client = RawHTTPClient(port: port)
            try await withThrowingTaskGroup(of: Int?.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await client.request("GET", "/healthz").status }
                }
                for try await status in group {
                    #expect(status == 200)
                }
            }
            let old = try RawHTTPClient.parse(try await client.send("GET /healthz HTTP/1.0\r\nConnection: close\r\n\r\n"))
            #expect(old.status == 200)
            #expect(old.body == "ok\n")
        }
    }

    @Test func malformedRequestGets400AndTheServerKeepsGoing() async throws {
        try await withRunningGroup(makeServer()) { port in
            let client = RawHTTPClient(port: port)
            let garbage = try await client.send("THIS IS NOT HTTP\r\n\r\n")
            #expect(garbage.hasPrefix("HTTP/1.1 400"))
            #expect(try await client.request("GET", "/healthz").status == 200)
        }
    }

    @Test func gracefulShutdownClosesIdleConnectionsAndStopsListening() async throws {
        let server = makeServer()
        var boundPort = 0
        var idle: NIOAsyncChannel<ByteBuffer, ByteBuffer>?
        try await withRunningGroup(server) { port in
            boundPort = port
            // A client that connects and never sends a request must not hold up shutdown.
            idle = try await RawHTTPClient(port: port).connect()
            #expect(try await RawHTTPClient(port: port).request("GET", "/healthz").status == 200)
        }
        // The idle connection was closed by the server: its inbound stream ends.
        let idleChannel = try #require(idle)
        try await idleChannel.executeThenClose { inbound, _ in
            for try await _ in inbound {}
        }
        await #expect(throws: (any Error).self) {
            _ = try await RawHTTPClient(port: boundPort).connect()
        }
    }

    @Test func keepsAConnectionAliveForAnotherRequest() async throws {
        try await withRunningGroup(makeServer()) { port in
            let two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let replies = try await RawHTTPClient(port: port).send(two)
            #expect(replies.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(replies.contains("\r\n\r\nok\nHTTP/1.1 503 Service Unavailable\r\n"))
            #expect(replies.hasSuffix("not ready: no successful cycle yet\n"))
        }
    }

    @Test func cancellingTheRunningTaskStopsTheServer() async throws {
        let server = makeServer()
        let running = Task { try await server.application.run() }
        let port = await server.listening.value()
        let idle = try await RawHTTPClient(port: port).connect()
        #expect(try await RawHTTPClient(port: port).request("GET", "/healthz").status == 200)

        running.cancel()
        try await running.value  // returns normally, not with CancellationError

        try await idle.executeThenClose { inbound, _ in
            for try await _ in inbound {}
        }
        await #expect(throws: (any Error).self) {
            _ = try await RawHTTPClient(port: port).connect()
        }
    }

    /// Graceful shutdown, not cancellation: cancelling Hummingbird's accept loop while accepted
    /// connections are still queued traps in NIO ("Deinited NIOAsyncWriter without calling
    /// finish()", apple/swift-nio#2813), which is why the daemon never cancels its ServiceGroup.
    @Test func shuttingDownDuringABurstOfConnectionsNeitherTrapsNorLeaks() async throws {
        for _ in 0..<5 {
            let server = makeServer()
            let serviceGroup = ServiceGroup(services: [server.application], logger: logger)
            let running = Task { try await serviceGroup.run() }
            let port = await server.listening.value()
            // Connections being accepted while the server stops must each be answered or closed:
            // every client below reads until EOF, so a connection left open would hang the test.
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<32 {
                    group.addTask {
                        guard let channel = try? await RawHTTPClient(port: port).connect() else { return }
                        try? await channel.executeThenClose { inbound, outbound in
                            if index.isMultiple(of: 2) {
                                try await outbound.write(ByteBuffer(string: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"))
                            }
                            for try await _ in inbound {}
                        }
                    }
                }
                await serviceGroup.triggerGracefulShutdown()
            }
            try await running.value
        }
    }

    @Test func slowClientsAreCutOffAfterTheRequestTimeout() async throws {
        let server = makeServer(routes: { _ in .text(200, "ok\n") }, idleTimeout: .milliseconds(200))
        try await withRunningGroup(server) { port in
            let start = ContinuousClock.now
            let partial = try await RawHTTPClient(port: port).send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
            #expect(partial.isEmpty)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test func routesSeeThePathWithoutQueryString() async throws {
        let echo: StatusHTTP.Routes = { path in .text(200, path) }
        try await withRunningGroup(makeServer(routes: echo)) { port in
            let client = RawHTTPClient(port: port)
            let query = try await client.request("GET", "/metrics?x=1")
            #expect(query.body == "/metrics")
            let plain = try await client.request("GET", "/status.json")
            #expect(plain.body == "/status.json")
        }
    }

    @Test func bindFailureIsThrown() async throws {
        try await withRunningGroup(makeServer()) { port in
            let second = makeServer(port: port)
            await #expect(throws: (any Error).self) { try await second.application.run() }
        }
    }
}
