/// How two values of a managed column are compared. Asterisk treats NULL and `''` alike,
/// and boolean enums accept several spellings of the same value; treating those as drift
/// would rewrite rows forever.
enum RowComparison {
    static func changedColumns(_ actual: Row, _ desired: Row) -> [ColumnChange] {
        var changes: [ColumnChange] = []
        let table = desired.table
        for (index, column) in table.managedColumns.enumerated() {
            let old = actual.values[index]
            let new = desired.values[index]
            if !equivalent(old, new, boolean: table.isBoolean(column)) {
                changes.append(ColumnChange(column: column, old: old, new: new, isSensitive: table.isSensitive(column)))
            }
        }
        return changes
    }

    static func differ(_ actual: Row, _ desired: Row) -> Bool {
        // Equal packed text is equal values, NULL counting as '' (the common case: one
        // comparison of two strings). Only rows that differ as text are compared by meaning.
        if actual.packed == desired.packed { return false }
        let table = desired.table
        let old = actual.values, new = desired.values
        let columns = table.managedColumns
        for index in new.indices where !equivalent(old[index], new[index], boolean: table.isBoolean(columns[index])) {
            return true
        }
        return false
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
