extension ARIClient {
    public func module(_ name: String) async throws(ARIError) -> ARIModuleInfo {
        let path = "/ari/asterisk/modules/" + Self.encodeSegment(name)
        return try decode(ARIModuleInfo.self, path: path, from: try await expectOK("GET", path))
    }

    /// Reloads a module: 204 (or 202 "queued") is success, 404 means not loaded, 409
    /// means another reload is running and is retried per `configuration.reloadRetry`.
    public func reloadModule(_ name: String) async throws(ARIError) {
        let path = "/ari/asterisk/modules/" + Self.encodeSegment(name)
        let policy = configuration.reloadRetry
        var attempt = 1
        while true {
            let response = try await perform("PUT", path)
            let message = Self.ariMessage(in: response.body)
            switch response.status {
            case 200..<300:
                logger.info("ARI module reloaded", metadata: ["ari.module": "\(name)", "attempt": "\(attempt)"])
                return
            case 404:
                throw ARIError.moduleNotLoaded(module: name, message: message)
            case 409 where attempt < policy.maxAttempts:
                let delay = policy.delay(beforeRetry: attempt)
                logger.notice(
                    "ARI reload conflict, retrying",
                    metadata: ["ari.module": "\(name)", "attempt": "\(attempt)", "delay": "\(delay)"]
                )
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw ARIError.reloadConflict(module: name, attempts: attempt, message: message)
                }
                attempt += 1
            case 409:
                throw ARIError.reloadConflict(module: name, attempts: attempt, message: message)
            default:
                throw ARIError.http(method: "PUT", path: path, status: response.status, message: message)
            }
        }
    }
}
