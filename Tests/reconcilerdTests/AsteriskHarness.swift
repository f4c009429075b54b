import AsteriskDoubles
import Foundation
import TestSupport

/// ARI and AMI doubles whose registration reload reads the real test ARA database, so a
/// run of the binary sees Asterisk react to the rows it wrote.
struct AsteriskHarness {
    static let ariPassword = "ari-pw-Zk81"
    static let amiSecret = "ami-secret-Qw2"

    let ari: ARIDouble
    let ami: AMIDouble
    let state: AsteriskDoubleState

    static func with<T>(_ databases: TestDatabases, _ body: (AsteriskHarness) async throws -> T) async throws -> T {
        let state = AsteriskDoubleState(registrations: [], endpoints: [])
        let adminURL = databases.adminARAURL
        state.setRegistrationSource { Self.registrationRows(adminURL) }
        let ari = try await ARIDouble.start(state: state, username: "reconcilerd", password: ariPassword)
        let ami = try await AMIDouble.start(state: state, username: "reconcilerd", secret: amiSecret)
        let harness = AsteriskHarness(ari: ari, ami: ami, state: state)
        do {
            let result = try await body(harness)
            await ari.shutdown()
            await ami.shutdown()
            return result
        } catch {
            await ari.shutdown()
            await ami.shutdown()
            throw error
        }
    }

    func environment(_ databases: TestDatabases, ariURL: String? = nil) -> [String: String] {
        ["DATABASE_URL": databases.dograhURL, "ASTERISK_ARA_DSN": databases.araURL,
         "ARI_URL": ariURL ?? ari.baseURL, "ARI_USERNAME": "reconcilerd", "ARI_PASSWORD": Self.ariPassword,
         "AMI_HOST": "127.0.0.1", "AMI_PORT": String(ami.port), "AMI_USERNAME": "reconcilerd", "AMI_SECRET": Self.amiSecret,
         "RECONCILERD_UNREGISTER_TIMEOUT": "5s", "RECONCILERD_ASTERISK_TIMEOUT": "2s"]
    }

    var reloads: [String] {
        state.ariRequests.filter { $0.method == "PUT" }.map { String($0.path.split(separator: "/").last ?? "") }
    }

    var registers: [String] {
        state.amiActions.filter { $0.name == "PJSIPRegister" }.compactMap { $0["Registration"] }
    }

    /// The registration rows as Asterisk would load them, read with psql (the double calls
    /// this synchronously from its event loop).
    static func registrationRows(_ url: String) -> [DoubleRegistration] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-AtX", "-F", "\t", "-c",
                             "SELECT r.id, r.client_uri, r.server_uri, r.contact_user, coalesce(a.username, ''), coalesce(a.password, '') "
                             + "FROM ps_registrations r LEFT JOIN ps_auths a ON a.id = r.outbound_auth WHERE r.id LIKE 'dograh%'"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return [] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6 else { return nil }
            return DoubleRegistration(id: fields[0], clientURI: fields[1], serverURI: fields[2], contactUser: fields[3],
                                      authUsername: fields[4], password: fields[5], status: nil)
        }
    }
}
