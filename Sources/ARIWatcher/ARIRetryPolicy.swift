/// How often and how patiently a module reload answered with 409 ("Another reload is
/// currently in progress") is retried. Asterisk serialises reloads, so a short wait
/// usually suffices; the bound keeps one reconcile cycle from stalling.
public struct ARIRetryPolicy: Sendable, Hashable {
    /// Total attempts including the first one (at least 1).
    public var maxAttempts: Int
    public var initialDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(4)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Delay before retry number `retry` (1-based): initialDelay * 2^(retry-1), capped at maxDelay.
    public func delay(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let delay = initialDelay * (1 << exponent)
        return min(delay, maxDelay)
    }
}
