import Foundation
import Reconciler
import Synchronization

/// The latest `StatusBoard`, shared by the control loop's hooks (which update it) and the
/// HTTP routes (which render it). The board decides everything; this adds the wall clock.
final class StatusBoardKeeper: Sendable {
    private let board: Mutex<StatusBoard>

    init(mode: String, startedAt: Date = Date()) {
        board = Mutex(StatusBoard(mode: mode, startedAt: startedAt.timeIntervalSince1970))
    }

    var current: StatusBoard { board.withLock { $0 } }

    /// Records the pass; returns the board as it now stands.
    @discardableResult
    func record(_ summary: Controller.PassSummary, at now: Date = Date()) -> StatusBoard {
        board.withLock { board in
            board.record(summary, at: now.timeIntervalSince1970)
            return board
        }
    }

    func scheduled(in delay: Duration, at now: Date = Date()) {
        board.withLock { $0.scheduled(in: delay, at: now.timeIntervalSince1970) }
    }
}
