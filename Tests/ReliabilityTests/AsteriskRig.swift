import AsteriskDoubles
import Foundation
import TestSupport

/// ARI and AMI doubles whose registration reload reads the real test ARA database (a copy
/// of reconcilerdTests' AsteriskHarness with this suite's secrets), optionally behind an
/// HTTP fault front (ARI) and a TCP proxy (AMI).
struct AsteriskRig {
    let ari: ARIDouble
    let ami: AMIDouble
    let state: AsteriskDoubleState
    let front: ARIFaultFront
    let amiProxy: TCPProxy

    static func with<T>(_ databases: TestDatabases, _ body: (AsteriskRig) async throws -> T) async throws -> T {
        let state = AsteriskDoubleState(registrations: [], endpoints: [])
        let adminURL = databases.adminARAURL
        state.setRegistrationSource { Self.registrationRows(adminURL) }
        let ari = try await ARIDouble.start(state: state, username: "reconcilerd", password: Rel.ariPassword)
        let ami = try await AMIDouble.start(state: state, username: "reconcilerd", secret: Rel.amiSecret)
        let front = try ARIFaultFront(upstreamPort: UInt16(ari.port))
        let amiProxy = try TCPProxy(upstreamPort: UInt16(ami.port))
        let rig = AsteriskRig(ari: ari, ami: ami, state: state, front: front, amiProxy: amiProxy)
        defer {
            front.shutdown()
            amiProxy.shutdown()
        }
        do {
            let result = try await body(rig)
            await ari.shutdown()
            await ami.shutdown()
            return result
        } catch {
            await ari.shutdown()
            await ami.shutdown()
            throw error
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
    var reloads: [String] {
        state.ariRequests.filter { $0.method == "PUT" }.map { String($0.path.split(separator: "/").last ?? "") }
    }

    var registers: [String] {
        state.amiActions.filter { $0.name == "PJSIPRegister" }.compactMap { $0["Registration"] }
    }

    /// The registration rows as Asterisk would load them, read with psql.
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
