import ARAAdapter
import DesiredState
import Logging
import PGClient
import Reconciler

/// One level-triggered pass over both databases: read desired, read actual, plan.
/// Applying is a separate step so that a dry run is just "plan and print".
struct Cycle: Sendable {
    let dograh: DograhReader
    let ara: ARAStore
    let logger: Logger

    struct Observed: Sendable {
        let desired: DesiredSnapshot
        let actual: [Row]
        let plan: Plan
    }

    func observe() async throws -> Observed {
        let desired = try await dograh.snapshot()
        for skipped in desired.skipped {
            if case .invalid(let error) = skipped.reason {
                logger.warning("configuration skipped", metadata: [
                    "event": "config.invalid",
                    "configuration_id": "\(error.configuration.id)",
                    "organization_id": "\(error.configuration.organizationID)",
                    "configuration": "\(error.configuration.name)",
                    "field": "\(error.field ?? "-")",
                    "reason": "\(error.reason)",
                ])
            }
        }
        let actual = try await ara.readOwned()
        return Observed(desired: desired, actual: actual, plan: Planner.plan(desired: desired, actual: actual, names: ara.names))
    }
}
