extension AMIConnection {
    /// `Ping` → `Ping: Pong`; returns Asterisk's `Timestamp`.
    @discardableResult
    public func ping() async throws(AMIError) -> String? {
        let response = try await send(try AMIAction("Ping"))
        guard response.isSuccess else { throw AMIError.actionFailed(action: "Ping", message: response.message["Message"]) }
        return response.message["Timestamp"]
    }

    /// All outbound registrations with their state, validated against the completion counts.
    public func outboundRegistrations() async throws(AMIError) -> [AMIOutboundRegistration] {
        let response = try await send(try AMIAction("PJSIPShowRegistrationsOutbound"))
        return try AMIOutboundRegistration.parseListing(response)
    }

    /// `PJSIPRegister`: unregister then register again; the way to retry after a
    /// `Rejected` registration whose password was fixed (a reload does not retry).
    public func register(_ registrationID: String) async throws(AMIError) {
        try await registrationAction("PJSIPRegister", registrationID)
    }

    /// `PJSIPUnregister` for one registration.
    public func unregister(_ registrationID: String) async throws(AMIError) {
        try await registrationAction("PJSIPUnregister", registrationID)
    }

    /// `Logoff` → `Response: Goodbye`; Asterisk closes the connection afterwards.
    public func logoff() async throws(AMIError) {
        let response = try await send(try AMIAction("Logoff"))
        guard response.isSuccess else { throw AMIError.actionFailed(action: "Logoff", message: response.message["Message"]) }
    }

    private func registrationAction(_ name: String, _ registrationID: String) async throws(AMIError) {
        guard !registrationID.isEmpty else { throw AMIError.invalidArgument("empty registration id") }
        let response = try await send(try AMIAction(name, headers: [("Registration", registrationID)]))
        guard response.isSuccess else {
            let message = response.message["Message"]?.trimmingTrailingWhitespace()
            if message?.hasPrefix("Unable to retrieve registration entry") ?? false {
                throw AMIError.unknownRegistration(registrationID)
            }
            throw AMIError.actionFailed(action: name, message: message)
        }
        logger.info("AMI registration action done", metadata: ["ami.action": "\(name)", "registration": "\(registrationID)"])
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var result = self
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }
}
