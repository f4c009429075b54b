import Foundation

/// Byte-exact AMI texts of Asterisk 22.10.1 (manager.c's astman_send_* and
/// res_pjsip_outbound_registration.c), as recorded in the fixtures.
public enum AMIDoubleRenderer {
    public static let banner = "Asterisk Call Manager/11.0.0\r\n"

    static func actionIDLine(_ actionID: String?) -> String {
        guard let actionID, !actionID.isEmpty else { return "" }
        return "ActionID: \(actionID)\r\n"
    }

    /// `astman_send_response_full`: Response, [ActionID], Message, blank line. The
    /// message is appended verbatim, so a message ending in `\n` yields `...\n\r\n\r\n`.
    public static func response(_ response: String, actionID: String?, message: String?) -> String {
        "Response: \(response)\r\n" + actionIDLine(actionID) + (message.map { "Message: \($0)\r\n" } ?? "") + "\r\n"
    }

    public static func ping(actionID: String?, now: Date = Date()) -> String {
        let micros = Int((now.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let fraction = String(micros % 1_000_000)
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return "Response: Success\r\n" + actionIDLine(actionID) + "Ping: Pong\r\nTimestamp: \(micros / 1_000_000).\(padded)\r\n\r\n"
    }

    public static let fullyBooted = "Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 154\r\nLastReload: 8\r\nStatus: Fully Booted\r\n\r\n"

    public static func reload(module: String, status: Int = 0) -> String {
        "Event: Reload\r\nPrivilege: system,all\r\nModule: \(module)\r\nStatus: \(status)\r\n\r\n"
    }

    public static func peerStatus(endpoint: String, status: String) -> String {
        "Event: PeerStatus\r\nPrivilege: system,all\r\nChannelType: PJSIP\r\nPeer: PJSIP/\(endpoint)\r\nPeerStatus: \(status)\r\n\r\n"
    }

    public static func contactStatus(uri: String, status: String, aor: String, endpoint: String, roundtripUsec: Int) -> String {
        "Event: ContactStatus\r\nPrivilege: system,all\r\nURI: \(uri)\r\nContactStatus: \(status)\r\nAOR: \(aor)\r\n"
            + "EndpointName: \(endpoint)\r\nRoundtripUsec: \(roundtripUsec)\r\n\r\n"
    }

    public static func registry(clientURI: String, serverURI: String, status: String) -> String {
        "Event: Registry\r\nPrivilege: system,all\r\nChannelType: PJSIP\r\nUsername: \(clientURI)\r\nDomain: \(serverURI)\r\nStatus: \(status)\r\n\r\n"
    }

    /// `PJSIPShowRegistrationsOutbound`: list ack, per row an OutboundRegistrationDetail
    /// (Status/NextReg only when a state exists) followed by its AuthDetail with the
    /// password in clear, then the completion with Asterisk's counting rule
    /// (ListItems = Registered + NotRegistered, rows without state count in neither).
    public static func listing(_ rows: [DoubleRegistration], actionID: String?, counts: (Int, Int, Int)? = nil) -> String {
        let id = actionIDLine(actionID)
        var text = "Response: Success\r\n" + id + "EventList: start\r\nMessage: Following are Events for each Outbound registration\r\n\r\n"
        var registered = 0
        var notRegistered = 0
        for row in rows {
            text += "Event: OutboundRegistrationDetail\r\n" + id
            text += "ObjectType: registration\r\nObjectName: \(row.id)\r\nMaxRetries: 10\r\nClientUri: \(row.clientURI)\r\n"
            text += "SecurityNegotiation: no\r\nAuthRejectionPermanent: true\r\nServerUri: \(row.serverURI)\r\n"
            text += "MaxRandomInitialDelay: 10\r\nSupportPath: false\r\nRetryInterval: 60\r\nContactHeaderParams: \r\n"
            text += "Expiration: 300\r\nTransport: transport-udp\r\nLine: true\r\nContactUser: \(row.contactUser)\r\n"
            text += "Endpoint: \(row.id)\r\nUserAgent: \r\nForbiddenRetryInterval: 0\r\nOutboundAuth: \(row.id)\r\n"
            text += "OutboundProxy: \r\nFatalRetryInterval: 0\r\nSupportOutbound: no\r\n"
            if let status = row.status {
                if status == "Registered" { registered += 1 } else { notRegistered += 1 }
                text += "Status: \(status)\r\nNextReg: 0\r\n"
            }
            text += "\r\n"
            text += "Event: AuthDetail\r\n" + id
            text += "ObjectType: auth\r\nObjectName: \(row.id)\r\nOauthSecret: \r\nPasswordDigest: \r\nSupportedAlgorithmsUas: MD5\r\n"
            text += "RefreshToken: \r\nUsername: \(row.authUsername)\r\nMd5Cred: \r\nRealm: \r\nAuthType: userpass\r\n"
            text += "Password: \(row.password)\r\nSupportedAlgorithmsUac: MD5\r\nNonceLifetime: 32\r\nOauthClientid: \r\n\r\n"
        }
        let (items, reg, notReg) = counts ?? (registered + notRegistered, registered, notRegistered)
        text += "Event: OutboundRegistrationDetailComplete\r\n" + id
        text += "EventList: Complete\r\nListItems: \(items)\r\nRegistered: \(reg)\r\nNotRegistered: \(notReg)\r\n\r\n"
        return text
    }
}
