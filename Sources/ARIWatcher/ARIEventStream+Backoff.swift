import Reconciler

extension ARIEventStream {
    /// Reconnect delay after `failedAttempts` consecutive failures: `Backoff.ariReconnect`
    /// (0.5 s doubling to 30 s, ±20 % so that many daemons restarted together do not
    /// reconnect to Asterisk in lockstep).
    @Sendable public static func defaultReconnectDelay(failedAttempts: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return Backoff.ariReconnect.jittered(attempt: Swift.max(failedAttempts, 1), using: &generator)
    }
}
