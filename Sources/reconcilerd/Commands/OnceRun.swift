import ARAAdapter
import DesiredState
import Foundation
import Logging
import PGClient
import Reconciler

/// `reconcilerd --once [--apply]`: one cycle, the plan on stdout, Terraform's exit codes.
struct OnceRun {
    let settings: RuntimeSettings
    let apply: Bool
    /// Prints statement counts to stderr as one JSON line, for the benchmark.
    var printStats = false
    /// Text plans over this many configurations show counts and the first ones only.
    var detailLimit = PlanTextLayout.defaultLimit
    var detail = false
    let logger: Logger

    static let inSync: Int32 = 0
    static let failed: Int32 = 1
    static let changesPending: Int32 = 2

    func run() async -> Int32 {
        let settings = self.settings, logger = self.logger
        // A manual apply next to a running daemon would be a second writer: it takes the
        // daemon's lock (waiting a little for a pass in flight) before it reads anything, or
        // writes nothing. The lock's session connects while the two databases do.
        let leader: LeaderLock?
        do {
            leader = apply ? LeaderLock(target: try settings.connectionString(.araDSN), timeout: settings.dbTimeout) : nil
        } catch {
            Self.writeError("\(error)")
            return Self.failed
        }
        let output = OnceOutput(settings: settings, printStats: printStats, detailLimit: detailLimit, detail: detail)
        var loop = ControlLoop(options: settings.controllerOptions(once: true, writes: apply), leader: leader, logger: logger,
                               connect: {
            async let cycle = Wiring.cycle(settings, logger: logger)
            if let leader, let holder = try await leader.acquire(waitingUpTo: settings.lockWait) {
                throw LockHeld(holder: holder, waited: settings.lockWait)
            }
            return try await cycle
        })
        loop.hooks.publish = { await output.publish($0) }
        let exit = await loop.run()
        await output.finish()
        switch exit {
        case .inSync: return Self.inSync
        case .changesPending: return Self.changesPending
        case .actuationsFailed(let failed):
            Self.writeError(Self.pendingMessage(failed))
            return Self.failed
        case .failed(let cause):
            Self.writeError(cause)
            return Self.failed
        }
    }

    /// Another reconcilerd leads: the message names the lock and its holder.
    struct LockHeld: Error, CustomStringConvertible {
        let holder: LeaderLock.Holder
        let waited: Duration

        var description: String {
            "the leader lock is held by another reconcilerd (\(holder)); waited \(waited) for the \(LeaderLock.lockDescription) "
                + "and wrote nothing. Stop the daemon or let it apply, or raise --lock-wait"
        }
    }

    static func writeError(_ message: String) {
        FileHandle.standardError.write(Data("reconcilerd: error: \(message)\n".utf8))
    }

    /// What the operator must know when Asterisk did not confirm: a missed reload is seen
    /// again by the next run (stale registrations), a missed PJSIPRegister is not.
    static func pendingMessage(_ failed: [Actuation]) -> String {
        var parts = ["rows committed, but Asterisk did not confirm: " + failed.map(\.description).joined(separator: ", ")]
        if failed.contains(where: { if case .reloadModule = $0 { true } else { false } }) {
            parts.append("run again when Asterisk answers (or start the daemon): the reload is planned again from what Asterisk reports")
        }
        let registers = failed.compactMap { if case .register(let id) = $0 { id } else { nil } }
        if !registers.isEmpty {
            parts.append("then re-register by hand: " + registers.map { "asterisk -rx 'pjsip send register \($0)'" }.joined(separator: "; "))
        }
        return parts.joined(separator: "; ")
    }
}

/// Builds a cycle's parts from settings: both databases and, when configured, Asterisk.
enum Wiring {
    static func cycle(_ settings: RuntimeSettings, logger: Logger) async throws -> Cycle {
        _ = try settings.connectionString(.dograhDSN)
        _ = try settings.connectionString(.araDSN)
        let asterisk = try AsteriskSide.make(settings, logger: logger)
        async let araConnection = settings.connect(.araDSN)
        let dograh = try await settings.connect(.dograhDSN)
        let ara = try await araConnection
        return Cycle(dograh: DograhReader(connection: dograh, bridge: settings.bridge), ara: try ARAStore(connection: ara, names: settings.names),
                     asterisk: asterisk, policy: settings.policy, logger: logger)
    }
}

/// Collects output and writes it to stdout in blocks of about 64 KiB.
struct StandardOutputBuffer {
    private var pending: [UInt8] = []

    mutating func append(_ text: String) {
        append(bytes: Array(text.utf8))
    }

    mutating func append(bytes: [UInt8]) {
        pending += bytes
        if pending.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        FileHandle.standardOutput.write(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }
}
