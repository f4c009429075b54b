import AsteriskDoubles
import Foundation
import PGClient
import Testing
import TestSupport

@Suite("Reliability: ARI and AMI misbehave")
struct AsteriskFaultTests {
    static let registrationModule = "res_pjsip_outbound_registration.so"

    @Test("ARI 409 is retried (bounded); 500, 503 and malformed JSON fail the call cleanly; rows still commit; the next run catches up")
    func ariFaultsOnce() async throws {
        let transcript = Transcript("ari_faults_once")
        try await TestDatabases.with { databases in
            try await AsteriskRig.with(databases) { rig in
                let env = rig.environment(databases)
                func once(_ arguments: [String] = ["--once", "--apply"], _ environment: [String: String]? = nil) async throws -> (ReconcilerdProcess.Output, Duration) {
                    let started = ContinuousClock.now
                    let output = try await ReconcilerdProcess.run(arguments, environment: environment ?? env)
                    transcript.add(output)
                    return (output, ContinuousClock.now - started)
                }

                // 409 twice, then success: retried within the same call.
                try await Rel.insertTrunks(databases, tag: "ac", count: 2)
                rig.state.failNextReloads(2)
                let (conflict, _) = try await once()
                #expect(conflict.status == 0, "\(conflict.all)")
                let conflictAttempts = rig.reloads.count
                #expect(conflictAttempts == 4, "2 conflicts + 2 modules: \(rig.reloads)")
                #expect(conflict.stdout.contains("Asterisk: reload \(Self.registrationModule) — done."))

                // 409 beyond the retry budget: bounded (5 attempts), kept for the next run.
                try await Rel.insertTrunks(databases, tag: "ac", count: 1, from: 2)
                rig.state.failNextReloads(5)
                let before409 = rig.reloads.count
                let (exhausted, exhaustedTime) = try await once()
                let exhaustedAttempts = rig.reloads.count - before409
                #expect(exhausted.status == 1, "\(exhausted.all)")
                #expect(exhausted.stderr.contains("rows committed, but Asterisk did not confirm"))
                #expect(exhausted.stderr.contains("still conflicting after 5 attempts") || exhausted.all.contains("still conflicting after 5 attempts"))
                #expect(exhaustedAttempts == 6, "5 attempts on the first module, 1 on the second: \(rig.reloads)")
                #expect(exhaustedTime < .seconds(15))

                // 500 and 503 on the reload: not retried in the run, the error says so, rows committed.
                var statusFigures: [String] = []
                for (index, status) in [500, 503].enumerated() {
                    try await Rel.insertTrunks(databases, tag: "ac", count: 1, from: 3 + index)
                    rig.front.inject("PUT", "/ari/asterisk/modules/", status: status,
                                     body: status == 500 ? "<html>Internal Server Error" : #"{"message":"Asterisk is shutting down"}"#)
                    let (failed, time) = try await once()
                    rig.front.clearFaults()
                    let injected = rig.front.count("PUT", "/ari/asterisk/modules/", injected: true)
                    #expect(failed.status == 1, "\(failed.all)")
                    #expect(failed.all.contains("failed with HTTP \(status)"), "\(failed.all)")
                    #expect(failed.stderr.contains("rows committed, but Asterisk did not confirm"))
                    let counts = try await ARAFaults.trunkCounts(databases)
                    #expect(counts.complete == 4 + index && counts.half == 0)
                    statusFigures.append("http_\(status)_injected=\(injected) http_\(status)_run_seconds=\(Rel.format(time))")
                }
                #expect(rig.front.count("PUT", "/ari/asterisk/modules/", injected: true) <= 4, "a 500/503 is not retried within one run")
                // The registrations of the trunks whose reload failed are seen as stale and reloaded next run.
                let (dryRun, _) = try await once(["--once"])
                #expect(dryRun.status == 2, "stale registrations count as pending: \(dryRun.all)")
                let (caughtUp, _) = try await once()
                #expect(caughtUp.status == 0, "\(caughtUp.all)")
                #expect(rig.state.liveRegistrations.count == 5)

                // 503 and malformed JSON while observing: Asterisk counts as unreachable, rows still apply.
                var observeFigures: [String] = []
                for (label, status, body) in [("observe_503", 503, #"{"message":"Service Unavailable"}"#),
                                              ("observe_malformed_json", 200, #"[{"technology":"PJSIP","resource":"dograh_"#)] {
                    let added = try await Rel.insertTrunks(databases, tag: "ao", count: 1, from: label == "observe_503" ? 0 : 1)
                    rig.front.inject("GET", "/ari/endpoints", status: status, body: body)
                    let (observed, time) = try await once()
                    rig.front.clearFaults()
                    #expect(observed.stdout.contains("registration: unknown (Asterisk not reachable)"), "\(label): \(observed.all)")
                    #expect(try await ARAFaults.trunkCounts(databases).half == 0)
                    let rows = try await databases.adminARA().query(SQLQuery(unsafeSQL: "SELECT count(*) FROM ps_auths WHERE id = '\(added[0])'")).scalar()
                    #expect(rows == "1", "\(label): rows must still be applied")
                    #expect(observed.status != 0 || observed.stdout.contains("done."), "\(label): \(observed.all)")
                    observeFigures.append("\(label)_exit=\(observed.status) \(label)_seconds=\(Rel.format(time))")
                }

                // ARI accepts and never answers: every call ends at RECONCILERD_ASTERISK_TIMEOUT.
                rig.state.ariMode = .hang
                let (hung, hungTime) = try await once(["--once"], rig.environment(databases, ["RECONCILERD_ASTERISK_TIMEOUT": "1s"]))
                rig.state.ariMode = .normal
                #expect(hungTime < .seconds(10), "a hanging ARI must cost a bounded time, took \(hungTime)")
                #expect(hung.all.contains("timed out") || hung.stdout.contains("Asterisk not reachable"), "\(hung.all)")
                let (settled, _) = try await once()
                #expect(settled.status == 0, "\(settled.all)")

                Swift.print("RELIABILITY scenario=ari_faults_once conflicts_retried_attempts=\(conflictAttempts) "
                    + "conflict_budget_attempts=\(exhaustedAttempts) conflict_budget_seconds=\(Rel.format(exhaustedTime)) "
                    + statusFigures.joined(separator: " ") + " " + observeFigures.joined(separator: " ")
                    + " hang_run_seconds=\(Rel.format(hungTime)) hang_exit=\(hung.status)")
            }
        }
        transcript.finish()
    }

    @Test("daemon: a reload answered 500 stays pending, is retried at a bounded rate, and is done once ARI recovers")
    func ariFailureKeepsPendingInDaemon() async throws {
        let transcript = Transcript("ari_500_daemon")
        try await TestDatabases.with { databases in
            try await AsteriskRig.with(databases) { rig in
                let port = try await HTTP.freePort()
                let daemon = try RunningReconcilerd([], environment: rig.environment(databases, ["RECONCILERD_LISTEN": "127.0.0.1:\(port)",
                                                                                                  "RECONCILERD_INTERVAL": "1s"]))
                #expect(await daemon.waitFor { daemon.count("event=cycle.success") >= 1 }, "\(daemon.output)")
                rig.front.inject("PUT", "/ari/asterisk/modules/", status: 500, body: #"{"message":"Internal Server Error"}"#)
                let ids = try await Rel.insertTrunks(databases, tag: "ad", count: 2)
                #expect(await daemon.waitFor(timeout: .seconds(10)) { daemon.count("event=actuation.pending") >= 1 }, "\(daemon.output)")
                let windowStart = ContinuousClock.now
                let attemptsBefore = rig.front.count("PUT", "/ari/asterisk/modules/", injected: true)
                try await Task.sleep(for: .seconds(3))
                let attempts = rig.front.count("PUT", "/ari/asterisk/modules/", injected: true) - attemptsBefore
                let window = ContinuousClock.now - windowStart
                let metrics = try await HTTP.get("http://127.0.0.1:\(port)/metrics").body
                transcript.add(metrics)
                #expect(try await ARAFaults.trunkCounts(databases).complete == ids.count, "rows commit even though Asterisk failed")
                #expect(HTTP.metric(metrics, "reconcilerd_pending_actuations") == 2,
                        "both reloads are kept pending:\n\(metrics.split(separator: "\n").filter { $0.contains("pending") }.joined(separator: "\n"))")
                // Two modules, 3 s, 1 s interval: retrying no faster than the poll interval makes at most
                // 2 × 4 attempts; a retry loop without any delay makes several per second.
                #expect(attempts <= 8, "retries of a failing reload must be rate-bounded (at most one per interval): \(attempts) PUTs in \(window)")
                rig.front.clearFaults()
                let healedAt = ContinuousClock.now
                let confirmed = await daemon.waitFor(timeout: .seconds(15)) {
                    rig.state.liveRegistrations.count == ids.count && Set(rig.reloads).count == 2
                }
                let confirmTime = ContinuousClock.now - healedAt
                #expect(confirmed, "\(daemon.output.suffix(3000))")
                #expect(await daemon.waitFor(timeout: .seconds(5)) {
                    HTTP.metric((try? await HTTP.get("http://127.0.0.1:\(port)/metrics").body) ?? "", "reconcilerd_pending_actuations") == 0
                })
                let reloadsAfter = rig.reloads.count
                try await Task.sleep(for: .seconds(1))
                #expect(rig.reloads.count == reloadsAfter, "once confirmed, nothing is reloaded again")
                #expect(await daemon.stop() == 0)
                transcript.add(daemon)
                Figures.print("ari_500_daemon", [
                    "failing_reload_attempts": "\(attempts)", "window_seconds": Rel.format(window),
                    "attempts_per_second": String(format: "%.1f", Double(attempts) / Rel.seconds(window)),
                    "pending_kept": "2", "confirm_after_recovery_seconds": Rel.format(confirmTime),
                ])
            }
        }
        transcript.finish()
    }

    @Test("AMI closes mid-frame, sends garbage, never greets, logs in slowly: bounded, Asterisk reported unreachable, pending register kept")
    func amiFaults() async throws {
        let transcript = Transcript("ami_faults")
        try await TestDatabases.with { databases in
            try await AsteriskRig.with(databases) { rig in
                let ids = try await Rel.insertTrunks(databases, tag: "am", count: 1)
                let env = rig.environment(databases)
                let baseline = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
                transcript.add(baseline)
                #expect(baseline.status == 0, "\(baseline.all)")
                var figures: [String] = []

                func observe(_ label: String, _ environment: [String: String], expectReachable: Bool, bound: Duration) async throws {
                    let started = ContinuousClock.now
                    let output = try await ReconcilerdProcess.run(["--once"], environment: environment)
                    let time = ContinuousClock.now - started
                    transcript.add(output)
                    #expect(time < bound, "\(label): took \(time)")
                    #expect([0, 2].contains(output.status), "\(label): \(output.all)")
                    if expectReachable {
                        #expect(output.stdout.contains("registration: Registered"), "\(label): \(output.all)")
                    } else {
                        #expect(output.stdout.contains("registration: unknown (Asterisk not reachable)"), "\(label): \(output.all)")
                    }
                    figures.append("\(label)_seconds=\(Rel.format(time)) \(label)_exit=\(output.status)")
                }

                rig.state.closeAMIMidFrame()
                try await observe("mid_frame_close", env, expectReachable: false, bound: .seconds(6))

                let banner = Array("Asterisk Call Manager/11.0.0\r\n".utf8)
                let garbage: [UInt8] = Array("Response Success\r\n\u{1}\u{2}\u{7f}\r\n: : :\r\nEvent:\r\n\r\n%%%%\r\n\r\n".utf8) + [0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]
                let talker = try TCPScriptServer(greeting: banner, reply: garbage)
                try await observe("garbage_after_banner", rig.environment(databases, amiPort: Int(talker.port)), expectReachable: false, bound: .seconds(10))
                #expect(talker.received.contains("Action: Login"))
                talker.shutdown()
                let noise = try TCPScriptServer(greeting: [0x16, 0x03, 0x01, 0x00] + Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8), reply: [])
                try await observe("garbage_banner", rig.environment(databases, amiPort: Int(noise.port)), expectReachable: false, bound: .seconds(6))
                noise.shutdown()

                rig.state.amiMode = .silent
                try await observe("no_banner", env, expectReachable: false, bound: .seconds(8))
                rig.state.amiMode = .normal

                rig.state.setAMIChunkSize(7)
                rig.amiProxy.setLatency(.milliseconds(400))
                try await observe("slow_login_within_timeout", env, expectReachable: true, bound: .seconds(12))
                rig.amiProxy.setLatency(.milliseconds(2500))
                try await observe("slow_login_beyond_timeout", env, expectReachable: false, bound: .seconds(12))
                rig.amiProxy.setLatency(.zero)
                rig.state.setAMIChunkSize(nil)

                // Daemon: a password change needs PJSIPRegister; AMI is silent, so it stays
                // pending (each attempt bounded by the timeout) and is sent once AMI is back.
                let daemon = try RunningReconcilerd([], environment: rig.environment(databases, ["RECONCILERD_ASTERISK_TIMEOUT": "1s"]))
                #expect(await daemon.waitFor { daemon.count("event=cycle.success") >= 1 }, "\(daemon.output)")
                rig.state.amiMode = .silent
                let admin = try await databases.adminDograh()
                let rotated = Rel.trunkCredentials("am", 0, password: Secrets.sip("am-rotated"))
                try await admin.query("UPDATE telephony_configurations SET credentials = \(rotated.json)::json, updated_at = now()")
                #expect(await daemon.waitFor(timeout: .seconds(15)) { daemon.count("event=actuation.pending") >= 1 }, "\(daemon.output.suffix(3000))")
                let pendingSeen = daemon.count("event=actuation.pending")
                #expect(rig.registers.isEmpty)
                rig.state.amiMode = .normal
                let backAt = ContinuousClock.now
                #expect(await daemon.waitFor(timeout: .seconds(15)) { rig.registers == ids }, "registers: \(rig.registers)\n\(daemon.output.suffix(3000))")
                let registerTime = ContinuousClock.now - backAt
                try await Task.sleep(for: .seconds(1))
                #expect(rig.registers == ids, "the pending register is sent exactly once")
                #expect(await daemon.stop() == 0)
                transcript.add(daemon)
                figures.append("register_pending_cycles=\(pendingSeen) register_sent_after_ami_back_seconds=\(Rel.format(registerTime)) registers_sent=\(rig.registers.count)")
                Swift.print("RELIABILITY scenario=ami_faults " + figures.joined(separator: " "))
            }
        }
        transcript.finish()
    }
}
