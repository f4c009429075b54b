/// A query result in text format: every value is the server's text representation.
public struct PGRows: Sendable, Equatable {
    public let columns: [String]
    public let rows: [[String?]]
    /// Rows affected, for INSERT / UPDATE / DELETE.
    public let affected: Int

    public init(columns: [String], rows: [[String?]], affected: Int) {
        self.columns = columns
        self.rows = rows
        self.affected = affected
    }

    public var count: Int { rows.count }

    /// The only value of a one-row, one-column result.
    public func scalar() throws(PGError) -> String? {
        guard rows.count == 1, rows[0].count == 1 else {
            throw .unexpectedResult("expected one value, got \(rows.count) rows")
        }
        return rows[0][0]
    }
}
