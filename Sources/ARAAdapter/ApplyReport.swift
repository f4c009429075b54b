import Reconciler

/// What an apply wrote: row counts per table and verb.
public struct ApplyReport: Sendable, Equatable {
    public var counts: [ARATable: [PlanStep.Verb: Int]] = [:]
    /// The creates went in by COPY (a bulk apply without conflicts), not by the upsert.
    public internal(set) var createdByCopy = false

    public init() {}

    public func count(_ table: ARATable, _ verb: PlanStep.Verb) -> Int { counts[table]?[verb] ?? 0 }

    public var total: Int { counts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    mutating func record(_ table: ARATable, _ verb: PlanStep.Verb, _ count: Int) {
        counts[table, default: [:]][verb, default: 0] += count
    }

    mutating func merge(_ other: ApplyReport) {
        for (table, verbs) in other.counts {
            for (verb, count) in verbs { record(table, verb, count) }
        }
    }
}
