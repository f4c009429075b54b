import NIOCore
import NIOPosix
import Synchronization

/// A byte-level client for comparing a double's raw answers with the recordings.
public final class RawTCPClient: Sendable {
    public struct Timeout: Error, CustomStringConvertible {
        public var received: [UInt8]
        public var description: String { "timed out with \(received.count) bytes: \(String(decoding: received, as: UTF8.self).debugDescription)" }
    }

    final class Sink: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex<(bytes: [UInt8], closed: Bool)>(([], false))

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLock { $0.bytes.append(contentsOf: buffer.readableBytesView) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.withLock { $0.closed = true }
        }
    }

    let channel: any Channel
    let sink: Sink

    private init(channel: any Channel, sink: Sink) {
        self.channel = channel
        self.sink = sink
    }

    public static func connect(port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> RawTCPClient {
        let sink = Sink()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(sink) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawTCPClient(channel: channel, sink: sink)
    }

    public func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Takes exactly `count` bytes once that many arrived.
    public func read(count: Int, timeout: Duration = .seconds(5)) async throws -> [UInt8] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let taken: [UInt8]? = sink.received.withLock { state in
                guard state.bytes.count >= count else { return nil }
                defer { state.bytes.removeFirst(count) }
                return Array(state.bytes.prefix(count))
            }
            if let taken { return taken }
            if clock.now > deadline { throw Timeout(received: sink.received.withLock { $0.bytes }) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Everything until the peer closes.
    public func readUntilClosed(timeout: Duration = .seconds(5)) async throws -> [UInt8] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let done: [UInt8]? = sink.received.withLock { state in
                guard state.closed else { return nil }
                defer { state.bytes.removeAll() }
                return state.bytes
            }
            if let done { return done }
            if clock.now > deadline { throw Timeout(received: sink.received.withLock { $0.bytes }) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    public var isClosed: Bool { sink.received.withLock { $0.closed } }

    public func close() async {
        try? await channel.close()
    }
}
