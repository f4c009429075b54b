/// Identifies one ARA row: the table and the values of its key columns.
///
/// The parts are kept joined by NUL, a character Postgres text never holds (and
/// configurations are refused for): one string per key instead of an array of them. A
/// cycle at 10,000 trunks holds ~180,000 keys; hashing, comparing and sorting one string
/// each is what keeps that cheap.
public struct RowKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let table: ARATable
    /// The key columns' values joined by NUL; a single-column key is its value as it is.
    public let packed: String

    public init(table: ARATable, parts: [String]) {
        precondition(parts.count == table.keyColumnCount, "key for \(table) needs \(table.keyColumnCount) parts")
        self.init(table: table, packed: parts.count == 1 ? parts[0] : RowPacking.join(parts))
    }

    /// `packed` must hold exactly the table's number of key columns.
    public init(table: ARATable, packed: String) {
        self.table = table
        self.packed = packed
    }

    public var parts: [String] { RowPacking.split(packed) }

    /// The first key column's value: the ps_* id, or the context / category.
    public var firstPart: Substring { RowPacking.first(of: packed) }

    /// The trunk this row belongs to: the ps_* id, or the context / category without its
    /// `-inbound` / `-outbound` suffix.
    public var endpointID: String { String(endpointIDSlice) }

    /// `endpointID` without copying it out of the key.
    public var endpointIDSlice: Substring {
        let base = firstPart
        for suffix in RowPacking.contextSuffixes where base.utf8.count >= suffix.count && base.utf8.suffix(suffix.count).elementsEqual(suffix) {
            return base.dropLast(suffix.count)
        }
        return base
    }

    public var description: String { parts.joined(separator: "/") }

    /// Table, then the parts lexicographically: NUL sorts before every other character,
    /// so comparing the joined strings is comparing the parts.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.table != rhs.table { return lhs.table < rhs.table }
        return lhs.packed < rhs.packed
    }
}

/// One ARA row, reduced to its key and the managed columns (values aligned with
/// `key.table.managedColumns`; nil is SQL NULL).
///
/// The values are stored joined by NUL in one string, with a bit per column for NULL:
/// one allocation per row instead of an array plus a string per value. Two rows with equal
/// `packed` text hold equal values, NULL counting as `''` (as Asterisk counts it).
public struct Row: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    public let key: RowKey
    /// The managed values joined by NUL, a NULL as the empty string.
    public let packed: String
    /// Bit i set: value i is SQL NULL.
    public let nulls: UInt32

    public init(key: RowKey, values: [String?]) {
        precondition(values.count == key.table.managedColumnCount, "row for \(key.table) needs \(key.table.managedColumnCount) values")
        var nulls: UInt32 = 0
        for (index, value) in values.enumerated() where value == nil { nulls |= 1 << UInt32(index) }
        self.init(key: key, packed: RowPacking.join(values.lazy.map { $0 ?? "" }), nulls: nulls)
    }

    /// `packed` must hold exactly the table's number of managed columns.
    public init(key: RowKey, packed: String, nulls: UInt32) {
        self.key = key
        self.packed = packed
        self.nulls = nulls
    }

    public var table: ARATable { key.table }

    public var values: [String?] {
        RowPacking.split(packed).enumerated().map { index, value in nulls & (1 << UInt32(index)) != 0 ? nil : value }
    }

    /// Each value's UTF-8 bytes in column order (nil for NULL), read in place from the
    /// packed text: no array, no string per value. The bytes are valid only inside `body`.
    public func forEachValue(_ body: (_ index: Int, _ value: UnsafeBufferPointer<UInt8>?) -> Void) {
        var packed = packed
        packed.withUTF8 { bytes in
            var start = 0, index = 0
            for position in 0...bytes.count where position == bytes.count || bytes[position] == 0 {
                body(index, nulls & (1 << UInt32(index)) != 0 ? nil : UnsafeBufferPointer(rebasing: bytes[start..<position]))
                index += 1
                start = position + 1
            }
        }
    }

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

/// NUL-joined strings, as `RowKey` and `Row` store them.
enum RowPacking {
    /// Dialplan contexts are `<endpoint id>-inbound` / `-outbound` (ASCII bytes).
    static let contextSuffixes: [[UInt8]] = [Array("-inbound".utf8), Array("-outbound".utf8)]

    /// The strings joined by NUL, written once into a string of the exact size.
    static func join(_ values: some Collection<String>) -> String {
        var length = max(values.count - 1, 0)
        for value in values { length += value.utf8.count }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var offset = 0
            for var value in values {
                value.withUTF8 { bytes in
                    if let source = bytes.baseAddress, bytes.count > 0 {
                        buffer.baseAddress!.advanced(by: offset).update(from: source, count: bytes.count)
                    }
                    offset += bytes.count
                }
                if offset < length {
                    buffer[offset] = 0
                    offset += 1
                }
            }
            return offset
        }
    }

    static func split(_ packed: String) -> [String] {
        guard packed.utf8.contains(0) else { return [packed] }
        return packed.utf8.split(separator: 0, omittingEmptySubsequences: false).map { String(Substring($0)) }
    }

    static func first(of packed: String) -> Substring {
        guard let end = packed.utf8.firstIndex(of: 0) else { return Substring(packed) }
        return packed[..<end]
    }
}
