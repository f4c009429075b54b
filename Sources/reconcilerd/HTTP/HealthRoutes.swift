import Foundation
import Reconciler

/// The status server's routes, as pure functions of their inputs:
///
/// - `/metrics`: 200, `text/plain; version=0.0.4`, the Prometheus exposition;
/// - `/healthz`: 200 `ok` for as long as the process answers at all;
/// - `/readyz`: 200 when the last successful cycle finished within 3 × the cycle interval,
///   else 503 with a one-line reason;
/// - `/status`: the status page (HTML), `/status.json` the same as JSON (docs/STATUS-SCHEMA.md);
/// - anything else: 404.
enum HealthRoutes {
    typealias Response = StatusHTTP.Response

    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"
    /// `/readyz` fails once the last success is older than this many intervals.
    static let readinessIntervals = 3

    static let htmlContentType = "text/html; charset=utf-8"
    static let jsonContentType = "application/json; charset=utf-8"

    static func response(
        path: String,
        metrics: (_ ready: Bool) -> String,
        lastSuccess: Date?,
        interval: Duration,
        now: Date,
        board: () -> StatusBoard? = { nil }
    ) -> Response {
        switch path {
        case "/metrics":
            Response(status: 200, contentType: metricsContentType,
                     body: metrics(readiness(lastSuccess: lastSuccess, interval: interval, now: now).status == 200))
        case "/healthz":
            .text(200, "ok\n")
        case "/readyz":
            readiness(lastSuccess: lastSuccess, interval: interval, now: now)
        case "/status":
            board().map { Response(status: 200, contentType: htmlContentType, body: StatusHTML.page($0, now: now.timeIntervalSince1970)) }
                ?? .text(404, "not found\n")
        case "/status.json":
            board().map { Response(status: 200, contentType: jsonContentType,
                                   body: $0.json(now: now.timeIntervalSince1970).serialized(pretty: true) + "\n") }
                ?? .text(404, "not found\n")
        default:
            .text(404, "not found\n")
        }
    }

    /// 200 when `now - lastSuccess <= 3 × interval` (a success stamped in the future counts as
    /// fresh), else 503 saying why.
    static func readiness(lastSuccess: Date?, interval: Duration, now: Date) -> Response {
        let limit = Double(readinessIntervals) * ReconcilerMetrics.seconds(interval)
        guard let lastSuccess else {
            return .text(503, "not ready: no successful cycle yet\n")
        }
        let age = now.timeIntervalSince(lastSuccess)
        guard age <= limit else {
            return .text(
                503,
                "not ready: last successful cycle finished \(format(age))s ago, limit \(format(limit))s "
                    + "(\(readinessIntervals) x \(format(ReconcilerMetrics.seconds(interval)))s interval)\n"
            )
        }
        return .text(200, "ready: last successful cycle finished \(format(max(0, age)))s ago\n")
    }

    /// The routes the daemon serves, reading live values on each request.
    static func routes(
        metrics: ReconcilerMetrics,
        interval: Duration,
        board: StatusBoardKeeper? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> StatusHTTP.Routes {
        { path in
            response(
                path: path,
                metrics: { ready in
                    metrics.setReady(ready)
                    return metrics.exposition()
                },
                lastSuccess: metrics.lastSuccess,
                interval: interval,
                now: now(),
                board: { board?.current }
            )
        }
    }

    private static func format(_ seconds: Double) -> String {
        let rounded = (seconds * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
