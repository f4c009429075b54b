import PGClient
import Reconciler

/// Failures of the ARA side. An apply error names the step that failed; the transaction
/// was rolled back, so nothing of that plan is in the database.
public enum ARAError: Error, Sendable, CustomStringConvertible {
    case invalidTableName(String)
    case read(table: String, PGError)
    case apply(step: String, table: String, PGError)
    /// Another writer changed the rows between read and apply; the next cycle re-plans.
    case concurrentChange(table: String, verb: String, expected: Int, affected: Int)

    public var description: String {
        switch self {
        case .invalidTableName(let name):
            "invalid config table name '\(name)': use letters, digits and _ (optionally schema.table)"
        case .read(let table, let error):
            "reading \(table) failed: \(error)"
        case .apply(let step, let table, let error):
            "applying the plan failed at \(step) on \(table), rolled back: \(error)"
        case .concurrentChange(let table, let verb, let expected, let affected):
            "rows of \(table) changed during the apply (\(verb) expected \(expected) rows, touched \(affected)); rolled back"
        }
    }

    public var underlying: PGError? {
        switch self {
        case .read(_, let error), .apply(_, _, let error): error
        case .invalidTableName, .concurrentChange: nil
        }
    }
}
