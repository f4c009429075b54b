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

    /// This table's part of `ARAStore.readDigest`: `count:sum` of the owned rows, hashed as
    /// `RowDigest` hashes them (filename, if any, as $1).
    var digest: String {
        let text = (keyColumns + table.managedColumns).map { "coalesce(\(quoted($0))::text, '')" }.joined(separator: ", ")
        let owner = quoted(keyColumns[0])
        return "(SELECT count(*)::text || ':' || coalesce(sum(hashtextextended(concat_ws(E'\\x1f', \(text)), 0)), 0)::text "
            + "FROM \(name.quoted) WHERE starts_with(\(owner), '\(Ownership.idPrefix)')" + (filename == nil ? "" : " AND filename = $1") + ")"
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

    /// Plain insert of many rows at once; `ARAStore` runs it in a savepoint and falls back
    /// to `insert` when a row turns out to exist already.
    var copyIn: String {
        "COPY \(name.quoted) (\(allColumns.map(quoted).joined(separator: ", "))) FROM STDIN"
    }

    /// For the config table, which has no unique key: whether it holds any of reconcilerd's
    /// rows (then a COPY could duplicate one). nil for the other tables, whose unique keys
    /// make the COPY itself fail.
    var anyOwned: SQLQuery? {
        guard let filename else { return nil }
        return SQLQuery(unsafeSQL: """
            SELECT EXISTS (SELECT 1 FROM \(name.quoted) WHERE filename = $1 AND starts_with(\(quoted(keyColumns[0])), '\(Ownership.idPrefix)'))
            """, binds: [filename])
    }

    /// Appends `rows` in COPY's text format, in `copyIn`'s column order: the packed key and
    /// values are written as they are stored, NUL becoming the column separator.
    func copyData(_ rows: ArraySlice<Row>, into out: inout [UInt8]) {
        for row in rows {
            if let filename {
                Self.copyEscape(filename, into: &out)
                out.append(0x09)
            }
            Self.copyEscape(row.key.packed, into: &out)
            out.append(0x09)
            // The packed values with their NUL separators as tabs, and `\N` for each NULL.
            if row.nulls == 0 {
                Self.copyEscape(row.packed, into: &out)
            } else {
                row.forEachValue { column, value in
                    if column > 0 { out.append(0x09) }
                    if let value { Self.copyEscape(value, into: &out) } else { out += [0x5C, 0x4E] }
                }
            }
            out.append(0x0A)
        }
    }

    /// Backslash, tab, newline and carriage return are the bytes COPY's text format escapes;
    /// NUL (the packing's separator) becomes a tab. Text without any of them (nearly
    /// all) is copied as it is.
    private static func copyEscape(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { copyEscape($0, into: &out) }
    }

    private static func copyEscape(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        guard bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
            let start = out.count
            out.append(contentsOf: bytes)
            out.withUnsafeMutableBufferPointer { buffer in
                for index in start..<buffer.count where buffer[index] == 0 { buffer[index] = 0x09 }
            }
            return
        }
        for byte in bytes {
            switch byte {
            case 0x00: out.append(0x09)
            case 0x5C: out += [0x5C, 0x5C]
            case 0x09: out += [0x5C, 0x74]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            default: out.append(byte)
            }
        }
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

    /// The row as read by `selectOwned`: key columns, then managed columns, each side
    /// packed into one string (a NULL key part counts as '').
    func row(from result: PGResultRow) -> Row? {
        let keyCount = table.keyColumnCount, valueCount = table.managedColumnCount
        guard result.count == keyCount + valueCount else { return nil }
        let key = result.joined(0..<keyCount).text
        let values = result.joined(keyCount..<keyCount + valueCount)
        return Row(key: RowKey(table: table, packed: key), packed: values.text, nulls: values.nulls)
    }
}
