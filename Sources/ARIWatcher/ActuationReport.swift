/// Outcome of `Actuator.perform(_:)`. Failed actions are kept with their error so the
/// caller can leave them pending and retry next cycle.
public struct ActuationReport: Sendable, CustomStringConvertible {
    public struct Failure: Sendable, CustomStringConvertible {
        public var action: AsteriskAction
        public var error: any Error

        public var description: String { "\(action): \(error)" }
    }

    public var succeeded: [AsteriskAction] = []
    public var failed: [Failure] = []

    public var allSucceeded: Bool { failed.isEmpty }
    public var failedActions: [AsteriskAction] { failed.map(\.action) }

    public var description: String {
        let ok = succeeded.map(\.description).joined(separator: ", ")
        let failures = failed.map(\.description).joined(separator: "; ")
        return "succeeded: [\(ok)], failed: [\(failures)]"
    }
}
