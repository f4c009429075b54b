/// Capped exponential backoff, the one retry schedule of reconcilerd: failed passes, the
/// ARI events reconnect, 409-busy module reloads and the per-trunk re-register all use it.
///
/// `delay(attempt:)` is `base × 2^(attempt − 1)`, at most `cap`; attempt 0 (or less) is no
/// delay. `jittered` spreads it by ±`jitter` so that daemons (or trunks) that failed
/// together do not retry in lockstep.
///
/// | schedule      | base   | cap    | jitter | 1      | 2     | 3     | 4    | …      |
/// |---------------|--------|--------|--------|--------|-------|-------|------|--------|
/// | `pass`        | 1 s    | 60 s   | ±20 %  | 1 s    | 2 s   | 4 s   | 8 s  | 60 s   |
/// | `ariReconnect`| 0.5 s  | 30 s   | ±20 %  | 0.5 s  | 1 s   | 2 s   | 4 s  | 30 s   |
/// | `reloadRetry` | 250 ms | 4 s    | none   | 250 ms | 500 ms| 1 s   | 2 s  | 4 s    |
/// | `reRegister`  | 30 s   | 30 min | ±20 %  | 30 s   | 1 min | 2 min | 4 min| 30 min |
public struct Backoff: Sendable, Hashable {
    public var base: Duration
    public var cap: Duration
    /// Fraction of the delay the jitter may add or take away (0.2: ±20 %).
    public var jitter: Double

    public init(base: Duration, cap: Duration, jitter: Double = 0.2) {
        self.base = base
        self.cap = max(cap, base)
        self.jitter = min(max(jitter, 0), 1)
    }

    public static let pass = Backoff(base: .seconds(1), cap: .seconds(60))
    public static let ariReconnect = Backoff(base: .milliseconds(500), cap: .seconds(30))
    public static let reloadRetry = Backoff(base: .milliseconds(250), cap: .seconds(4), jitter: 0)
    /// Slow on purpose: a 3CX that rejects credentials over and over may blacklist the
    /// bridge's address (its anti-hacking filter), which would take every trunk down.
    public static let reRegister = Backoff(base: .seconds(30), cap: .seconds(30 * 60))

    public func delay(attempt: Int) -> Duration {
        guard attempt > 0 else { return .zero }
        // 2^30 × any sensible base is far past any cap; the bound only keeps the shift safe.
        let exponent = min(attempt - 1, 30)
        return min(base * (1 << exponent), cap)
    }

    /// `delay(attempt:)` spread by `unit` × jitter, `unit` in -1...1 (callers pass a random
    /// value; tests a fixed one).
    public func jittered(attempt: Int, unit: Double) -> Duration {
        delay(attempt: attempt) * (1 + jitter * min(max(unit, -1), 1))
    }

    public func jittered(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        jittered(attempt: attempt, unit: Double.random(in: -1...1, using: &generator))
    }
}
