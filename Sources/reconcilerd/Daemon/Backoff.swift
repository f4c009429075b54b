/// Retry delay after consecutive failed cycles.
///
/// | failures | 1  | 2  | 3  | 4  | 5   | 6   | 7+  |
/// |----------|----|----|----|----|-----|-----|-----|
/// | delay    | 1s | 2s | 4s | 8s | 16s | 32s | 60s |
///
/// ±20 % jitter keeps several daemons that failed together from retrying in lockstep.
enum Backoff {
    static let cap: Duration = .seconds(60)

    static func delay(failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        let exponent = min(failures - 1, 6)
        return min(.seconds(1 << exponent), cap)
    }

    static func jittered(_ delay: Duration, unit: Double = Double.random(in: -1...1)) -> Duration {
        delay * (1 + 0.2 * unit)
    }
}
