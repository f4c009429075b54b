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
        var accumulator = Accumulator()
        for row in rows { accumulator.add(row.table, [row.key.packed], [row.packed]) }
        guard let digest = accumulator.digest else { return nil }
        self = digest
    }

    /// The digest of the rows `trunks` ask for, without building them; equal to
    /// `RowDigest(rows: Planner.desiredRows(…))`.
    public init?(trunks: [Trunk], names: ARANames = ARANames()) {
        var accumulator = Accumulator()
        for trunk in trunks { TrunkRows.emit(trunk, names: names, into: &accumulator) }
        guard let digest = accumulator.digest else { return nil }
        self = digest
    }

    public subscript(table: ARATable) -> Table { tables[table.rawValue] }

    public var rowCount: Int { tables.reduce(0) { $0 + $1.count } }

    /// Whether `trunks` ask for as many rows per table as this digest counts: when not,
    /// the digests cannot match and hashing the desired rows can be skipped.
    public func countsMatch(_ trunks: [Trunk]) -> Bool {
        var counts = [Int](repeating: 0, count: tables.count)
        for trunk in trunks {
            for (index, count) in TrunkRows.counts(for: trunk).enumerated() { counts[index] += count }
        }
        return counts == tables.map(\.count)
    }

    /// The digest of both sets of rows together (it is a sum, so parts can be hashed apart).
    public func adding(_ other: RowDigest) -> RowDigest {
        var sum = self
        for index in sum.tables.indices {
            sum.tables[index].count += other.tables[index].count
            sum.tables[index].sum += other.tables[index].sum
        }
        return sum
    }

    /// Hashes each row's text as it comes: the key parts, then the values, joined by
    /// U+001F (a NULL as ''). Packed parts (NUL-joined) come out the same as separate ones.
    private struct Accumulator: RowSink {
        private var tables = Array(repeating: Table(count: 0, sum: 0), count: ARATable.allCases.count)
        private var text: [UInt8] = []
        private var ambiguous = false

        init() { text.reserveCapacity(512) }

        var digest: RowDigest? {
            ambiguous ? nil : RowDigest(tables: Dictionary(uniqueKeysWithValues: ARATable.allCases.map { ($0, tables[$0.rawValue]) }))
        }

        mutating func add(_ table: ARATable, _ key: [String], _ values: [String?]) {
            guard !ambiguous else { return }
            text.removeAll(keepingCapacity: true)
            for (index, part) in key.enumerated() {
                if index > 0 { text.append(0x1F) }
                append(part)
            }
            for value in values {
                text.append(0x1F)
                if let value { append(value) }
            }
            let hash = text.withUnsafeBytes { PGHash.hashBytesExtended($0) }
            tables[table.rawValue].count += 1
            tables[table.rawValue].sum += Int128(Int64(bitPattern: hash))
        }

        /// NUL (a packed separator) becomes U+001F; a U+001F of the text's own makes it ambiguous.
        private mutating func append(_ string: String) {
            var string = string
            let start = text.count
            string.withUTF8 { text.append(contentsOf: $0) }
            var separatorSeen = false
            text.withUnsafeMutableBufferPointer { buffer in
                for index in start..<buffer.count {
                    switch buffer[index] {
                    case 0x1F: separatorSeen = true
                    case 0x00: buffer[index] = 0x1F
                    default: break
                    }
                }
            }
            if separatorSeen { ambiguous = true }
        }
    }

    public var description: String {
        ARATable.allCases.map { "\($0): \(self[$0].count) rows, sum \(self[$0].sum)" }.joined(separator: "; ")
    }
}
