import Reconciler

/// How often and how patiently a module reload answered with 409 ("Another reload is
/// currently in progress") is retried. Asterisk serialises reloads, so a short wait
/// usually suffices; the bound keeps one reconcile cycle from stalling.
public struct ARIRetryPolicy: Sendable, Hashable {
    /// Total attempts including the first one (at least 1).
    public var maxAttempts: Int
    /// The wait before each retry (`Backoff.reloadRetry`: 250 ms doubling to 4 s, no jitter).
    public var backoff: Backoff

    public init(maxAttempts: Int = 5, backoff: Backoff = .reloadRetry) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
    }

    /// Delay before retry number `retry` (1-based).
    public func delay(beforeRetry retry: Int) -> Duration {
        backoff.delay(attempt: max(retry, 1))
    }
}
