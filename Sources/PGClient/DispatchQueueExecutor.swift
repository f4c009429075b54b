import Dispatch

/// Runs an actor's jobs on a private serial dispatch queue.
///
/// libpq blocks its calling thread; on the cooperative pool (two threads on the target
/// machines) that stalls every other task. Actors that wrap a `PGconn` use this executor so
/// their synchronous libpq calls run on a thread of their own.
public final class DispatchQueueExecutor: SerialExecutor, @unchecked Sendable {
    private let queue: DispatchQueue
    private let key = DispatchSpecificKey<ObjectIdentifier>()

    public init(label: String) {
        queue = DispatchQueue(label: label)
        queue.setSpecific(key: key, value: ObjectIdentifier(self))
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Runs plain blocking work on the queue, e.g. opening a connection before its actor exists.
    func runDetached(_ work: @escaping @Sendable () -> Void) {
        queue.async(execute: work)
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    var isCurrent: Bool { DispatchQueue.getSpecific(key: key) == ObjectIdentifier(self) }

    // Without this, `assumeIsolated` traps on Linux, where the runtime cannot tell by itself
    // that a dispatch queue thread belongs to this executor.
    public func checkIsolated() {
        precondition(isCurrent, "not on \(queue.label)")
    }
}
