/// One change to one ARA row. Indirect: a step is one reference, so the arrays of tens of
/// thousands of steps a converge sorts and groups hold 8 bytes a step, and copying one
/// is one retain instead of one per string of its rows.
public indirect enum PlanStep: Hashable, Sendable {
    case create(Row)
    /// `from` is the row as read, `to` the row as desired; same key.
    case update(from: Row, to: Row)
    case delete(Row)

    public var key: RowKey {
        switch self {
        case .create(let row), .delete(let row): row.key
        case .update(_, let to): to.key
        }
    }

    public var verb: Verb {
        switch self {
        case .create: .create
        case .update: .update
        case .delete: .delete
        }
    }

    /// For an update, the managed columns whose value differs.
    public var changes: [ColumnChange] {
        guard case .update(let from, let to) = self else { return [] }
        return RowComparison.changedColumns(from, to)
    }

    public enum Verb: String, Sendable, Hashable, CaseIterable {
        case create, update, delete
    }
}

/// One column of an update. For a sensitive column, `old`/`new` must not be shown.
public struct ColumnChange: Hashable, Sendable {
    public let column: String
    public let old: String?
    public let new: String?
    public let isSensitive: Bool
    /// `old` means what `new` means (`true` for `yes`, `''` for NULL): only the spelling changes.
    public let canonicalSpelling: Bool

    public init(column: String, old: String?, new: String?, isSensitive: Bool, canonicalSpelling: Bool = false) {
        self.column = column
        self.old = old
        self.new = new
        self.isSensitive = isSensitive
        self.canonicalSpelling = canonicalSpelling
    }
}
