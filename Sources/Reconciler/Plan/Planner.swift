/// The pure core: desired trunks → desired rows; desired rows vs. actual rows (and what
/// Asterisk reports) → Plan. No I/O, no clock: the same inputs give the same plan.
public enum Planner {
    /// Plans the changes that bring `actual` (the owned rows as read) to what `desired` asks.
    ///
    /// - Rows of an invalid configuration whose endpoint id is known are held: neither
    ///   updated nor deleted. Rows that are not reconcilerd's are ignored even if passed in.
    /// - A trunk that goes away loses its registration row first; its other rows are
    ///   deferred until Asterisk no longer reports the registration (two-phase
    ///   deprovisioning, DOMAIN.md §3).
    /// - `policy` caps how many trunks one cycle may remove; `live` holds back changes
    ///   that would drop calls in progress and reveals Asterisk-side drift. Without an
    ///   observed Asterisk neither happens.
    public static func plan(
        desired: DesiredSnapshot, actual: [Row], names: ARANames = ARANames(),
        live view: LiveView = .notConfigured, policy: PlanPolicy = PlanPolicy()
    ) -> Plan {
        let live = view.state
        var desiredRows: [RowKey: Row] = [:]
        for trunk in desired.trunks {
            for row in TrunkRows.rows(for: trunk, names: names) { desiredRows[row.key] = row }
        }
        let desiredIDs = Set(desired.trunks.map(\.endpointID))
        let held = Set(desired.skipped.compactMap(\.heldEndpointID)).subtracting(desiredIDs)

        var actualRows: [RowKey: Row] = [:]
        actualRows.reserveCapacity(actual.count)
        var ownedIDs: Set<String> = []
        var registrationRows: Set<String> = []
        for row in actual where Ownership.owns(row.key) {
            ownedIDs.insert(row.key.endpointID)
            if row.table == .psRegistrations { registrationRows.insert(row.key.endpointID) }
            if !held.contains(row.key.endpointID) { actualRows[row.key] = row }
        }

        var steps: [PlanStep] = []
        for (key, row) in desiredRows {
            if let existing = actualRows[key] {
                if RowComparison.differ(existing, row) { steps.append(.update(from: existing, to: row)) }
            } else {
                steps.append(.create(row))
            }
        }
        for (key, row) in actualRows where desiredRows[key] == nil {
            steps.append(.delete(row))
        }

        var gate = Gate(steps: steps)
        let removals = Set(steps.filter { $0.verb == .delete }.map(\.key.endpointID)).subtracting(desiredIDs)
        if !policy.allowsRemoving(removals.count, ofOwned: ownedIDs.count) {
            for id in removals { gate.defer(id, .pruneBudget) { _ in true } }
        }
        if let live {
            for id in live.endpointsWithCalls.subtracting(live.holdExpired) {
                // Dialplan rows can change under a call; the trunk's auth, contact,
                // registration and endpoint cannot.
                gate.defer(id, .activeCalls) { step in
                    switch (step.verb, step.key.table) {
                    case (.delete, .psAuths), (.delete, .psAors), (.delete, .psEndpoints), (.delete, .psRegistrations): true
                    case (.update, .psAuths), (.update, .psAors), (.update, .psRegistrations): true
                    default: false
                    }
                }
            }
        }
        for id in removals where gate.isPending(id) {
            if gate.pendingSteps(of: id).contains(where: { $0.key.table == .psRegistrations }) {
                gate.defer(id, .awaitingUnregistration) { $0.key.table != .psRegistrations }
            } else if view == .unreachable || live?.registrations[id] == .registered {
                gate.defer(id, .awaitingUnregistration) { _ in true }
            }
        }

        var drift: [AsteriskDrift] = []
        if let live {
            let touchedRegistrations = Set(steps.filter { $0.key.table == .psRegistrations }.map(\.key.endpointID))
            for id in desiredIDs where registrationRows.contains(id) && !touchedRegistrations.contains(id) && live.registrations[id] == nil {
                drift.append(AsteriskDrift(endpointID: id, kind: .missing))
            }
            for id in live.registrations.keys where id.hasPrefix(Ownership.idPrefix)
                && !desiredIDs.contains(id) && !held.contains(id) && !registrationRows.contains(id) {
                drift.append(AsteriskDrift(endpointID: id, kind: .stale))
            }
        }

        let now = order(gate.pending)
        return Plan(
            steps: now,
            configurations: outcomes(desired: desired, steps: steps, desiredIDs: desiredIDs, live: live),
            deferred: gate.deferrals.sorted { ($0.endpointID, $0.reason.rawValue) < ($1.endpointID, $1.reason.rawValue) },
            asteriskDrift: drift.sorted(),
            actuations: Actuation.required(by: now, drift: drift),
            asterisk: view.monitoring)
    }

