import NIOCore
import NIOHTTP1
import Synchronization

/// WebSocket upgrades held open by `.stallWebSocketUpgrades`. They are failed at
/// shutdown because NIO traps on promises dropped unfulfilled.
final class StalledUpgrades: Sendable {
    private let promises = Mutex<[EventLoopPromise<HTTPHeaders?>]>([])

    func add(_ promise: EventLoopPromise<HTTPHeaders?>) {
        promises.withLock { $0.append(promise) }
    }

    func failAll() {
        let pending = promises.withLock { promises in
            defer { promises.removeAll() }
            return promises
        }
        for promise in pending { promise.fail(ChannelError.ioOnClosedChannel) }
    }
}
