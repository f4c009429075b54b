import Foundation
import PGClient
import Testing
import TestSupport

@Suite("Reliability: two daemons race, the leader dies")
struct LeaderFailoverTests {
    /// An audit of every write to ps_auths (row trigger, as the superuser): a double apply
    /// shows as a second INSERT or an UPDATE of the same id.
    static func installAudit(_ databases: TestDatabases) async throws {
        let admin = try await databases.adminARA()
        try await admin.execute("""
            CREATE TABLE rel_audit (id text, op text, backend int, at timestamptz DEFAULT clock_timestamp());
            CREATE FUNCTION rel_audit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
                INSERT INTO rel_audit (id, op, backend) VALUES (coalesce(NEW.id, OLD.id), TG_OP, pg_backend_pid());
                RETURN NULL;
            END $$;
            CREATE TRIGGER rel_audit AFTER INSERT OR UPDATE OR DELETE ON ps_auths FOR EACH ROW EXECUTE FUNCTION rel_audit();
            """)
    }

    /// (ids inserted more than once, updates, deletes, distinct writer backends)
    static func audit(_ databases: TestDatabases) async throws -> (doubleInserts: Int, updates: Int, deletes: Int, inserts: Int) {
        let admin = try await databases.adminARA()
        let row = try await admin.query("""
            SELECT (SELECT count(*) FROM (SELECT id FROM rel_audit WHERE op = 'INSERT' GROUP BY id HAVING count(*) > 1) d)::text,
                   count(*) FILTER (WHERE op = 'UPDATE')::text, count(*) FILTER (WHERE op = 'DELETE')::text,
                   count(*) FILTER (WHERE op = 'INSERT')::text
            FROM rel_audit
            """).rows.first
        return (Int(row?[0] ?? "") ?? -1, Int(row?[1] ?? "") ?? -1, Int(row?[2] ?? "") ?? -1, Int(row?[3] ?? "") ?? -1)
    }

    static func lockHolder(_ databases: TestDatabases) async throws -> String? {
        let admin = try await databases.adminARA()
        return try await admin.query(SQLQuery(unsafeSQL: """
            SELECT pid::text FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND classid::bigint = \(Int(UInt32(bitPattern: 0x7265_636F))) AND objid::bigint = \(Int(UInt32(bitPattern: 0x6E63_6C64)))
            """)).rows.first?.first ?? nil
    }

    @Test("two daemons start together: one writes, no double apply; the leader is SIGKILLed: the standby takes over within a bounded time")
    func failover() async throws {
        let transcript = Transcript("leader_failover")
        try await TestDatabases.with { databases in
            try await Self.installAudit(databases)
            let first = try await Rel.insertTrunks(databases, tag: "lf", count: 3)
            let env = Rel.environment(databases)
            let portA = try await HTTP.freePort(), portB = try await HTTP.freePort()
            let a = try RunningReconcilerd([], environment: env.merging(["RECONCILERD_LISTEN": "127.0.0.1:\(portA)"]) { $1 })
            let b = try RunningReconcilerd([], environment: env.merging(["RECONCILERD_LISTEN": "127.0.0.1:\(portB)"]) { $1 })
            #expect(try await Rel.waitUntil(timeout: .seconds(15)) { try await ARAFaults.trunkCounts(databases).complete == first.count })
            #expect(await a.waitFor { a.count("event=cycle.success") >= 1 })
            #expect(await b.waitFor { b.count("event=cycle.success") >= 1 })
            try await Task.sleep(for: .seconds(1))
            let commits = a.count("event=apply.committed") + b.count("event=apply.committed")
            #expect(commits == 1, "exactly one daemon applies:\nA:\n\(a.output)\nB:\n\(b.output)")
            let racing = try await Self.audit(databases)
            #expect(racing.doubleInserts == 0 && racing.updates == 0 && racing.inserts == first.count, "\(racing)")

            let (leader, standby, standbyPort) = a.count("event=apply.committed") == 1 ? (a, b, portB) : (b, a, portA)
            let metricsBefore = try await HTTP.get("http://127.0.0.1:\(standbyPort)/metrics").body
            transcript.add(metricsBefore)
            #expect(HTTP.metric(metricsBefore, "reconcilerd_leader") == 0)
            let oldHolder = try await Self.lockHolder(databases)
            #expect(oldHolder != nil)
            leader.signal(SIGKILL)
            let killedAt = ContinuousClock.now
            _ = await leader.stop()
            transcript.add(leader)

            // Without any change in Dograh, the standby must take the lock within a few intervals.
            let tookOver = try await Rel.waitUntil(timeout: .seconds(5)) {
                let holder = try await Self.lockHolder(databases)
                return holder != nil && holder != oldHolder
            }
            let takeover = ContinuousClock.now - killedAt
            let metricsAfter = try await HTTP.get("http://127.0.0.1:\(standbyPort)/metrics").body
            transcript.add(metricsAfter)
            let holder = try await Self.lockHolder(databases)
            #expect(tookOver, "the standby did not take the leader lock within 5 s of the leader's death (no Dograh change); holder: \(holder ?? "none")")
            #expect(HTTP.metric(metricsAfter, "reconcilerd_leader") == 1, "the standby reports itself leader")

            // A change is applied by the new leader, once.
            let second = try await Rel.insertTrunks(databases, tag: "lf", count: 2, from: 3)
            let changedAt = ContinuousClock.now
            let applied = try await Rel.waitUntil(timeout: .seconds(10)) {
                try await ARAFaults.trunkCounts(databases).complete == first.count + second.count
            }
            let applyTime = ContinuousClock.now - changedAt
            #expect(applied, "\(standby.output.suffix(3000))")
            try await Task.sleep(for: .milliseconds(600))
            let final = try await Self.audit(databases)
            #expect(final.doubleInserts == 0 && final.updates == 0 && final.deletes == 0 && final.inserts == first.count + second.count, "\(final)")
            #expect(standby.count("event=apply.committed") == 1)
            let counts = try await ARAFaults.trunkCounts(databases)
            #expect(counts.half == 0)
            #expect(await standby.stop() == 0)
            transcript.add(standby)
            Figures.print("leader_failover", [
                "applies_while_racing": "\(commits)", "double_inserts": "\(final.doubleInserts)", "double_updates": "\(final.updates)",
                "takeover_seconds_without_change": tookOver ? Rel.format(takeover) : ">5 (not taken)",
                "apply_after_change_seconds": Rel.format(applyTime), "half_applied": "\(counts.half)",
            ])
        }
        transcript.finish()
    }
}
