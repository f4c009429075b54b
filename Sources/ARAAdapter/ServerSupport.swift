import PGClient
import Reconciler

/// Whether an ARA server can do what reconcilerd asks of it. The minimum is PostgreSQL 11
/// (`hashtextextended` and `starts_with`); the digest also needs the server to hash text as
/// `PGHash` does, which a big-endian server does not (reconcilerd still works there, but
/// every cycle reads and diffs all its rows instead of comparing digests).
public struct ServerSupport: Sendable, Equatable {
    public static let minimumVersionNumber = 110_000
    /// A probe text whose hash both sides compute.
    static let probe = "reconcilerd digest probe \u{00E9}\u{6771}"

    /// `server_version_num`, e.g. 150020.
    public let versionNumber: Int
    /// What the server answered for `hashtextextended(probe, 0)`; nil before version 11.
    public let serverHash: String?

    public init(versionNumber: Int, serverHash: String?) {
        self.versionNumber = versionNumber
        self.serverHash = serverHash
    }

    public static func read(_ connection: PGConnection) async throws(PGError) -> ServerSupport {
        let version = Int(try await connection.query("SHOW server_version_num").scalar() ?? "") ?? 0
        guard version >= minimumVersionNumber else { return ServerSupport(versionNumber: version, serverHash: nil) }
        let hash = try await connection.query("SELECT hashtextextended(\(probe), 0)").scalar()
        return ServerSupport(versionNumber: version, serverHash: hash)
    }

    /// What `PGHash` computes for the probe, as Postgres prints an int8.
    static var localHash: String {
        var text = probe
        return String(Int64(bitPattern: text.withUTF8 { PGHash.hashBytesExtended(UnsafeRawBufferPointer($0)) }))
    }

    /// nil when everything works; else what does not, for `doctor`.
    public var problem: String? {
        if versionNumber < Self.minimumVersionNumber {
            return "PostgreSQL \(Self.versionText(versionNumber)) is older than 11, the minimum (reconcilerd needs hashtextextended and starts_with)"
        }
        if serverHash != Self.localHash {
            return "the server hashes text differently from reconcilerd (a big-endian server?): digests never match, so every cycle reads and diffs all owned rows"
        }
        return nil
    }

    public var summary: String { "PostgreSQL \(Self.versionText(versionNumber)); the owned rows' digest matches reconcilerd's" }

    /// 150020 -> "15.20"; 90624 -> "9.6.24".
    static func versionText(_ number: Int) -> String {
        number >= 100_000 ? "\(number / 10_000).\(number % 10_000)" : "\(number / 10_000).\(number / 100 % 100).\(number % 100)"
    }
}
