import PGClient
import Reconciler

/// Failures of the ARA side. An apply error names the step that failed; the transaction
/// was rolled back, so nothing of that plan is in the database.
public enum ARAError: Error, Sendable, CustomStringConvertible {
    case invalidTableName(String)
    case read(table: String, PGError)
    case apply(step: String, table: String, PGError)
    /// The leader lock was lost before this apply; another reconcilerd writes now.
    case notLeader

    public var description: String {
        switch self {
        case .invalidTableName(let name):
            "invalid config table name '\(name)': use letters, digits and _ (optionally schema.table)"
        case .read(let table, let error):
            "reading \(table) failed: \(error)"
        case .notLeader:
            "this process no longer holds the leader lock; apply rolled back (another reconcilerd is the writer)"
        case .apply(let step, let table, let error):
            "applying the plan failed at \(step) on \(table), rolled back: \(error)"
        }
    }

    public var underlying: PGError? {
        switch self {
        case .read(_, let error), .apply(_, _, let error): error
        case .invalidTableName, .notLeader: nil
        }
    }
}
