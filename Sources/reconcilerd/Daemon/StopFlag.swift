import Synchronization

/// Set once by graceful shutdown, read by the loop between cycles and while it waits.
final class StopFlag: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let wakeups = Atomic<Int>(0)

    var isSet: Bool { stopped.load(ordering: .acquiring) }

    func set() { stopped.store(true, ordering: .releasing) }

    /// An event asked for an early cycle.
    func wake() { wakeups.add(1, ordering: .relaxed) }

    /// Whether a wake-up arrived since the last call.
    func consumeWake() -> Bool { wakeups.exchange(0, ordering: .relaxed) > 0 }
}
