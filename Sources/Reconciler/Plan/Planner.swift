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
        plan(desired: desired, actual: .rows(actual), names: names, live: view, policy: policy)
    }

    /// The rows `desired` asks for, trunk by trunk.
    public static func desiredRows(_ desired: DesiredSnapshot, names: ARANames = ARANames()) -> [Row] {
        var collector = RowCollector()
        for trunk in desired.trunks { TrunkRows.emit(trunk, names: names, into: &collector) }
        return collector.rows
    }

    /// The owned rows as the caller knows them.
    public enum Actual: Sendable {
        /// As read.
        case rows([Row])
        /// Known to be exactly the rows `desired` asks for (their digests matched): nothing
        /// to diff, and the desired rows need not even be built.
        case sameAsDesired
    }

    /// `desiredRows`, when the caller has built them (`desiredRows(_:names:)`), saves
    /// building them again for a diff.
    /// With `applied` (what reconcilerd last provisioned; nil when it keeps no record), the
    /// plan also carries the record's update.
    public static func plan(
        desired: DesiredSnapshot, actual: Actual, desiredRows prebuilt: [Row]? = nil, names: ARANames = ARANames(),
        live view: LiveView = .notConfigured, policy: PlanPolicy = PlanPolicy(), applied: AppliedEndpoints? = nil
    ) -> Plan {
        let live = view.state
        let desiredIDs = Set(desired.trunks.map(\.endpointID))
        let held = Set(desired.skipped.compactMap(\.heldEndpointID)).subtracting(desiredIDs)
        let diff: Diff = switch actual {
        case .rows(let rows): Diff(desiredRows: prebuilt ?? desiredRows(desired, names: names), actual: rows, held: held)
        // Every desired trunk has a registration row (`TrunkRows`).
        case .sameAsDesired:
            Diff(steps: [], ownedIDs: Set(desiredIDs.lazy.map { Substring($0) }), registrationIDs: Set(desiredIDs.lazy.map { Substring($0) }))
        }
        let steps = diff.steps, registrationRows = diff.registrationIDs

        var gate = Gate(steps: steps)
        let removals = Set(steps.filter { $0.verb == .delete }.map(\.key.endpointID)).subtracting(desiredIDs)
        if !policy.allowsRemoving(removals.count, ofOwned: diff.ownedIDs.count) {
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
            for id in desiredIDs where registrationRows.contains(Substring(id)) && !touchedRegistrations.contains(id) && live.registrations[id] == nil {
                drift.append(AsteriskDrift(endpointID: id, kind: .missing))
            }
            for id in live.registrations.keys where id.hasPrefix(Ownership.idPrefix)
                && !desiredIDs.contains(id) && !held.contains(id) && !registrationRows.contains(Substring(id)) {
                drift.append(AsteriskDrift(endpointID: id, kind: .stale))
            }
        }

        let now = order(gate.pending)
        return Plan(
            steps: now,
            configurations: outcomes(desired: desired, steps: steps, desiredIDs: desiredIDs, ownedIDs: diff.ownedIDs, live: live),
            deferred: gate.deferrals.sorted { ($0.endpointID, $0.reason.rawValue) < ($1.endpointID, $1.reason.rawValue) },
            asteriskDrift: drift.sorted(),
            actuations: Actuation.required(by: now, drift: drift),
            asterisk: view.monitoring,
            appliedEndpoints: applied?.changes(toMatch: desired) ?? AppliedEndpoints.Changes())
    }

    /// Creates and updates parents first (table order, then key); deletes children first.
    static func order(_ steps: [PlanStep]) -> [PlanStep] {
        guard steps.count > 1 else { return steps }
        // By table first (a pass), then by key within each table. Rows come trunk by trunk
        // in endpoint id order, so a table's steps are often in order already: that is
        // checked with plain key comparisons, and only the other tables are sorted.
        var upserts = [[Int]](repeating: [], count: ARATable.allCases.count), deletes = upserts
        for (index, step) in steps.enumerated() {
            if case .delete = step { deletes[step.key.table.rawValue].append(index) } else { upserts[step.key.table.rawValue].append(index) }
        }
        var ordered: [PlanStep] = []
        ordered.reserveCapacity(steps.count)
        for bucket in upserts + deletes.reversed() {
            let keys = bucket.map { steps[$0].key }
            var positions = Array(keys.indices)
            if !zip(keys, keys.dropFirst()).allSatisfy({ $0.packed < $1.packed }) { SortKeys(keys).sort(&positions) }
            for position in positions { ordered.append(steps[bucket[position]]) }
        }
        return ordered
    }

    /// Sorts step indices in `RowKey` order (table, then parts lexicographically by
    /// `String <`) without reference counting in the comparisons: a converge sorts ~90,000
    /// steps, and comparing `RowKey`s directly was a third of its planning time. Each key's
    /// packed parts (NUL-separated) are laid out once as bytes, followed by a 0 byte. For
    /// ASCII keys `String <` is byte order and the 0 byte puts a part before its
    /// extensions, so comparing those bytes (8 at a time) is comparing the keys; any other
    /// key is compared as a `RowKey`.
    private struct SortKeys {
        private struct Span { var start: Int; var count: Int; var plain: Bool }
        private let keys: [RowKey]
        private var bytes: [UInt8] = []
        private var spans: [Span] = []

        init(_ keys: [RowKey]) {
            self.keys = keys
            spans.reserveCapacity(keys.count)
            bytes.reserveCapacity(keys.count * 48)
            for key in keys {
                let start = bytes.count
                // The packed key already separates its parts with NUL.
                var packed = key.packed
                let plain = packed.withUTF8 { utf8 in
                    bytes.append(contentsOf: utf8)
                    return utf8.allSatisfy { $0 < 0x80 }
                }
                bytes.append(0)
                spans.append(Span(start: start, count: bytes.count - start, plain: plain))
            }
        }

        /// Indices of keys of one table, by key.
        func sort(_ indices: inout [Int]) {
            guard indices.count > 1 else { return }
            let keys = self.keys
            bytes.withUnsafeBytes { raw in
                spans.withUnsafeBufferPointer { spans in
                    let base = raw.baseAddress!
                    func precedes(_ lhs: Int, _ rhs: Int) -> Bool {
                        let a = spans[lhs], b = spans[rhs]
                        guard a.plain && b.plain else { return keys[lhs].packed < keys[rhs].packed }
                        let common = min(a.count, b.count)
                        var offset = 0
                        while offset + 8 <= common {
                            let x = base.loadUnaligned(fromByteOffset: a.start + offset, as: UInt64.self).bigEndian
                            let y = base.loadUnaligned(fromByteOffset: b.start + offset, as: UInt64.self).bigEndian
                            if x != y { return x < y }
                            offset += 8
                        }
                        while offset < common {
                            let x = base.load(fromByteOffset: a.start + offset, as: UInt8.self)
                            let y = base.load(fromByteOffset: b.start + offset, as: UInt8.self)
                            if x != y { return x < y }
                            offset += 1
                        }
                        return a.count < b.count
                    }
                    indices.sort(by: precedes)
                }
            }
        }
    }

    private static func outcomes(desired: DesiredSnapshot, steps: [PlanStep], desiredIDs: Set<String>, ownedIDs: Set<Substring>,
                                 live: LiveState?) -> [ConfigurationOutcome] {
        func registration(_ id: String?) -> RegistrationStatus? { id.flatMap { live?.registrations[$0] } }
        // Test vectors depend only on the routes, and most trunks share a handful of strip
        // prefixes: computed once per distinct route list, not once per trunk.
        var vectors: [[DialRoute]: [DialTestVector]] = [:]
        var outcomes: [ConfigurationOutcome] = desired.trunks.map { trunk in
            let dialTestVectors: [DialTestVector]
            if let known = vectors[trunk.dialRoutes] {
                dialTestVectors = known
            } else {
                dialTestVectors = StripPrefix.testVectors(for: trunk.dialRoutes)
                vectors[trunk.dialRoutes] = dialTestVectors
            }
            return ConfigurationOutcome(configuration: trunk.configuration, endpointID: trunk.endpointID, state: .desired,
                                        stripPrefix: trunk.stripPrefix, dialTestVectors: dialTestVectors,
                                        registration: registration(trunk.endpointID))
        }
        var claimed = desiredIDs
        for skipped in desired.skipped {
            let id: String?, state: ConfigurationOutcome.State
            switch skipped.reason {
            case .inactive(let endpointID): (id, state) = (endpointID, .inactive)
            case .invalid(let error):
                let holding = error.endpointID.map { ownedIDs.contains(Substring($0)) } ?? false
                (id, state) = (error.endpointID, holding ? .held(error) : .invalid(error))
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

/// Desired rows against the owned rows read: the steps, and what the rows say about the
/// trunks present.
private struct Diff {
    let steps: [PlanStep]
    /// Trunks with owned rows.
    let ownedIDs: Set<Substring>
    /// Trunks with a registration row.
    let registrationIDs: Set<Substring>

    init(steps: [PlanStep], ownedIDs: Set<Substring>, registrationIDs: Set<Substring>) {
        self.steps = steps
        self.ownedIDs = ownedIDs
        self.registrationIDs = registrationIDs
    }

    /// The desired rows get one index by key (a key produced twice keeps its last row).
    /// Each actual row costs one lookup in that index; only rows nobody asks for go into
    /// a second, usually tiny, dictionary. Rows of `held` trunks are left as they are.
    init(desiredRows: [Row], actual: [Row], held: Set<String>) {
        guard !actual.isEmpty else {
            // Nothing owned yet (a converge from empty): every desired row is a create.
            self.init(steps: desiredRows.map { .create($0) }, ownedIDs: [], registrationIDs: [])
            return
        }
        var desiredIndex: [RowKey: Int] = [:]
        desiredIndex.reserveCapacity(desiredRows.count)
        for (index, row) in desiredRows.enumerated() { desiredIndex[row.key] = index }

        // matched[i]: position in `actual` of the (last) row with desiredRows[i]'s key.
        var matched = [Int](repeating: -1, count: desiredRows.count)
        var unwanted: [RowKey: Int] = [:]
        // Ids as slices of the keys read: no string copied per row.
        var ownedIDs: Set<Substring> = []
        var registrationIDs: Set<Substring> = []
        var lastOwnedID: Substring?
        for (position, row) in actual.enumerated() where Ownership.owns(row.key) {
            let id = row.key.endpointIDSlice
            // Rows arrive grouped by trunk: skip the set insert while the id repeats.
            if id != lastOwnedID {
                ownedIDs.insert(id)
                lastOwnedID = id
            }
            if row.table == .psRegistrations { registrationIDs.insert(id) }
            if !held.isEmpty && held.contains(String(id)) { continue }
            if let index = desiredIndex[row.key] {
                matched[index] = position
            } else {
                unwanted[row.key] = position
            }
        }

        var steps: [PlanStep] = []
        for index in desiredIndex.values {
            let row = desiredRows[index]
            if matched[index] >= 0 {
                let existing = actual[matched[index]]
                if RowComparison.differ(existing, row) { steps.append(.update(from: existing, to: row)) }
            } else {
                steps.append(.create(row))
            }
        }
        for position in unwanted.values {
            steps.append(.delete(actual[position]))
        }
        self.init(steps: steps, ownedIDs: ownedIDs, registrationIDs: registrationIDs)
    }
}

/// Steps still to run this cycle, and those held back per endpoint with a reason.
private struct Gate {
    private let all: [PlanStep]
    /// Steps by endpoint id, built on first need: holding back one trunk's steps must not
    /// scan every step (a mass removal blocked by the prune budget would cost trunks ×
    /// steps), and a cycle that holds nothing back (a converge) needs no grouping at all.
    private var grouped: [String: [PlanStep]]?
    private(set) var deferrals: [Deferral] = []

    init(steps: [PlanStep]) { all = steps }

    private mutating func byEndpoint() -> [String: [PlanStep]] {
        if let grouped { return grouped }
        let grouping = Dictionary(grouping: all, by: \.key.endpointID)
        grouped = grouping
        return grouping
    }

    /// The steps still to run, in no particular order.
    var pending: [PlanStep] { grouped.map { $0.values.flatMap { $0 } } ?? all }

    mutating func isPending(_ id: String) -> Bool { !(byEndpoint()[id]?.isEmpty ?? true) }

    mutating func pendingSteps(of id: String) -> [PlanStep] { byEndpoint()[id] ?? [] }

    /// Moves the endpoint's pending steps matching `predicate` into a deferral.
    mutating func `defer`(_ id: String, _ reason: Deferral.Reason, where predicate: (PlanStep) -> Bool) {
        guard var steps = byEndpoint()[id] else { return }
        var held: [PlanStep] = []
        steps.removeAll { step in
            guard predicate(step) else { return false }
            held.append(step)
            return true
        }
        grouped?[id] = steps
        if !held.isEmpty { deferrals.append(Deferral(endpointID: id, reason: reason, steps: Planner.order(held))) }
    }
}
