import Foundation

extension AsteriskDoubleState {
    /// Makes a registration reload read the real ARA database at `url`, as Asterisk reads
    /// ps_registrations (with psql: the double calls this synchronously from its event loop).
    public func readRegistrations(fromDatabase url: String) {
        setRegistrationSource { Self.registrationRows(url) }
    }

    /// Module reloads that reached the ARI double, in order.
    public var reloads: [String] {
        ariRequests.filter { $0.method == "PUT" }.map { String($0.path.split(separator: "/").last ?? "") }
    }

    /// Registration ids of the PJSIPRegister actions AMI received, in order.
    public var registers: [String] {
        amiActions.filter { $0.name == "PJSIPRegister" }.compactMap { $0["Registration"] }
    }

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
