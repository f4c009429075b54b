import PGClient

/// One active writer per ARA database: a session-level advisory lock held by a dedicated
/// connection. Losing that connection (crash, network, terminated backend) frees the
/// lock, and a standby takes over on its next attempt.
public actor LeaderLock {
    /// Two int4 keys, so that the lock shows in pg_locks as classid/objid.
    public static let keys: (Int32, Int32) = (0x7265_636F, 0x6E63_6C64)  // "reco" "ncld"

    private let target: ConnectionString
    private let timeout: Duration
    private var session: PGConnection?
    private var backendPID: Int32?

    public init(target: ConnectionString, timeout: Duration = .seconds(30)) {
        self.target = target
        self.timeout = timeout
    }

    /// Whether this process holds the lock now; tries to take it when it does not.
    public func ensure() async -> Bool {
        if let session {
            // A dead session lost the lock with it.
            if (try? await session.query("SELECT 1")) != nil { return true }
            self.session = nil
            backendPID = nil
        }
        do {
            let connection = try await PGConnection.connect(target, applicationName: "reconcilerd-leader",
                                                            connectTimeout: Int(timeout.components.seconds), queryTimeout: timeout)
            let acquired = try await connection.query("SELECT pg_try_advisory_lock(\(Int(Self.keys.0))::int4, \(Int(Self.keys.1))::int4)").scalar()
            guard acquired == "t" else { return false }
            session = connection
            backendPID = await connection.backendPID()
            return true
        } catch {
            return false
        }
    }

    /// Who holds the lock (another process), as Postgres reports it.
    public struct Holder: Sendable, Hashable, CustomStringConvertible {
        public let pid: Int32
        public let applicationName: String

        public var description: String { "backend pid \(pid), application_name \(applicationName.isEmpty ? "(none)" : applicationName)" }
    }

    /// The lock, described for an operator: what `pg_locks` shows.
    public static let lockDescription = "advisory lock (\(keys.0), \(keys.1)) (pg_locks classid \(UInt32(bitPattern: keys.0)), objid \(UInt32(bitPattern: keys.1)))"

    /// Takes the lock, retrying every `retry` for up to `wait` while another process holds
    /// it. Returns nil when taken, else the holder (nil holder fields when it could not be
    /// seen); throws when the database cannot be reached at all.
    public func acquire(waitingUpTo wait: Duration, retry: Duration = .milliseconds(250)) async throws(PGError) -> Holder? {
        let clock = ContinuousClock(), deadline = clock.now + wait
        while true {
            if await ensure() { return nil }
            if clock.now >= deadline {
                return try await holder() ?? Holder(pid: 0, applicationName: "")
            }
            try? await Task.sleep(for: min(retry, deadline - clock.now))
        }
    }

    /// The process holding the lock now, if any.
    public func holder() async throws(PGError) -> Holder? {
        let connection = try await PGConnection.connect(target, applicationName: "reconcilerd",
                                                        connectTimeout: Int(timeout.components.seconds), queryTimeout: timeout)
        let rows = try await connection.query("""
            SELECT l.pid, coalesce(a.application_name, '') FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = \(Int(UInt32(bitPattern: Self.keys.0)))
                AND l.objid::bigint = \(Int(UInt32(bitPattern: Self.keys.1))) AND l.objsubid = 2
            """)
        guard let row = rows.rows.first, let pid = row[0].flatMap({ Int32($0) }) else { return nil }
        return Holder(pid: pid, applicationName: row[1] ?? "")
    }

    /// The lock-holding backend, for the in-transaction check of `ARAStore.apply`.
    public var holderPID: Int32? { backendPID }

    /// Releases the lock (graceful shutdown); closing the session frees it.
    public func release() async {
        if let session { _ = try? await session.query("SELECT pg_advisory_unlock_all()") }
        session = nil
        backendPID = nil
    }

    /// SQL that is true only while `pid` holds the lock.
    static func isHeldQuery(pid: Int32) -> SQLQuery {
        """
        SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
            AND classid::bigint = \(Int(UInt32(bitPattern: keys.0))) AND objid::bigint = \(Int(UInt32(bitPattern: keys.1)))
            AND objsubid = 2 AND pid = \(Int(pid)))
        """
    }
}
