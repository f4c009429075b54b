/// How two values of a managed column are compared. Asterisk treats NULL and `''` alike,
/// and boolean enums accept several spellings of the same value. Such a row is rewritten
/// once to reconcilerd's spelling ("canonical spelling" in the plan), so that a converged
/// database digests equal and the next pass is cheap; it is not drift of meaning.
enum RowComparison {
    static func changedColumns(_ actual: Row, _ desired: Row) -> [ColumnChange] {
        var changes: [ColumnChange] = []
        let table = desired.table
        for (index, column) in table.managedColumns.enumerated() {
            let old = actual.values[index]
            let new = desired.values[index]
            if old != new {
                changes.append(ColumnChange(column: column, old: old, new: new, isSensitive: table.isSensitive(column),
                                            canonicalSpelling: equivalent(old, new, boolean: table.isBoolean(column))))
            }
        }
        return changes
    }

    /// Whether the stored row is not exactly the desired one (NULL and `''` told apart).
    static func differ(_ actual: Row, _ desired: Row) -> Bool {
        actual.packed != desired.packed || actual.nulls != desired.nulls
    }

    static func equivalent(_ a: String?, _ b: String?, boolean: Bool) -> Bool {
        let a = a ?? "", b = b ?? ""
        if a == b { return true }
        guard boolean else { return false }
        return canonicalBoolean(a) != nil && canonicalBoolean(a) == canonicalBoolean(b)
    }

    private static func canonicalBoolean(_ value: String) -> Bool? {
        switch value.lowercased() {
        case "yes", "true", "1", "on": true
        case "no", "false", "0", "off": false
        default: nil
        }
    }
}
