import AsteriskDoubles
import Foundation
import TestSupport

/// ARI and AMI doubles whose registration reload reads the real test ARA database (as in
/// reconcilerdTests' AsteriskHarness, with this suite's secrets), behind an HTTP fault front
/// (ARI) and a TCP proxy (AMI).
struct AsteriskRig {
    let ari: ARIDouble
    let ami: AMIDouble
    let state: AsteriskDoubleState
    let front: ARIFaultFront
    let amiProxy: TCPProxy

    static func with<T>(_ databases: TestDatabases, _ body: (AsteriskRig) async throws -> T) async throws -> T {
        let state = AsteriskDoubleState(registrations: [], endpoints: [])
        state.readRegistrations(fromDatabase: databases.adminARAURL)
        return try await withAsteriskDoubles(state: state, ariPassword: Rel.ariPassword, amiSecret: Rel.amiSecret) { ari, ami in
            let front = try ARIFaultFront(upstreamPort: UInt16(ari.port))
            let amiProxy = try TCPProxy(upstreamPort: UInt16(ami.port))
            defer {
                front.shutdown()
                amiProxy.shutdown()
            }
            return try await body(AsteriskRig(ari: ari, ami: ami, state: state, front: front, amiProxy: amiProxy))
        }
    }

    /// reconcilerd's settings for this Asterisk: ARI through the fault front, AMI through
    /// the proxy (both pass everything until told otherwise).
    func environment(_ databases: TestDatabases, ariURL: String? = nil, amiPort: Int? = nil,
                     _ extra: [String: String] = [:]) -> [String: String] {
        Rel.environment(databases, [
            "ARI_URL": ariURL ?? front.baseURL, "ARI_USERNAME": "reconcilerd", "ARI_PASSWORD": Rel.ariPassword,
            "AMI_HOST": "127.0.0.1", "AMI_PORT": String(amiPort ?? Int(amiProxy.port)), "AMI_USERNAME": "reconcilerd",
            "AMI_SECRET": Rel.amiSecret, "RECONCILERD_UNREGISTER_TIMEOUT": "3s", "RECONCILERD_ASTERISK_TIMEOUT": "2s",
        ].merging(extra) { $1 })
    }

    /// Module reloads the double performed (PUTs that reached it).
    var reloads: [String] { state.reloads }

    var registers: [String] { state.registers }
}
