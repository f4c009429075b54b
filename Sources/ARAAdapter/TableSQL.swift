import PGClient
import Reconciler

/// SQL text for one ARA table. Identifiers come from `ARATable` or a validated
/// `SQLIdentifier`; values always travel as one JSON parameter.
struct TableSQL: Sendable {
    let table: ARATable
    let name: SQLIdentifier
    /// The config table's rows are reconcilerd's only under its own filename.
    let filename: String?

    private var keyColumns: [String] { table.keyColumns }
    private var allColumns: [String] { (filename == nil ? [] : ["filename"]) + keyColumns + table.managedColumns }

    private func quoted(_ column: String) -> String { "\"\(column)\"" }

    var selectOwned: SQLQuery {
        let columns = (keyColumns + table.managedColumns).map { "\(quoted($0))::text" }.joined(separator: ", ")
        let owner = quoted(keyColumns[0])
        let sql = "SELECT \(columns) FROM \(name.quoted) WHERE starts_with(\(owner), '\(Ownership.idPrefix)')"
        guard let filename else { return SQLQuery(unsafeSQL: sql) }
        return SQLQuery(unsafeSQL: sql + " AND filename = $1", binds: [filename])
    }

    private var source: String { "json_populate_recordset(NULL::\(name.quoted), $1::json) AS j" }

    private var keyMatch: String {
        ((filename == nil ? [] : ["filename"]) + keyColumns).map { "t.\(quoted($0)) = j.\(quoted($0))" }.joined(separator: " AND ")
    }

    /// Idempotent: a row that already exists (a plan applied twice, or a race with another
    /// writer) is brought to the desired values instead of failing the transaction.
    var insert: String {
        let columns = allColumns.map(quoted).joined(separator: ", ")
        let select = "INSERT INTO \(name.quoted) (\(columns)) SELECT \(allColumns.map { "j.\(quoted($0))" }.joined(separator: ", ")) FROM \(source)"
        guard filename == nil else {
            // The config table has no unique key to conflict on.
            return select + " WHERE NOT EXISTS (SELECT 1 FROM \(name.quoted) AS t WHERE \(keyMatch))"
        }
        let assignments = table.managedColumns.map { "\(quoted($0)) = EXCLUDED.\(quoted($0))" }.joined(separator: ", ")
        return select + " ON CONFLICT (\(keyColumns.map(quoted).joined(separator: ", "))) DO UPDATE SET \(assignments)"
    }

    var update: String {
        let assignments = table.managedColumns.map { "\(quoted($0)) = j.\(quoted($0))" }.joined(separator: ", ")
        return "UPDATE \(name.quoted) AS t SET \(assignments) FROM \(source) WHERE \(keyMatch)"
    }

    var delete: String {
        "DELETE FROM \(name.quoted) AS t USING \(source) WHERE \(keyMatch)"
    }

    /// The rows as the JSON array `json_populate_recordset` reads.
    ///
    /// Written straight into one preallocated string, byte for byte what
    /// `JSONValue.serialized()` gives for the same array of objects, without building a
    /// `JSONValue` tree per row first (at 10,000 trunks that tree was a third of a
    /// converge's CPU time and tens of MB of short-lived allocations).
    func payload(_ rows: [Row]) -> String {
        let keyColumns = keyColumns, managedColumns = table.managedColumns
        // `{"filename":"...","id":` and `,"col":` are the same for every row.
        var head = "{"
        if let filename {
            head += "\"filename\":"
            JSONValue.writeString(filename, to: &head)
            head += ","
        }
        let keyLabels = keyColumns.enumerated().map { index, column in (index == 0 ? "" : ",") + "\"\(column)\":" }
        let valueLabels = managedColumns.map { ",\"\($0)\":" }
        var out = ""
        out.reserveCapacity(2 + rows.count * (head.utf8.count + 64 + 24 * (keyColumns.count + managedColumns.count)))
        out += "["
        for (index, row) in rows.enumerated() {
            if index > 0 { out += "," }
            out += head
            for (label, part) in zip(keyLabels, row.key.parts) {
                out += label
                JSONValue.writeString(part, to: &out)
            }
            for (label, value) in zip(valueLabels, row.values) {
                out += label
                if let value { JSONValue.writeString(value, to: &out) } else { out += "null" }
            }
            out += "}"
        }
        out += "]"
        return out
    }

    func row(from values: [String?]) -> Row? {
        let keyCount = keyColumns.count
        guard values.count == keyCount + table.managedColumns.count else { return nil }
        let parts = values[..<keyCount].map { $0 ?? "" }
        return Row(key: RowKey(table: table, parts: parts), values: Array(values[keyCount...]))
    }
}
