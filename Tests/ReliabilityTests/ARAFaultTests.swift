import Foundation
import PGClient
import Testing
import TestSupport

/// Samples the half-applied trunk count of an ARA database until stopped.
final class HalfAppliedSampler: Sendable {
    private let task: Task<(samples: Int, maxHalf: Int), Never>

    init(_ databases: TestDatabases) {
        task = Task {
            var samples = 0, maxHalf = 0
            while !Task.isCancelled {
                if let counts = try? await ARAFaults.trunkCounts(databases) {
                    samples += 1
                    maxHalf = max(maxHalf, counts.half)
                }
                try? await Task.sleep(for: .milliseconds(40))
            }
            return (samples, maxHalf)
        }
    }

    func stop() async -> (samples: Int, maxHalf: Int) {
        task.cancel()
        return await task.value
    }
}

@Suite("Reliability: the ARA database fails in the middle of an apply")
struct ARAFaultTests {
    @Test("ARA backend terminated mid-apply: rolled back, 0 half-applied trunks, the next daemon cycle converges")
    func backendTerminatedMidApply() async throws {
        let transcript = Transcript("ara_backend_terminated_mid_apply")
        try await TestDatabases.with { databases in
            try await ARAFaults.installSleep(databases)
            let ids = try await Rel.insertTrunks(databases, tag: "tb", count: 6)
            let daemon = try RunningReconcilerd([], environment: Rel.environment(databases))
            #expect(try await ARAFaults.waitForSleepingApply(databases), "no apply reached the trigger:\n\(daemon.output)")
            let sampler = HalfAppliedSampler(databases)
            let terminated = try await ARAFaults.terminateActiveBackends(databases)
            let killedAt = ContinuousClock.now
            #expect(terminated == 1)
            try await ARAFaults.dropTrigger(databases, "rel_sleep", table: "ps_registrations")
            let afterKill = try await ARAFaults.trunkCounts(databases)
            #expect(afterKill.complete == 0 && afterKill.half == 0, "the terminated transaction must leave nothing: \(afterKill)")
            #expect(await daemon.waitFor(timeout: .seconds(10)) { daemon.count("event=cycle.failed") >= 1 })
            let failure = daemon.lines.first { $0.contains("event=cycle.failed") && $0.contains("level=error") }.map(String.init) ?? ""
            #expect(failure.contains("terminating connection due to administrator command") || failure.contains("lost database connection"),
                    "clear cause expected: \(failure)")
            let converged = try await Rel.waitUntil(timeout: .seconds(15)) {
                let counts = try await ARAFaults.trunkCounts(databases)
                return counts.complete == ids.count && counts.half == 0
            }
            let recovery = ContinuousClock.now - killedAt
            let sampled = await sampler.stop()
            #expect(converged, "\(daemon.output)")
            #expect(sampled.maxHalf == 0)
            #expect(await daemon.waitFor { daemon.count("event=cycle.recovered") == 1 })
            #expect(await daemon.stop() == 0)
            transcript.add(daemon)
            Figures.print("ara_backend_terminated_mid_apply", [
                "trunks": "\(ids.count)", "backends_terminated": "\(terminated)", "half_applied_after_kill": "\(afterKill.half)",
                "rows_committed_by_killed_tx": "\(afterKill.complete)", "samples": "\(sampled.samples)",
                "max_half_applied_seen": "\(sampled.maxHalf)", "recovery_seconds": Rel.format(recovery),
            ])
        }
        transcript.finish()
    }

    @Test("ARA server gone mid-apply (connections reset, then refused): --once fails cleanly, nothing half-applied; after restart the next run converges")
    func serverGoneMidApply() async throws {
        let transcript = Transcript("ara_server_gone_mid_apply")
        try await TestDatabases.with { databases in
            let (proxy, araURL) = try TCPProxy.inFront(ofPostgresURL: databases.araURL)
            defer { proxy.shutdown() }
            try await ARAFaults.installSleep(databases)
            let ids = try await Rel.insertTrunks(databases, tag: "sg", count: 4)
            let env = Rel.environment(databases, araURL: araURL)
            let run = BackgroundRun(["--once", "--apply"], environment: env)
            #expect(try await ARAFaults.waitForSleepingApply(databases))
            proxy.setMode(.refuse)
            let downAt = ContinuousClock.now
            let failed = try await run.result
            let failTime = ContinuousClock.now - downAt
            transcript.add(failed)
            #expect(failed.status == 1, "\(failed.all)")
            #expect(failed.stderr.contains("lost database connection") || failed.stderr.contains("server closed the connection"), "\(failed.all)")
            #expect(failed.stderr.contains("rolled back"), "the error must say the apply was rolled back: \(failed.stderr)")
            let duringOutage = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
            transcript.add(duringOutage)
            #expect(duringOutage.status == 1)
            #expect(duringOutage.stderr.contains("cannot connect to database"), "\(duringOutage.all)")
            // The orphaned backend finishes its sleep, cannot answer, and aborts.
            let admin = try await databases.adminARA()
            #expect(try await Rel.waitUntil(timeout: .seconds(10)) {
                try await admin.query(SQLQuery(unsafeSQL: "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(databases.araName)' AND usename = 'reconcilerd'")).scalar() == "0"
            })
            let afterOutage = try await ARAFaults.trunkCounts(databases)
            #expect(afterOutage.complete == 0 && afterOutage.half == 0, "\(afterOutage)")
            try await ARAFaults.dropTrigger(databases, "rel_sleep", table: "ps_registrations")
            proxy.setMode(.forward)
            let backAt = ContinuousClock.now
            let converged = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
            transcript.add(converged)
            #expect(converged.status == 0, "\(converged.all)")
            let final = try await ARAFaults.trunkCounts(databases)
            #expect(final.complete == ids.count && final.half == 0)
            Figures.print("ara_server_gone_mid_apply", [
                "trunks": "\(ids.count)", "once_exit_after_cut": "\(failed.status)", "seconds_to_fail": Rel.format(failTime),
                "half_applied_after_outage": "\(afterOutage.half)", "committed_after_outage": "\(afterOutage.complete)",
                "complete_after_restart": "\(final.complete)", "half_applied_after_restart": "\(final.half)",
                "recovery_seconds": Rel.format(ContinuousClock.now - backAt),
            ])
        }
        transcript.finish()
    }

    @Test("SIGTERM during an apply: the pass in flight finishes as one transaction, exit 0; SIGKILL during an apply: rolled back; never half-applied")
    func signalsDuringApply() async throws {
        let transcript = Transcript("signals_during_apply")
        try await TestDatabases.with { databases in
            try await ARAFaults.installSleep(databases)
            let first = try await Rel.insertTrunks(databases, tag: "st", count: 4)
            let env = Rel.environment(databases)
            let daemon = try RunningReconcilerd([], environment: env)
            #expect(try await ARAFaults.waitForSleepingApply(databases))
            let sampler = HalfAppliedSampler(databases)
            daemon.signal(SIGTERM)
            let termAt = ContinuousClock.now
            let exited = await daemon.waitFor(timeout: .seconds(15)) { !daemon.isRunning }
            let exitTime = ContinuousClock.now - termAt
            let status = await daemon.stop()
            transcript.add(daemon)
            #expect(exited && status == 0, "SIGTERM must end the daemon cleanly:\n\(daemon.output)")
            #expect(daemon.output.contains("event=daemon.stopped"))
            let afterTerm = try await ARAFaults.trunkCounts(databases)
            #expect(afterTerm.half == 0)
            #expect(afterTerm.complete == first.count, "graceful shutdown lets the pass in flight commit: \(afterTerm)")

            let second = try await Rel.insertTrunks(databases, tag: "sk", count: 2)
            let victim = try RunningReconcilerd([], environment: env)
            #expect(try await ARAFaults.waitForSleepingApply(databases))
            victim.signal(SIGKILL)
            _ = await victim.stop()
            transcript.add(victim)
            let afterKill = try await ARAFaults.trunkCounts(databases)
            let admin = try await databases.adminARA()
            // The killed daemon's backend ends once its statement finishes; its transaction aborts.
            #expect(try await Rel.waitUntil(timeout: .seconds(10)) {
                try await admin.query(SQLQuery(unsafeSQL: "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(databases.araName)' AND usename = 'reconcilerd'")).scalar() == "0"
            })
            let afterAbort = try await ARAFaults.trunkCounts(databases)
            #expect(afterKill.half == 0 && afterAbort.half == 0)
            #expect(afterAbort.complete == first.count, "the killed apply must not commit: \(afterAbort)")
            try await ARAFaults.dropTrigger(databases, "rel_sleep", table: "ps_registrations")
            let converged = try await ReconcilerdProcess.run(["--once", "--apply"], environment: env)
            transcript.add(converged)
            #expect(converged.status == 0, "\(converged.all)")
            let final = try await ARAFaults.trunkCounts(databases)
            let sampled = await sampler.stop()
            #expect(final.complete == first.count + second.count && final.half == 0)
            #expect(sampled.maxHalf == 0)
            Figures.print("signals_during_apply", [
                "sigterm_exit_status": "\(status)", "sigterm_exit_seconds": Rel.format(exitTime),
                "committed_after_sigterm": "\(afterTerm.complete)/\(first.count)", "half_applied_after_sigterm": "\(afterTerm.half)",
                "committed_after_sigkill": "\(afterAbort.complete - first.count)/\(second.count)", "half_applied_after_sigkill": "\(afterAbort.half)",
                "samples": "\(sampled.samples)", "max_half_applied_seen": "\(sampled.maxHalf)", "complete_after_next_run": "\(final.complete)",
            ])
        }
        transcript.finish()
    }

    @Test("disk full on INSERT into extensions (SQLSTATE 53100): clean rollback, clear error, backoff, recovery")
    func diskFull() async throws {
        let transcript = Transcript("ara_disk_full")
        try await TestDatabases.with { databases in
            try await ARAFaults.installDiskFull(databases)
            let ids = try await Rel.insertTrunks(databases, tag: "df", count: 3)
            let daemon = try RunningReconcilerd([], environment: Rel.environment(databases))
            let sampler = HalfAppliedSampler(databases)
            #expect(await daemon.waitFor(timeout: .seconds(10)) { daemon.count("event=cycle.failed") >= 2 })
            let during = try await ARAFaults.trunkCounts(databases)
            #expect(during.complete == 0 && during.half == 0, "\(during)")
            #expect(daemon.count("event=apply.committed") == 0)
            let errors = daemon.lines.filter { $0.contains("level=error") }
            #expect(errors.count == 1, "the same failure is logged once:\n\(daemon.output)")
            let line = errors.first.map(String.init) ?? ""
            #expect(line.contains("53100") && line.contains("extensions") && line.contains("rolled back"), "\(line)")
            let failures = daemon.count("event=cycle.failed")
            try await ARAFaults.dropTrigger(databases, "rel_disk_full", table: "extensions")
            let clearedAt = ContinuousClock.now
            let converged = try await Rel.waitUntil(timeout: .seconds(15)) {
                let counts = try await ARAFaults.trunkCounts(databases)
                return counts.complete == ids.count && counts.half == 0
            }
            let recovery = ContinuousClock.now - clearedAt
            let sampled = await sampler.stop()
            #expect(converged)
            #expect(sampled.maxHalf == 0)
            #expect(await daemon.waitFor { daemon.count("event=cycle.recovered") == 1 })
            #expect(await daemon.stop() == 0)
            transcript.add(daemon)
            Figures.print("ara_disk_full", [
                "trunks": "\(ids.count)", "failed_cycles_before_fix": "\(failures)", "rows_committed_during_fault": "\(during.complete * 9)",
                "half_applied": "\(sampled.maxHalf)", "error_lines": "\(errors.count)", "recovery_seconds": Rel.format(recovery),
            ])
        }
        transcript.finish()
    }
}
