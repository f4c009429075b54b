/// Identifies one ARA row: the table and the values of its key columns.
public struct RowKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let table: ARATable
    public let parts: [String]

    public init(table: ARATable, parts: [String]) {
        self.table = table
        self.parts = parts
    }

    /// The trunk this row belongs to: the ps_* id, or the context / category without its
    /// `-inbound` / `-outbound` suffix.
    public var endpointID: String {
        let base = parts[0]
        for suffix in ["-inbound", "-outbound"] where base.hasSuffix(suffix) {
            return String(base.dropLast(suffix.count))
        }
        return base
    }

    public var description: String { parts.joined(separator: "/") }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.table != rhs.table { return lhs.table < rhs.table }
        return lhs.parts.lexicographicallyPrecedes(rhs.parts)
    }
}

/// One ARA row, reduced to its key and the managed columns (values aligned with
/// `key.table.managedColumns`; nil is SQL NULL).
public struct Row: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    public let key: RowKey
    public let values: [String?]

    public init(key: RowKey, values: [String?]) {
        precondition(values.count == key.table.managedColumns.count, "row for \(key.table) needs \(key.table.managedColumns.count) values")
        self.key = key
        self.values = values
    }

    public var table: ARATable { key.table }

    public func value(_ column: String) -> String? {
        guard let index = table.managedColumns.firstIndex(of: column) else { return nil }
        return values[index]
    }

    /// Masks sensitive columns so that printing a row can never leak a password.
    public var description: String {
        let columns = zip(table.managedColumns, values).map { column, value in
            "\(column)=" + (table.isSensitive(column) ? "(sensitive)" : value.map { "\"\($0)\"" } ?? "NULL")
        }
        return "\(table) \(key): " + columns.joined(separator: " ")
    }

    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
