import Foundation
import PGClient

/// A fresh pair of databases (Dograh + ARA) cloned from the templates that
/// `scripts/test.sh` creates on its throwaway Postgres. Each test gets its own pair, so
/// tests run in parallel without seeing each other's rows.
public struct TestDatabases: Sendable {
    public let dograhName: String
    public let araName: String
    /// Superuser URLs, for setting up data and inspecting results.
    public let adminDograhURL: String
    public let adminARAURL: String
    /// URLs as the DML-only role `reconcilerd`, which is what reconcilerd itself uses.
    public let dograhURL: String
    public let araURL: String
    public let rolePassword: String
    public let port: String

    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String {
            "RECONCILERD_TEST_PG_URL is not set: run the tests with scripts/test.sh, which starts a throwaway Postgres"
        }
    }

    public static var adminURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["RECONCILERD_TEST_PG_URL"], !url.isEmpty else { throw NotConfigured() }
            return url
        }
    }

    public static func make() async throws -> TestDatabases {
        let admin = try adminURL
        let environment = ProcessInfo.processInfo.environment
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let dograh = "t_dograh_\(suffix)", ara = "t_ara_\(suffix)"
        let connection = try await PGConnection.connect(try ConnectionString(admin + "/postgres"))
        // CREATE DATABASE ... TEMPLATE fails while another session is connected to the
        // template; templates are never connected to after setup, but clones made in
        // parallel contend for them, so retry briefly.
        for (name, template) in [(dograh, "dograh_template"), (ara, "ara_template")] {
            var attempt = 0
            while true {
                do {
                    try await connection.execute("CREATE DATABASE \(name) TEMPLATE \(template)")
                    break
                } catch {
                    guard error.sqlstate == "55006", attempt < 50 else { throw error }
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        let password = environment["RECONCILERD_ROLE_PASSWORD"] ?? ""
        let hostPort = admin.split(separator: "@").last.map(String.init) ?? ""
        return TestDatabases(
            dograhName: dograh, araName: ara,
            adminDograhURL: admin + "/" + dograh, adminARAURL: admin + "/" + ara,
            dograhURL: "postgresql://reconcilerd:\(password)@\(hostPort)/\(dograh)",
            araURL: "postgresql://reconcilerd:\(password)@\(hostPort)/\(ara)",
            rolePassword: password,
            port: String(hostPort.split(separator: ":").last ?? ""))
    }

    public func adminDograh() async throws -> PGConnection {
        try await PGConnection.connect(try ConnectionString(adminDograhURL))
    }

    public func adminARA() async throws -> PGConnection {
        try await PGConnection.connect(try ConnectionString(adminARAURL))
    }

    public func dograh() async throws -> PGConnection {
        try await PGConnection.connect(try ConnectionString(dograhURL))
    }

    public func ara() async throws -> PGConnection {
        try await PGConnection.connect(try ConnectionString(araURL))
    }

    /// Drops both databases (forcibly: a test may leave a connection behind).
    public func drop() async {
        guard let admin = try? Self.adminURL,
              let connection = try? await PGConnection.connect(try ConnectionString(admin + "/postgres")) else { return }
        for name in [dograhName, araName] {
            _ = try? await connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// Runs `body` with fresh databases and drops them afterwards, whatever happens.
    public static func with<T: Sendable>(_ body: (TestDatabases) async throws -> T) async throws -> T {
        let databases = try await make()
        do {
            let value = try await body(databases)
            await databases.drop()
            return value
        } catch {
            await databases.drop()
            throw error
        }
    }
}
