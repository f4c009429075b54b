/// A fingerprint of a set of rows, per table: how many, and the sum of a 64-bit hash of
/// each row's text. Postgres computes the same over the rows it holds
/// (`hashtextextended(concat_ws(U+001F, key and managed columns as text, NULL as ''), 0)`),
/// so comparing two digests tells whether the owned rows are exactly the desired ones
/// without reading them. Equal digests are treated as equal rows; anything else means
/// reading the rows and diffing them.
///
/// The row text is unambiguous against desired rows: their values never hold U+001F
/// (configurations with control characters are refused, and a digest is not made of
/// rows that hold one), so a row text equal to a desired one has the same fields. NULL
/// and '' hash alike, as the diff compares them.
public struct RowDigest: Hashable, Sendable, CustomStringConvertible {
    public struct Table: Hashable, Sendable {
        public var count: Int
        /// Sum of the rows' hashes taken as signed 64-bit integers, as Postgres sums int8.
        public var sum: Int128

        public init(count: Int, sum: Int128) {
            self.count = count
            self.sum = sum
        }
    }

    /// Indexed by `ARATable.rawValue`.
    public private(set) var tables: [Table]

    public init(tables: [ARATable: Table]) {
        self.tables = ARATable.allCases.map { tables[$0] ?? Table(count: 0, sum: 0) }
    }

    /// nil when a row holds U+001F, the separator of the row text.
    public init?(rows: [Row]) {
        var tables = Array(repeating: Table(count: 0, sum: 0), count: ARATable.allCases.count)
        var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024, alignment: 8)
        defer { scratch.deallocate() }
        for row in rows {
            var key = row.key.packed, values = row.packed
            let keyLength = key.utf8.count, length = keyLength + 1 + values.utf8.count
            if length > scratch.count {
                scratch.deallocate()
                scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: length * 2, alignment: 8)
            }
            key.withUTF8 { if let source = $0.baseAddress { scratch.baseAddress!.copyMemory(from: source, byteCount: $0.count) } }
            values.withUTF8 { if let source = $0.baseAddress { scratch.baseAddress!.advanced(by: keyLength + 1).copyMemory(from: source, byteCount: $0.count) } }
            // The packing's NUL separators become U+001F; a U+001F of its own makes the text ambiguous.
            for index in 0..<length where index != keyLength {
                switch scratch[index] {
                case 0x1F: return nil
                case 0x00: scratch[index] = 0x1F
                default: break
                }
            }
            scratch[keyLength] = 0x1F
            let hash = PGHash.hashBytesExtended(UnsafeRawBufferPointer(rebasing: scratch[0..<length]))
            tables[row.table.rawValue].count += 1
            tables[row.table.rawValue].sum += Int128(Int64(bitPattern: hash))
        }
        self.tables = tables
    }

    public subscript(table: ARATable) -> Table { tables[table.rawValue] }

    public var description: String {
        ARATable.allCases.map { "\($0): \(self[$0].count) rows, sum \(self[$0].sum)" }.joined(separator: "; ")
    }
}
