import CLibPQ

/// One row of a query result, read in place from libpq's buffer. Valid only inside the
/// `query(_:rows:)` closure it is handed to (the result is freed afterwards).
public struct PGResultRow {
    fileprivate let result: OpaquePointer
    fileprivate let row: Int32
    /// Number of columns.
    public let count: Int

    init(result: OpaquePointer, row: Int32, count: Int) {
        self.result = result
        self.row = row
        self.count = count
    }

    public func isNull(_ column: Int) -> Bool {
        PQgetisnull(result, row, Int32(column)) != 0
    }

    /// The column's text as UTF-8 bytes (empty for NULL).
    public func bytes(_ column: Int) -> UnsafeRawBufferPointer {
        guard let value = PQgetvalue(result, row, Int32(column)) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: value, count: Int(PQgetlength(result, row, Int32(column))))
    }

    public func string(_ column: Int) -> String? {
        isNull(column) ? nil : String(decoding: bytes(column), as: UTF8.self)
    }

    /// Columns `range` joined by a 0 byte into one string (NULLs as empty text), with bit
    /// i of `nulls` set for each NULL; one allocation whatever the number of columns.
    public func joined(_ range: Range<Int>) -> (text: String, nulls: UInt32) {
        var length = max(range.count - 1, 0)
        for column in range { length += Int(PQgetlength(result, row, Int32(column))) }
        var nulls: UInt32 = 0
        let text = String(unsafeUninitializedCapacity: length) { buffer in
            var offset = 0
            for column in range {
                if column > range.lowerBound {
                    buffer[offset] = 0
                    offset += 1
                }
                if isNull(column) {
                    nulls |= 1 << UInt32(column - range.lowerBound)
                    continue
                }
                let value = bytes(column)
                if value.count > 0 {
                    UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[offset..<offset + value.count]).copyMemory(from: value)
                }
                offset += value.count
            }
            return offset
        }
        return (text, nulls)
    }
}
