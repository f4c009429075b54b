/// Result of waiting for registrations to disappear from AMI.
public enum UnregistrationWait: Sendable, Hashable {
    case allUnregistered
    /// Ids still reported `Registered` (or not confirmed because AMI was unreachable).
    case timedOut(stillRegistered: Set<String>)
}

extension Actuator {
    /// Phase two of deprovisioning: after the registration row was deleted and
    /// `res_pjsip_outbound_registration.so` reloaded, waits until AMI no longer reports
    /// any of `ids` as `Registered` (absent or any other state counts as gone), so the
    /// un-REGISTER could still authenticate before the auth row is deleted.
    /// Bounded by `timeout`; polls every `pollInterval` over one AMI session.
    public func waitUntilUnregistered(
        _ ids: Set<String>,
        timeout: Duration = .seconds(10),
        pollInterval: Duration = .milliseconds(500)
    ) async -> UnregistrationWait {
        guard !ids.isEmpty else { return .allUnregistered }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var connection: AMIConnection?
        var stillRegistered = ids
        while true {
            do {
                if connection == nil {
                    var configuration = ami
                    // A connect or listing must not overrun the overall bound.
                    let remaining = max(deadline - clock.now, .milliseconds(1))
                    configuration.connectTimeout = min(configuration.connectTimeout, remaining)
                    configuration.loginTimeout = min(configuration.loginTimeout, remaining)
                    connection = try await AMIConnection.connect(
                        configuration: configuration,
                        eventLoopGroup: eventLoopGroup,
                        logger: logger
                    )
                }
                guard let session = connection else { continue }
                let remaining = max(deadline - clock.now, .milliseconds(1))
                let listingAction = try AMIAction("PJSIPShowRegistrationsOutbound")
                let response = try await session.send(listingAction, timeout: min(ami.actionTimeout, remaining))
                let listing = try AMIOutboundRegistration.parseListing(response)
                stillRegistered = Set(listing.filter { ids.contains($0.id) && $0.status == .registered }.map(\.id))
                if stillRegistered.isEmpty {
                    await connection?.logoffAndClose()
                    connection = nil
                    return .allUnregistered
                }
            } catch {
                logger.notice("Waiting for unregistration: AMI poll failed", metadata: ["error": "\(error)"])
                await connection?.close()
                connection = nil
            }
            if clock.now + pollInterval > deadline {
                await connection?.logoffAndClose()
                connection = nil
                logger.warning("Registrations still present after wait", metadata: ["ids": "\(stillRegistered.sorted())"])
                return .timedOut(stillRegistered: stillRegistered)
            }
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                await connection?.close()
                connection = nil
                return .timedOut(stillRegistered: stillRegistered)
            }
        }
    }
}
