import Foundation
import PGClient
import Testing
import TestSupport

@Suite("Reliability: Dograh unreadable, network partitions")
struct DograhFaultTests {
    /// One outage of the daemon's desired state: what failed, how often it was retried,
    /// what it logged and how long recovery took once the cause was removed.
    struct Outage {
        let name: String
        let attempts: Int
        let errorLine: String
        let rowsBefore: (complete: Int, half: Int)
        let rowsAfter: (complete: Int, half: Int)
        let deletes: Int
        let recovery: Duration
    }

    @Test("Dograh stopped, permission denied, table missing: zero deletes, backoff, one clear log line each, recovery")
    func dograhOutages() async throws {
        let transcript = Transcript("dograh_outages")
        try await TestDatabases.with { databases in
            let (proxy, dograhURL) = try TCPProxy.inFront(ofPostgresURL: databases.dograhURL)
            defer { proxy.shutdown() }
            let ids = try await Rel.insertTrunks(databases, tag: "do", count: 3)
            let port = try await HTTP.freePort()
            let daemon = try RunningReconcilerd([], environment: Rel.environment(databases, dograhURL: dograhURL,
                                                                                   ["RECONCILERD_LISTEN": "127.0.0.1:\(port)"]))
            #expect(try await Rel.waitUntil(timeout: .seconds(15)) { try await ARAFaults.trunkCounts(databases).complete == ids.count })
            let admin = try await databases.adminDograh()
            // Idle and in sync for 10 intervals: the daemon must still count as ready.
            try await Task.sleep(for: .seconds(2))
            let idleReady = try await HTTP.get("http://127.0.0.1:\(port)/readyz")
            transcript.add(idleReady.body)
            #expect(idleReady.status == 200, "in sync and polling, yet /readyz says: \(idleReady.body)")

            func outage(_ name: String, for duration: Duration, begin: () async throws -> Void, end: () async throws -> Void) async throws -> Outage {
                let skip = daemon.lines.count
                let before = try await ARAFaults.trunkCounts(databases)
                let recoveredBefore = daemon.count("event=cycle.recovered")
                try await begin()
                #expect(await daemon.waitFor(timeout: .seconds(10)) { daemon.count("event=cycle.failed", after: skip) >= 1 }, "\(name): no failure seen")
                try await Task.sleep(for: duration)
                let during = try await ARAFaults.trunkCounts(databases)
                let attempts = daemon.count("event=cycle.failed", after: skip)
                try await end()
                let endedAt = ContinuousClock.now
                #expect(await daemon.waitFor(timeout: .seconds(6)) { daemon.count("event=cycle.recovered") > recoveredBefore },
                        "\(name): no event=cycle.recovered within 6 s of the cause being removed")
                let recovery = ContinuousClock.now - endedAt
                let window = daemon.lines.dropFirst(skip)
                let errors = window.filter { $0.contains("level=error") }
                let deletes = window.filter { $0.contains("event=apply.committed") }
                    .compactMap { $0.firstMatch(of: #/ delete=(\d+)/#).flatMap { Int($0.1) } }.reduce(0, +)
                // One line per distinct cause: a stopped server shows as "connection lost", then "cannot connect".
                #expect(errors.count >= 1 && errors.count <= (name == "stopped" ? 2 : 1),
                        "\(name): one error line per distinct cause, got \(errors.count):\n\(errors.joined(separator: "\n"))")
                if let first = errors.first {
                    #expect(first.contains("failures=1"), "\(name): a new outage starts counting (and backing off) from 1: \(first)")
                }
                let ready = try await HTTP.get("http://127.0.0.1:\(port)/readyz")
                transcript.add(ready.body)
                #expect(ready.status == 200, "\(name): /readyz after recovery: \(ready.body)")
                #expect(during.complete == before.complete && during.half == 0, "\(name): rows changed during the outage: \(during)")
                #expect(deletes == 0)
                return Outage(name: name, attempts: attempts, errorLine: errors.first.map(String.init) ?? "", rowsBefore: before,
                              rowsAfter: during, deletes: deletes, recovery: recovery)
            }

            let stopped = try await outage("stopped", for: .seconds(2), begin: { proxy.setMode(.refuse) }, end: { proxy.setMode(.forward) })
            #expect(stopped.errorLine.contains("lost database connection") || stopped.errorLine.contains("cannot connect to database"),
                    "\(stopped.errorLine)")
            let denied = try await outage("permission_denied", for: .seconds(2),
                                          begin: { try await admin.execute("REVOKE SELECT ON telephony_configurations FROM reconcilerd") },
                                          end: { try await admin.execute("GRANT SELECT ON telephony_configurations TO reconcilerd") })
            #expect(denied.errorLine.contains("permission denied for table telephony_configurations"), "\(denied.errorLine)")
            let missing = try await outage("table_missing", for: .seconds(2),
                                           begin: { try await admin.execute("ALTER TABLE telephony_configurations RENAME TO telephony_configurations_gone") },
                                           end: { try await admin.execute("ALTER TABLE telephony_configurations_gone RENAME TO telephony_configurations") })
            #expect(missing.errorLine.contains(#"relation \"telephony_configurations\" does not exist"#), "\(missing.errorLine)")
            // The same cause again after a recovery is a new outage and must be logged again.
            let missingAgain = try await outage("table_missing_again", for: .seconds(2),
                                                begin: { try await admin.execute("ALTER TABLE telephony_configurations RENAME TO telephony_configurations_gone") },
                                                end: { try await admin.execute("ALTER TABLE telephony_configurations_gone RENAME TO telephony_configurations") })
            #expect(missingAgain.errorLine.contains(#"relation \"telephony_configurations\" does not exist"#),
                    "a repeated outage must be logged again: '\(missingAgain.errorLine)'")
            // Backoff: 1 s, 2 s, 4 s … after the first failure, so at most 3 attempts in ~2 s
            // (a 200 ms interval without backoff would make ~10).
            for outage in [stopped, denied, missing, missingAgain] {
                #expect(outage.attempts <= 3, "\(outage.name): \(outage.attempts) attempts in 3 s, expected backoff")
            }
            // Still alive and working: a change made now is provisioned.
            let added = try await Rel.insertTrunks(databases, tag: "do", count: 1, from: 3)
            #expect(try await Rel.waitUntil(timeout: .seconds(10)) { try await ARAFaults.trunkCounts(databases).complete == ids.count + added.count })
            let metrics = try await HTTP.get("http://127.0.0.1:\(port)/metrics").body
            transcript.add(metrics)
            #expect(metrics.contains(#"reconcilerd_cycles_total{result="error"}"#))
            #expect(await daemon.stop() == 0)
            transcript.add(daemon)
            for outage in [stopped, denied, missing, missingAgain] {
                Figures.print("dograh_\(outage.name)", [
                    "outage_seconds": "2", "failed_attempts": "\(outage.attempts)", "deletes_during_outage": "\(outage.deletes)",
                    "trunks_before": "\(outage.rowsBefore.complete)", "trunks_during": "\(outage.rowsAfter.complete)",
                    "half_applied": "\(outage.rowsAfter.half)", "recovery_seconds": Rel.format(outage.recovery),
                ])
                Swift.print("RELIABILITY dograh_\(outage.name) log: \(outage.errorLine)")
            }
        }
        transcript.finish()
    }

    @Test("libpq layer on a stalled network: a statement and a connect fail within the timeout instead of hanging")
    func pgClientStall() async throws {
        try await TestDatabases.with { databases in
            let (proxy, url) = try TCPProxy.inFront(ofPostgresURL: databases.araURL)
            defer { proxy.shutdown() }
            let connection = try await PGConnection.connect(try ConnectionString(url), connectTimeout: 2, queryTimeout: .seconds(2))
            #expect(try await connection.query("SELECT 1").scalar() == "1")
            proxy.setMode(.stall)
            var started = ContinuousClock.now
            var connectError = ""
            do {
                _ = try await PGConnection.connect(try ConnectionString(url), connectTimeout: 2, queryTimeout: .seconds(2))
                Issue.record("a connect through a stalled network must not succeed while stalled")
            } catch {
                connectError = "\(error)"
            }
            let connectTime = ContinuousClock.now - started
            // Heals the partition after 10 s whatever happens, so that a hang shows as a long time, not a stuck suite.
            let healer = Task {
                try? await Task.sleep(for: .seconds(10))
                proxy.setMode(.forward)
            }
            started = ContinuousClock.now
            var queryError = ""
            do {
                _ = try await connection.query("SELECT 1")
                Issue.record("a statement on a stalled connection must not succeed while stalled")
            } catch {
                queryError = "\(error)"
            }
            let queryTime = ContinuousClock.now - started
            healer.cancel()
            proxy.setMode(.forward)
            #expect(queryTime < .seconds(3), "the 2 s query timeout took \(queryTime): \(queryError)")
            #expect(connectTime < .seconds(4), "the 2 s connect timeout took \(connectTime): \(connectError)")
            Figures.print("pgclient_stall", ["query_timeout": "2s", "query_failed_after_seconds": Rel.format(queryTime),
                                             "connect_timeout": "2s", "connect_failed_after_seconds": Rel.format(connectTime)])
            Swift.print("RELIABILITY pgclient_stall errors: query: \(queryError) | connect: \(connectError)")
        }
    }

    @Test("network partition (a proxy that stalls, not refuses): RECONCILERD_DB_TIMEOUT fires, /healthz answers, no cycle hangs, recovery")
    func stalledNetwork() async throws {
        let transcript = Transcript("network_stall")
        try await TestDatabases.with { databases in
            let (dograhProxy, dograhURL) = try TCPProxy.inFront(ofPostgresURL: databases.dograhURL)
            let (araProxy, araURL) = try TCPProxy.inFront(ofPostgresURL: databases.araURL)
            defer {
                dograhProxy.shutdown()
                araProxy.shutdown()
            }
            let ids = try await Rel.insertTrunks(databases, tag: "ns", count: 2)
            let port = try await HTTP.freePort()
            let base = "http://127.0.0.1:\(port)"
            let daemon = try RunningReconcilerd([], environment: Rel.environment(databases, dograhURL: dograhURL, araURL: araURL, [
                "RECONCILERD_LISTEN": "127.0.0.1:\(port)", "RECONCILERD_DB_TIMEOUT": "2s",
            ]))
            #expect(try await Rel.waitUntil(timeout: .seconds(15)) { try await ARAFaults.trunkCounts(databases).complete == ids.count }, "\(daemon.output)")

            /// Stalls one side, checks /healthz all along, waits for cycle.failed, then heals it.
            func partition(_ proxy: TCPProxy, _ name: String, trigger: () async throws -> Void = {}) async throws -> [String: String] {
                let skip = daemon.lines.count
                let passesBefore = daemon.count("pass finished")
                proxy.setMode(.stall)
                let stalledAt = ContinuousClock.now
                try await trigger()
                var healthChecks = 0, healthOK = 0
                var slowestHealth: Duration = .zero
                var failedAfter: Duration?
                let stalledWall = Date()
                while ContinuousClock.now - stalledAt < .seconds(10) {
                    let asked = ContinuousClock.now
                    let health = try await HTTP.get(base + "/healthz", timeout: 3)
                    slowestHealth = max(slowestHealth, ContinuousClock.now - asked)
                    healthChecks += 1
                    if health.status == 200 { healthOK += 1 }
                    if failedAfter == nil, daemon.count("event=cycle.failed", after: skip) > 0 { failedAfter = ContinuousClock.now - stalledAt }
                    if let failedAfter, ContinuousClock.now - stalledAt > failedAfter + .seconds(2) { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                let passesDuring = daemon.count("pass finished") - passesBefore
                let readyz = try await HTTP.get(base + "/readyz", timeout: 3)
                let metrics = try await HTTP.get(base + "/metrics", timeout: 3).body
                transcript.add(readyz.body)
                transcript.add(metrics)
                proxy.setMode(.forward)
                let healedAt = ContinuousClock.now
                let healedWall = Date()
                let recovered = await daemon.waitFor(timeout: .seconds(10)) { daemon.count("event=cycle.recovered", after: skip) >= 1 }
                let recovery = ContinuousClock.now - healedAt
                #expect(healthOK == healthChecks && healthChecks >= 3, "\(name): /healthz must answer during the stall (\(healthOK)/\(healthChecks))")
                #expect(slowestHealth < .seconds(2), "\(name): /healthz took \(slowestHealth)")
                #expect(failedAfter != nil, "\(name): no event=cycle.failed within 10 s of the stall (RECONCILERD_DB_TIMEOUT=2s)")
                // Dograh: one statement (2 s). ARA: the leader check, a reconnect and the read (3 × 2 s).
                if let failedAfter { #expect(failedAfter < .seconds(name == "dograh" ? 4 : 8), "\(name): the timeout fired after \(failedAfter)") }
                #expect(passesDuring >= 1, "\(name): no pass finished during the stall; a cycle hangs")
                #expect(recovered, "\(name): no recovery after the partition healed")
                let failure = daemon.lines.dropFirst(skip).first { $0.contains("event=cycle.failed") && $0.contains("level=error") }.map(String.init) ?? ""
                Swift.print("RELIABILITY network_stall_\(name) stalled_at=\(stalledWall.ISO8601Format(.iso8601.time(includingFractionalSeconds: true))) "
                    + "healed_at=\(healedWall.ISO8601Format(.iso8601.time(includingFractionalSeconds: true))) log: \(failure)")
                return ["healthz_ok": "\(healthOK)/\(healthChecks)", "slowest_healthz_seconds": Rel.format(slowestHealth),
                        "cycle_failed_after_seconds": failedAfter.map(Rel.format) ?? "never", "passes_finished_during_stall": "\(passesDuring)",
                        "recovery_seconds": recovered ? Rel.format(recovery) : "never"]
            }

            let dograh = try await partition(dograhProxy, "dograh")
            // A partition of the ARA side shows once a pass has to read it: a new configuration.
            let added = try await partition(araProxy, "ara") {
                try await Rel.insertTrunks(databases, tag: "ns", count: 1, from: 2)
            }
            #expect(try await Rel.waitUntil(timeout: .seconds(15)) { try await ARAFaults.trunkCounts(databases).complete == ids.count + 1 })
            let counts = try await ARAFaults.trunkCounts(databases)
            #expect(counts.half == 0)
            #expect(await daemon.stop() == 0)
            transcript.add(daemon)
            for (name, figures) in [("dograh", dograh), ("ara", added)] {
                Swift.print("RELIABILITY scenario=network_stall_\(name) " + figures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
            }
        }
        transcript.finish()
    }
}
