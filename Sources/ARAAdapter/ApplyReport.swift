import Reconciler

/// What an apply wrote: row counts per table and verb.
public struct ApplyReport: Sendable, Equatable {
    public var counts: [ARATable: [PlanStep.Verb: Int]] = [:]

    public init() {}

    public func count(_ table: ARATable, _ verb: PlanStep.Verb) -> Int { counts[table]?[verb] ?? 0 }

    public var total: Int { counts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    mutating func record(_ table: ARATable, _ verb: PlanStep.Verb, _ count: Int) {
        counts[table, default: [:]][verb, default: 0] += count
    }
}
