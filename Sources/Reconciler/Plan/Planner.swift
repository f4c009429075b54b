/// The pure core: desired trunks → desired rows; desired rows vs. actual rows → Plan.
public enum Planner {
    /// Plans the changes that bring `actual` (the owned rows as read) to what `desired` asks.
    ///
    /// Rows of an invalid configuration whose endpoint id is known are held: neither updated
    /// nor deleted. Rows that are not reconcilerd's are ignored even if passed in.
    public static func plan(desired: DesiredSnapshot, actual: [Row], names: ARANames = ARANames()) -> Plan {
        var desiredRows: [RowKey: Row] = [:]
        for trunk in desired.trunks {
            for row in TrunkRows.rows(for: trunk, names: names) { desiredRows[row.key] = row }
        }
        let desiredIDs = Set(desired.trunks.map(\.endpointID))
        let held = Set(desired.skipped.compactMap(\.heldEndpointID)).subtracting(desiredIDs)

        var actualRows: [RowKey: Row] = [:]
        actualRows.reserveCapacity(actual.count)
        for row in actual where Ownership.owns(row.key) && !held.contains(row.key.endpointID) {
            actualRows[row.key] = row
        }

        var upserts: [PlanStep] = []
        for (key, row) in desiredRows {
            if let existing = actualRows[key] {
                if RowComparison.differ(existing, row) { upserts.append(.update(from: existing, to: row)) }
            } else {
                upserts.append(.create(row))
            }
        }
        var deletes: [PlanStep] = []
        for (key, row) in actualRows where desiredRows[key] == nil {
            deletes.append(.delete(row))
        }
        upserts.sort { $0.key < $1.key }
        deletes = orderDeletes(deletes)

        return Plan(steps: upserts + deletes,
                    configurations: outcomes(desired: desired, deletes: deletes, desiredIDs: desiredIDs))
    }

    /// Children before parents (reverse table order), then by key.
    private static func orderDeletes(_ steps: [PlanStep]) -> [PlanStep] {
        steps.sorted { lhs, rhs in
            lhs.key.table != rhs.key.table ? lhs.key.table > rhs.key.table : lhs.key < rhs.key
        }
    }

    private static func outcomes(desired: DesiredSnapshot, deletes: [PlanStep], desiredIDs: Set<String>) -> [ConfigurationOutcome] {
        var outcomes: [ConfigurationOutcome] = desired.trunks.map { trunk in
            ConfigurationOutcome(configuration: trunk.configuration, endpointID: trunk.endpointID, state: .desired,
                                 stripPrefix: trunk.stripPrefix, dialTestVectors: StripPrefix.testVectors(for: trunk.dialRoutes))
        }
        var claimed = desiredIDs
        for skipped in desired.skipped {
            switch skipped.reason {
            case .inactive(let endpointID):
                outcomes.append(ConfigurationOutcome(configuration: skipped.configuration, endpointID: endpointID, state: .inactive))
                if let endpointID { claimed.insert(endpointID) }
            case .invalid(let error):
                outcomes.append(ConfigurationOutcome(configuration: skipped.configuration, endpointID: error.endpointID, state: .invalid(error)))
                if let endpointID = error.endpointID { claimed.insert(endpointID) }
            }
        }
        outcomes.sort { ($0.configuration?.id ?? .max) < ($1.configuration?.id ?? .max) }
        let orphans = Set(deletes.map(\.key.endpointID)).subtracting(claimed).sorted()
        outcomes += orphans.map { ConfigurationOutcome(configuration: nil, endpointID: $0, state: .orphaned) }
        return outcomes
    }
}