    /// Creates and updates parents first (table order, then key); deletes children first.
    static func order(_ steps: [PlanStep]) -> [PlanStep] {
        let upserts = steps.filter { $0.verb != .delete }.sorted { $0.key < $1.key }
        let deletes = steps.filter { $0.verb == .delete }.sorted { lhs, rhs in
            lhs.key.table != rhs.key.table ? lhs.key.table > rhs.key.table : lhs.key < rhs.key
        }
        return upserts + deletes
    }

    private static func outcomes(desired: DesiredSnapshot, steps: [PlanStep], desiredIDs: Set<String>, live: LiveState?) -> [ConfigurationOutcome] {
        func registration(_ id: String?) -> RegistrationStatus? { id.flatMap { live?.registrations[$0] } }
        var outcomes: [ConfigurationOutcome] = desired.trunks.map { trunk in
            ConfigurationOutcome(configuration: trunk.configuration, endpointID: trunk.endpointID, state: .desired,
                                 stripPrefix: trunk.stripPrefix, dialTestVectors: StripPrefix.testVectors(for: trunk.dialRoutes),
                                 registration: registration(trunk.endpointID))
        }
        var claimed = desiredIDs
        for skipped in desired.skipped {
            let id: String?, state: ConfigurationOutcome.State
            switch skipped.reason {
            case .inactive(let endpointID): (id, state) = (endpointID, .inactive)
            case .invalid(let error): (id, state) = (error.endpointID, .invalid(error))
            case .notForThisBridge(let endpointID): (id, state) = (endpointID, .notForThisBridge)
            }
            outcomes.append(ConfigurationOutcome(configuration: skipped.configuration, endpointID: id, state: state, registration: registration(id)))
            if let id { claimed.insert(id) }
        }
        outcomes.sort { ($0.configuration?.id ?? .max) < ($1.configuration?.id ?? .max) }
        let orphans = Set(steps.filter { $0.verb == .delete }.map(\.key.endpointID)).subtracting(claimed).sorted()
        outcomes += orphans.map { ConfigurationOutcome(configuration: nil, endpointID: $0, state: .orphaned, registration: registration($0)) }
        return outcomes
    }
}

/// Steps still to run this cycle, and those held back per endpoint with a reason.
private struct Gate {
    private(set) var pending: [PlanStep]
    private(set) var deferrals: [Deferral] = []

    init(steps: [PlanStep]) { pending = steps }

    func isPending(_ id: String) -> Bool { pending.contains { $0.key.endpointID == id } }

    func pendingSteps(of id: String) -> [PlanStep] { pending.filter { $0.key.endpointID == id } }

    /// Moves the endpoint's pending steps matching `predicate` into a deferral.
    mutating func `defer`(_ id: String, _ reason: Deferral.Reason, where predicate: (PlanStep) -> Bool) {
        var held: [PlanStep] = []
        pending.removeAll { step in
            guard step.key.endpointID == id, predicate(step) else { return false }
            held.append(step)
            return true
        }
        if !held.isEmpty { deferrals.append(Deferral(endpointID: id, reason: reason, steps: Planner.order(held))) }
    }
}
