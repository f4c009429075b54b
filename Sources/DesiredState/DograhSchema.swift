import PGClient

/// Whether Dograh's database is new enough for the reader: `telephony_configurations` with
/// its `inactive` column, which Dograh's migration `c7a1e4f93b26` added. Read for `doctor`,
/// so that an old Dograh is named as such instead of surfacing as the reader's SQL error.
/// The column is what is checked; `alembic_version` (when the table exists) only tells the
/// operator where their Dograh stands, as alembic revisions have no order of their own.
public struct DograhSchema: Sendable, Equatable {
    public static let requiredMigration = "c7a1e4f93b26"

    /// The revision(s) in `alembic_version`; nil when Dograh has no such table.
    public let alembicVersion: String?
    public let hasConfigurationsTable: Bool
    public let hasInactiveColumn: Bool

    public init(alembicVersion: String?, hasConfigurationsTable: Bool, hasInactiveColumn: Bool) {
        self.alembicVersion = alembicVersion
        self.hasConfigurationsTable = hasConfigurationsTable
        self.hasInactiveColumn = hasInactiveColumn
    }

    public static func read(_ connection: PGConnection) async throws(PGError) -> DograhSchema {
        let found = try await connection.query(SQLQuery(unsafeSQL: """
            SELECT CASE WHEN to_regclass('alembic_version') IS NULL THEN 'absent'
                        WHEN has_table_privilege('alembic_version', 'SELECT') THEN 'readable' ELSE 'unreadable' END,
                   to_regclass('telephony_configurations') IS NOT NULL,
                   EXISTS (SELECT 1 FROM pg_attribute
                           WHERE attrelid = to_regclass('telephony_configurations') AND attname = 'inactive' AND NOT attisdropped)
            """))
        guard let row = found.rows.first, row.count == 3 else { throw .unexpectedResult("schema check returned no row") }
        var version: String?
        switch row[0] {
        case "unreadable": version = "not readable by this role"
        case "readable": version = try await connection.query(SQLQuery(unsafeSQL: "SELECT coalesce(string_agg(version_num, ', ' ORDER BY version_num), '') FROM alembic_version")).scalar()
        default: version = nil
        }
        return DograhSchema(alembicVersion: version, hasConfigurationsTable: row[1] == "t", hasInactiveColumn: row[2] == "t")
    }

    /// Why reconcilerd cannot read this database, or nil when it can.
    public var problem: String? {
        let at = alembicVersion.map { $0.isEmpty ? " (alembic_version is empty)" : " (alembic_version: \($0))" } ?? " (no alembic_version table)"
        if !hasConfigurationsTable {
            return "no telephony_configurations table\(at): this is not Dograh's database, or Dograh has not been migrated"
        }
        if !hasInactiveColumn {
            return "Dograh's database is too old\(at): telephony_configurations has no inactive column; "
                + "reconcilerd needs Dograh migration \(Self.requiredMigration) or later"
        }
        return nil
    }

    /// One line for `doctor` when the schema is usable.
    public var summary: String {
        "schema has telephony_configurations.inactive" + (alembicVersion.map { $0.isEmpty ? "" : " (alembic_version: \($0))" } ?? "")
    }
}
