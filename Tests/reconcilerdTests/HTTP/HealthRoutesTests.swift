import Foundation
import Testing

@testable import reconcilerd

@Suite("HealthRoutes")
struct HealthRoutesTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let interval = Duration.seconds(30)

    private func route(_ path: String, lastSuccess: Date? = nil) -> StatusHTTP.Response {
        HealthRoutes.response(path: path, metrics: { _ in "reconcilerd_leader 1.0\n" }, lastSuccess: lastSuccess, interval: interval, now: now)
    }

    @Test func readyWhileLastSuccessIsWithinThreeIntervals() {
        for age in [0.0, 1, 89.9, 90] {
            let response = HealthRoutes.readiness(lastSuccess: now.addingTimeInterval(-age), interval: interval, now: now)
            #expect(response.status == 200, "age \(age)")
        }
    }

    @Test func notReadyPastThreeIntervals() {
        for age in [90.001, 91, 3600] {
            let response = HealthRoutes.readiness(lastSuccess: now.addingTimeInterval(-age), interval: interval, now: now)
            #expect(response.status == 503, "age \(age)")
            #expect(response.body.hasPrefix("not ready: "))
            #expect(response.body.filter { $0 == "\n" }.count == 1)
            #expect(response.body.hasSuffix("\n"))
        }
        let body = HealthRoutes.readiness(lastSuccess: now.addingTimeInterval(-91), interval: interval, now: now).body
        #expect(body == "not ready: last successful cycle finished 91s ago, limit 90s (3 x 30s interval)\n")
    }

    @Test func notReadyBeforeTheFirstSuccess() {
        let response = HealthRoutes.readiness(lastSuccess: nil, interval: interval, now: now)
        #expect(response.status == 503)
        #expect(response.body == "not ready: no successful cycle yet\n")
    }

    @Test func subSecondIntervalsAndFutureStampsAreHandled() {
        let short = Duration.milliseconds(500)
        #expect(HealthRoutes.readiness(lastSuccess: now.addingTimeInterval(-1.5), interval: short, now: now).status == 200)
        #expect(HealthRoutes.readiness(lastSuccess: now.addingTimeInterval(-1.6), interval: short, now: now).status == 503)
        #expect(HealthRoutes.readiness(lastSuccess: now.addingTimeInterval(5), interval: interval, now: now).status == 200)
    }

    @Test func routesAnswerByPath() {
        let metrics = route("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.contentType.hasPrefix("text/plain; version=0.0.4"))
        #expect(metrics.body == "reconcilerd_leader 1.0\n")

        #expect(route("/healthz") == .text(200, "ok\n"))
        #expect(route("/readyz").status == 503)
        #expect(route("/readyz", lastSuccess: now).status == 200)

        for path in ["/", "/metrics/", "/nope", "/healthz/x", ""] {
            #expect(route(path).status == 404, "\(path)")
        }
    }

    @Test func liveRoutesReadTheMetricsOnEachRequest() async {
        let metrics = ReconcilerMetrics()
        let clock = now
        let routes = HealthRoutes.routes(metrics: metrics, interval: interval, now: { clock })
        #expect(await routes("/readyz").status == 503)
        metrics.setLastSuccess(now.addingTimeInterval(-10))
        metrics.setLeader(true)
        #expect(await routes("/readyz").status == 200)
        #expect(await routes("/metrics").body.contains("reconcilerd_leader 1.0\n"))
        metrics.setLastSuccess(now.addingTimeInterval(-100))
        #expect(await routes("/readyz").status == 503)
    }
}
