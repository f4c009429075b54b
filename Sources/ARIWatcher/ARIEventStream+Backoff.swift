extension ARIEventStream {
    /// Base reconnect delay after `failedAttempts` consecutive failures. Pure, so the
    /// schedule is testable; jitter is added separately by `jittered(_:using:)`.
    ///
    /// | failedAttempts | delay  |
    /// |----------------|--------|
    /// | <= 1           | 0.5 s  |
    /// | 2              | 1 s    |
    /// | 3              | 2 s    |
    /// | 4              | 4 s    |
    /// | 5              | 8 s    |
    /// | 6              | 16 s   |
    /// | >= 7           | 30 s (cap) |
    public static func reconnectDelay(failedAttempts: Int) -> Duration {
        let exponent = Swift.min(Swift.max(failedAttempts - 1, 0), 6)
        return Swift.min(.milliseconds(500) * (1 << exponent), .seconds(30))
    }

    /// Spreads `delay` uniformly over ±20 % so many daemons restarted together do not
    /// reconnect to Asterisk in lockstep.
    public static func jittered(_ delay: Duration, using generator: inout some RandomNumberGenerator) -> Duration {
        delay * Double.random(in: 0.8...1.2, using: &generator)
    }

    /// `reconnectDelay` with jitter from the system generator: the default policy.
    @Sendable public static func defaultReconnectDelay(failedAttempts: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return jittered(reconnectDelay(failedAttempts: failedAttempts), using: &generator)
    }
}
