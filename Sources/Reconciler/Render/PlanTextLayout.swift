/// How much of a plan the text shows: all of it, or, for a plan over `--plan-detail-limit`
/// configurations, the per-table counts and the first configurations in full, with a line
/// saying how to get the rest (a converge of 10,000 trunks is 22 MB of text). The JSON plan
/// is always complete.
public struct PlanTextLayout: Sendable, Equatable {
    /// Configurations shown in full, in plan order.
    public let shown: Int
    /// Configurations left out.
    public let hidden: Int
    /// Per table, steps by verb; non-empty only when something is left out.
    public let tableCounts: [(table: ARATable, create: Int, update: Int, delete: Int)]
    public let limit: Int

    public static let defaultLimit = 200

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.shown == rhs.shown && lhs.hidden == rhs.hidden && lhs.limit == rhs.limit
            && lhs.tableCounts.elementsEqual(rhs.tableCounts) { $0 == $1 }
    }

    /// Everything: `detail`, or at most `limit` configurations.
    public static func make(_ plan: Plan, limit: Int = defaultLimit, detail: Bool = false) -> PlanTextLayout {
        let total = plan.configurations.count
        guard !detail, total > limit else { return PlanTextLayout(shown: total, hidden: 0, tableCounts: [], limit: limit) }
        var counts = [(create: Int, update: Int, delete: Int)](repeating: (0, 0, 0), count: ARATable.allCases.count)
        var touched = [Bool](repeating: false, count: ARATable.allCases.count)
        for step in plan.steps {
            let table = step.key.table.rawValue
            touched[table] = true
            switch step.verb {
            case .create: counts[table].create += 1
            case .update: counts[table].update += 1
            case .delete: counts[table].delete += 1
            }
        }
        let tables = ARATable.allCases.filter { touched[$0.rawValue] }.map { table in
            let count = counts[table.rawValue]
            return (table: table, create: count.create, update: count.update, delete: count.delete)
        }
        return PlanTextLayout(shown: max(0, limit), hidden: total - max(0, limit), tableCounts: tables, limit: limit)
    }

    /// Everything is shown.
    public static func full(_ plan: Plan) -> PlanTextLayout {
        PlanTextLayout(shown: plan.configurations.count, hidden: 0, tableCounts: [], limit: plan.configurations.count)
    }

    public var isAbridged: Bool { hidden > 0 }

    /// The lines before the first configuration of an abridged plan.
    public func headLines(names: ARANames) -> [String] {
        guard isAbridged else { return [] }
        var lines = ["Large plan: \(shown + hidden) configurations, over --plan-detail-limit \(limit); "
                     + "the row changes per table, then the first \(shown) configurations in full."]
        for count in tableCounts {
            lines.append("  \(names.name(of: count.table)): \(count.create) to create, \(count.update) to update, \(count.delete) to delete")
        }
        lines.append("")
        return lines
    }

    /// The line after the last configuration shown.
    public var tailLine: String? {
        guard isAbridged else { return nil }
        return "… \(hidden) more configuration\(hidden == 1 ? "" : "s") not shown: --detail (or --plan-detail-limit \(shown + hidden)) for the whole text plan, --output json for the complete plan."
    }
}
