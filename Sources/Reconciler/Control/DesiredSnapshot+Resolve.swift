/// The lifecycle rules that turn validated configurations into what to provision, in the
/// order they apply (each is tested in `ResolveTests`):
///
/// 1. **Inactive wins.** An inactive configuration is not provisioned, whatever its
///    credentials say: its rows (under the id it has, or last had) are removed, two-phase
///    like a delete. A broken inactive configuration must not keep a trunk registered.
/// 2. **Claims.** Every configuration whose endpoint id is known (derived now or applied
///    last) claims it, parked or broken ones too; the lowest configuration id keeps a
///    contested id, so a newer configuration can never take over or take down a trunk.
/// 3. **Held at the last valid version.** An invalid configuration keeps its rows exactly as
///    they are (no create, update or delete) under the id it was last applied with, or,
///    without that record, the id its current version still derives.
/// 4. **Other bridges.** A valid configuration for another bridge is not provisioned here.
extension DesiredSnapshot {
    public static func resolve(_ configurations: [ValidatedConfiguration], applied: AppliedEndpoints = AppliedEndpoints()) -> DesiredSnapshot {
        var trunks: [Trunk] = []
        var skipped: [SkippedConfiguration] = []
        var owners: [String: ConfigurationRef] = [:]
        for validated in configurations.sorted(by: { $0.configuration.id < $1.configuration.id }) {
            let ref = validated.configuration
            let last = applied[ref.id]
            let claims = [last, validated.derivedEndpointID].compactMap { $0 }
            if let contested = claims.first(where: { owners[$0] != nil }), let owner = owners[contested] {
                let error = ConfigurationError(
                    configuration: ref, field: "sip_domain",
                    reason: "endpoint id \(contested) is already provisioned by \(owner); the configuration with the lowest id keeps it")
                skipped.append(SkippedConfiguration(configuration: ref, reason: validated.inactive ? .inactive(endpointID: nil) : .invalid(error)))
                continue
            }
            for id in claims { owners[id] = ref }
            if validated.inactive {
                skipped.append(SkippedConfiguration(configuration: ref, reason: .inactive(endpointID: last ?? validated.derivedEndpointID)))
                continue
            }
            switch validated.result {
            case .failure(let error):
                let held = ConfigurationError(configuration: ref, field: error.field, reason: error.reason, endpointID: last ?? error.endpointID)
                skipped.append(SkippedConfiguration(configuration: ref, reason: .invalid(held)))
            case .success(let trunk) where !validated.forThisBridge:
                skipped.append(SkippedConfiguration(configuration: ref, reason: .notForThisBridge(endpointID: trunk.endpointID)))
            case .success(let trunk):
                trunks.append(trunk)
            }
        }
        return DesiredSnapshot(trunks: trunks, skipped: skipped)
    }
}
