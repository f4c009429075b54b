import HTTPTypes
import Logging
import NIOCore
import WSClient

/// The `/ari/events` WebSocket as an `AsyncSequence` that reconnects by itself.
///
/// The connection is owned by one producer task that ends when the consumer stops
/// iterating (its task is cancelled or the sequence is dropped): `AsyncStream`'s
/// `onTermination` cancels it, and cancellation closes the WebSocket.
public struct ARIEventStream: AsyncSequence, Sendable {
    public typealias Element = ARIEventStreamElement
    public typealias Failure = Never

    let stream: AsyncStream<Element>

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<Element>.Iterator

        public mutating func next() async -> Element? {
            await base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator())
    }

    init(client: ARIClient, app: String, options: ARIEventStreamOptions) {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .bufferingNewest(options.bufferSize))
        self.stream = stream
        let producer = Task {
            await Self.run(client: client, app: app, options: options, continuation: continuation)
        }
        continuation.onTermination = { _ in producer.cancel() }
    }

    static func run(client: ARIClient, app: String, options: ARIEventStreamOptions, continuation: AsyncStream<Element>.Continuation) async {
        var failedAttempts = 0
        while !Task.isCancelled {
            let outcome = await connectOnce(client: client, app: app, options: options, continuation: continuation)
            if Task.isCancelled { break }
            failedAttempts = outcome.wasConnected ? 1 : failedAttempts + 1
            let delay = options.reconnectDelay(failedAttempts)
            client.logger.warning(
                "ARI events disconnected",
                metadata: ["error": "\(outcome.error)", "reconnect.delay": "\(delay)", "reconnect.failures": "\(failedAttempts)"]
            )
            continuation.yield(.disconnected(outcome.error))
            do {
                try await Task.sleep(for: delay)
            } catch {
                break
            }
        }
        continuation.finish()
    }

    struct Outcome {
        var wasConnected: Bool
        var error: ARIError
    }

    private enum Phase: Sendable {
        case upgraded
        case finished((any Error)?)
    }

    /// One connection: a REST ping first (WSClient reports a refused upgrade without its
    /// status; the ping yields "401 Authentication required" instead), then the WebSocket.
    static func connectOnce(
        client: ARIClient,
        app: String,
        options: ARIEventStreamOptions,
        continuation: AsyncStream<Element>.Continuation
    ) async -> Outcome {
        do {
            _ = try await client.ping()
        } catch {
            return Outcome(wasConnected: false, error: error)
        }
        let configuration = client.configuration
        let url = eventsURL(baseURL: configuration.baseURL, app: app)
        var headers = HTTPFields()
        headers[.authorization] = configuration.authorizationHeader
        headers[HTTPField.Name("Sec-WebSocket-Protocol")!] = "ari"
        let wsConfiguration = WebSocketClientConfiguration(
            maxFrameSize: options.maxMessageSize,
            additionalHeaders: headers,
            closeTimeout: .seconds(1)
        )
        let logger = client.logger
        let maxMessageSize = options.maxMessageSize
        let (phases, phaseContinuation) = AsyncStream.makeStream(of: Phase.self)

        // Unstructured on purpose: WSClient offers no handshake timeout and does not
        // react to cancellation before the upgrade, so a server that accepts and never
        // answers would pin a structured child forever. The attempt is cancelled on
        // timeout and ends as soon as the server answers or closes.
        let attempt = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: wsConfiguration, logger: logger) { inbound, _, _ in
                    phaseContinuation.yield(.upgraded)
                    continuation.yield(.connected)
                    logger.info("ARI events connected", metadata: ["ari.app": "\(app)"])
                    for try await message in inbound.messages(maxSize: maxMessageSize) {
                        guard case .text(let text) = message else { continue }
                        do {
                            continuation.yield(.event(try ARIEvent.decode(json: text)))
                        } catch {
                            // The payload is not logged: it is foreign data of unknown content.
                            logger.warning("ARI event not decodable", metadata: ["bytes": "\(text.utf8.count)"])
                        }
                    }
                }
                phaseContinuation.yield(.finished(nil))
            } catch {
                phaseContinuation.yield(.finished(error))
            }
            phaseContinuation.finish()
        }

        let handshakeTimeout = options.handshakeTimeout ?? configuration.requestTimeout
        let first = await withTaskGroup(of: Phase?.self) { group -> Phase? in
            group.addTask {
                for await phase in phases { return phase }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: handshakeTimeout)
                return nil
            }
            let winner = await group.next() ?? nil
            group.cancelAll()
            return winner
        }

        switch first {
        case .finished(let error):
            return Outcome(wasConnected: false, error: mapWebSocketError(error, configuration: configuration))
        case nil:
            attempt.cancel()
            if Task.isCancelled { return Outcome(wasConnected: false, error: .webSocket(reason: "cancelled")) }
            return Outcome(wasConnected: false, error: .timeout(method: "GET", path: "/ari/events", after: handshakeTimeout))
        case .upgraded:
            let end: Phase? = await withTaskCancellationHandler {
                for await phase in phases {
                    if case .finished = phase { return phase }
                }
                return nil
            } onCancel: {
                attempt.cancel()
            }
            // After the upgrade WSClient honours cancellation, so this wait is short.
            _ = await attempt.result
            if case .finished(let error) = end {
                return Outcome(wasConnected: true, error: mapWebSocketError(error, configuration: configuration))
            }
            return Outcome(wasConnected: true, error: .webSocket(reason: "cancelled"))
        }
    }

    static func mapWebSocketError(_ error: (any Error)?, configuration: ARIConfiguration) -> ARIError {
        guard let error else { return .webSocket(reason: "connection closed") }
        return .webSocket(reason: Redaction.scrub(String(describing: error), secrets: configuration.secrets))
    }

    static func eventsURL(baseURL: String, app: String) -> String {
        var base = baseURL
        if base.hasPrefix("https://") {
            base = "wss://" + base.dropFirst("https://".count)
        } else if base.hasPrefix("http://") {
            base = "ws://" + base.dropFirst("http://".count)
        }
        return base + "/ari/events?app=" + ARIClient.encodeSegment(app) + "&subscribeAll=true"
    }
}

extension ARIClient {
    /// Events of `app` (with `subscribeAll=true`) that reconnects with capped,
    /// jittered exponential backoff until the consumer stops iterating.
    public func events(app: String, options: ARIEventStreamOptions = .init()) -> ARIEventStream {
        ARIEventStream(client: self, app: app, options: options)
    }
}
