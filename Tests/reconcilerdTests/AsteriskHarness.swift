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
        state.readRegistrations(fromDatabase: databases.adminARAURL)
        return try await withAsteriskDoubles(state: state, ariPassword: ariPassword, amiSecret: amiSecret) { ari, ami in
            try await body(AsteriskHarness(ari: ari, ami: ami, state: state))
        }
    }

    func environment(_ databases: TestDatabases, ariURL: String? = nil) -> [String: String] {
        ["DATABASE_URL": databases.dograhURL, "ASTERISK_ARA_DSN": databases.araURL,
         "ARI_URL": ariURL ?? ari.baseURL, "ARI_USERNAME": "reconcilerd", "ARI_PASSWORD": Self.ariPassword,
         "AMI_HOST": "127.0.0.1", "AMI_PORT": String(ami.port), "AMI_USERNAME": "reconcilerd", "AMI_SECRET": Self.amiSecret,
         "RECONCILERD_UNREGISTER_TIMEOUT": "5s", "RECONCILERD_ASTERISK_TIMEOUT": "2s"]
    }

    var reloads: [String] { state.reloads }

    var registers: [String] { state.registers }
}
