import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Work that must not slow the database: the text plan of a converge (~100 ms of CPU for
/// 91,200 rows) is written while the COPYs run, and a Postgres on the same machine needs
/// the CPU more (the transaction holds its locks until it commits).
enum IdleThread {
    /// Runs `work` on a thread of its own at idle scheduling priority and waits for it.
    static func run(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                #if os(Linux)
                // SCHED_IDLE (5): the thread runs when the CPU would otherwise be idle.
                var parameters = sched_param()
                _ = pthread_setschedparam(pthread_self(), 5, &parameters)
                #endif
                work()
                continuation.resume()
            }
            thread.start()
        }
    }
}
