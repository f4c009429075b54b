import PGClient
import Reconciler

/// The ARA database as reconcilerd sees it: the rows it owns, and a transactional apply.
/// Needs only SELECT, INSERT, UPDATE and DELETE on the tables; no DDL at run time.
public struct ARAStore: Sendable {
    public let connection: PGConnection
    public let names: ARANames
    private let tables: [TableSQL]

    public init(connection: PGConnection, names: ARANames = ARANames()) throws(ARAError) {
        guard let configTable = SQLIdentifier(names.configTable) else { throw .invalidTableName(names.configTable) }
        self.connection = connection
        self.names = names
        tables = ARATable.allCases.map { table in
            TableSQL(table: table, name: table.fixedName.flatMap(SQLIdentifier.init) ?? configTable,
                     filename: table == .dialplanContexts ? names.configFilename : nil)
        }
    }

    /// Every owned row, one query per table whatever the number of trunks.
    public func readOwned() async throws(ARAError) -> [Row] {
        var rows: [Row] = []
        for sql in tables {
            // Rows are built straight from the result, with no intermediate copy of it.
            let result: [Row]
            do {
                result = try await connection.query(sql.selectOwned, mapping: { sql.row(from: $0) })
            } catch {
                throw .read(table: sql.name.name, error)
            }
            if rows.isEmpty { rows = result } else { rows += result }
        }
        return rows
    }

    /// Applies every step in one transaction: all or nothing. Each table takes at most one
    /// INSERT, one UPDATE and one DELETE statement, whatever the number of rows. Applying
    /// the same steps twice changes nothing the second time; the report counts the rows
    /// each statement actually touched.
    ///
    /// With `leaderPID`, the transaction first checks that this backend still holds the
    /// leader lock and rolls back with `ARAError.notLeader` if not.
    @discardableResult
    public func apply(_ steps: [PlanStep], leaderPID: Int32? = nil) async throws -> ApplyReport {
        guard !steps.isEmpty else { return ApplyReport() }
        let tables = self.tables
        return try await connection.transaction { connection throws in
            if let leaderPID {
                let held = try connection.query(LeaderLock.isHeldQuery(pid: leaderPID)).scalar()
                guard held == "t" else { throw ARAError.notLeader }
            }
            var report = ApplyReport()
            var creates: [ARATable: [Row]] = [:], updates: [ARATable: [Row]] = [:], deletes: [ARATable: [Row]] = [:]
            for step in steps {
                switch step {
                case .create(let row): creates[row.table, default: []].append(row)
                case .update(_, let row): updates[row.table, default: []].append(row)
                case .delete(let row): deletes[row.table, default: []].append(row)
                }
            }
            for sql in tables {
                try Self.run(sql.insert, .create, creates[sql.table], sql, on: connection, into: &report)
                try Self.run(sql.update, .update, updates[sql.table], sql, on: connection, into: &report)
            }
            for sql in tables.reversed() {
                try Self.run(sql.delete, .delete, deletes[sql.table], sql, on: connection, into: &report)
            }
            return report
        }
    }

    private static func run(
        _ statement: String, _ verb: PlanStep.Verb, _ rows: [Row]?, _ sql: TableSQL,
        on connection: isolated PGConnection, into report: inout ApplyReport
    ) throws {
        guard let rows, !rows.isEmpty else { return }
        let affected: Int
        do {
            affected = try connection.query(SQLQuery(unsafeSQL: statement, binds: [sql.payload(rows)])).affected
        } catch {
            throw ARAError.apply(step: "\(verb.rawValue) of \(rows.count) row(s)", table: sql.name.name, error)
        }
        report.record(sql.table, verb, affected)
    }
}
