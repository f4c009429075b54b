import AsteriskDoubles
import Foundation
import Testing

/// The doubles are only worth something if they answer like the recorded Asterisk: these
/// tests compare their raw bytes with the fixture files.
@Suite("Doubles match the recordings byte for byte")
struct DoubleFidelityTests {
    static var datePattern: Regex<Substring> { /Date: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/ }

    /// Replaces the `Date:` value (the only field that must differ) after checking its format.
    static func normalisingDate(_ text: String) -> String {
        text.replacing(datePattern, with: "Date: <date>\r\n")
    }

    /// The AMI recordings end with one `\n` after the final `\r\n\r\n`: an artefact of
    /// saving the capture, not something Asterisk sent.
    static func amiRecording(_ name: String) throws -> [UInt8] {
        var bytes = try AsteriskFixtures.bytes(name)
        if bytes.suffix(5) == Array("\r\n\r\n\n".utf8) { bytes.removeLast() }
        return bytes
    }

    static func authorization(_ password: String = Secrets.ariPassword) -> String {
        "Basic " + Data("\(Secrets.ariUser):\(password)".utf8).base64EncodedString()
    }

    static func rawHTTP(_ ari: ARIDouble, method: String, path: String, password: String = Secrets.ariPassword) async throws -> String {
        let client = try await RawTCPClient.connect(port: ari.port)
        try await client.send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(authorization(password))\r\nConnection: close\r\n\r\n")
        let bytes = try await client.readUntilClosed()
        await client.close()
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(arguments: [
        ("http_200_module_get.txt", "GET", "/ari/asterisk/modules/pbx_config.so", Secrets.ariPassword),
        ("http_204_module_reload.txt", "PUT", "/ari/asterisk/modules/res_pjsip_outbound_registration.so", Secrets.ariPassword),
        ("http_401_wrong_password.txt", "GET", "/ari/asterisk/info", "wrong"),
        ("http_404_endpoint.txt", "GET", "/ari/endpoints/PJSIP/dograh_not_there", Secrets.ariPassword),
        ("http_404_module_reload.txt", "PUT", "/ari/asterisk/modules/res_not_loaded.so", Secrets.ariPassword),
    ])
    func httpExchangeMatchesRecording(fixture: String, method: String, path: String, password: String) async throws {
        try await withDoubles { ari, _, _ in
            let recorded = try AsteriskFixtures.text(fixture)
            let answered = try await Self.rawHTTP(ari, method: method, path: path, password: password)
            #expect(answered.contains(Self.datePattern))
            #expect(Self.normalisingDate(answered) == Self.normalisingDate(recorded))
        }
    }

    @Test(arguments: [
        ("asterisk_info.json", "/ari/asterisk/info"),
        ("asterisk_ping.json", "/ari/asterisk/ping"),
        ("module_get.json", "/ari/asterisk/modules/res_pjsip_outbound_registration.so"),
        ("endpoint_get.json", "/ari/endpoints/PJSIP/dograh_127_0_0_1_5070_12611"),
        ("endpoints_list.json", "/ari/endpoints/PJSIP"),
    ])
    func jsonBodyMatchesRecording(fixture: String, path: String) async throws {
        try await withDoubles { ari, _, _ in
            let body = try AsteriskFixtures.text(fixture)
            let answered = try await Self.rawHTTP(ari, method: "GET", path: path)
            let expectedHead = "HTTP/1.1 200 OK\r\nServer: Asterisk/22.10.1\r\nDate: <date>\r\nCache-Control: no-cache, no-store\r\n"
                + "Content-type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            #expect(Self.normalisingDate(answered) == expectedHead + body)
        }
    }

    @Test func registeredListingMatchesRecording() async throws {
        try await withDoubles { _, ami, _ in
            let recorded = try Self.amiRecording("ami_show_registrations.txt")
            let client = try await RawTCPClient.connect(port: ami.port)
            // As recorded: Login without ActionID and with events off, then the listing as r1.
            try await client.send("Action: Login\r\nUsername: \(Secrets.amiUser)\r\nSecret: \(Secrets.amiSecret)\r\nEvents: off\r\n\r\n")
            try await client.send("Action: PJSIPShowRegistrationsOutbound\r\nActionID: r1\r\n\r\n")
            let answered = try await client.read(count: recorded.count)
            await client.close()
            #expect(String(decoding: answered, as: UTF8.self) == String(decoding: recorded, as: UTF8.self))
        }
    }

    @Test func rejectedCaptureMatchesRecording() async throws {
        let state = AsteriskDoubleState(registrations: [.recorded(status: "Rejected", password: "wrong")])
        try await withDoubles(state: state) { _, ami, _ in
            let recorded = try Self.amiRecording("ami_registry_rejected.txt")
            let client = try await RawTCPClient.connect(port: ami.port)
            try await client.send("Action: Login\r\nUsername: \(Secrets.amiUser)\r\nSecret: \(Secrets.amiSecret)\r\nEvents: on\r\n\r\n")
            let loginPart = AMIDoubleRenderer.banner + AMIDoubleRenderer.response("Success", actionID: nil, message: "Authentication accepted")
                + AMIDoubleRenderer.fullyBooted
            _ = try await client.read(count: loginPart.utf8.count)
            ami.pushReload(module: "res_pjsip_outbound_registration.so")
            ami.pushPeerStatus(endpoint: "dograh_127_0_0_1_5070_12611", status: "Reachable")
            ami.pushContactStatus(
                uri: "sip:127.0.0.1:5070", status: "Reachable", aor: "dograh_127_0_0_1_5070_12611",
                endpoint: "dograh_127_0_0_1_5070_12611", roundtripUsec: 2662
            )
            ami.pushRegistry(clientURI: "sip:12611@127.0.0.1:5070", serverURI: "sip:127.0.0.1:5070", status: "Rejected")
            let pushed = AMIDoubleRenderer.reload(module: "res_pjsip_outbound_registration.so")
                + AMIDoubleRenderer.peerStatus(endpoint: "dograh_127_0_0_1_5070_12611", status: "Reachable")
                + AMIDoubleRenderer.contactStatus(uri: "sip:127.0.0.1:5070", status: "Reachable", aor: "dograh_127_0_0_1_5070_12611", endpoint: "dograh_127_0_0_1_5070_12611", roundtripUsec: 2662)
                + AMIDoubleRenderer.registry(clientURI: "sip:12611@127.0.0.1:5070", serverURI: "sip:127.0.0.1:5070", status: "Rejected")
            let events = try await client.read(count: pushed.utf8.count)
            try await client.send("Action: PJSIPShowRegistrationsOutbound\r\nActionID: r2\r\n\r\n")
            let listing = try await client.read(count: recorded.count - loginPart.utf8.count - pushed.utf8.count)
            await client.close()
            let whole = loginPart + String(decoding: events + listing, as: UTF8.self)
            #expect(whole == String(decoding: recorded, as: UTF8.self))
        }
    }

    /// Replays every `>>>` block of the annotated transcript and compares each `<<<` block.
    @Test func miscTranscriptMatchesRecording() async throws {
        let transcript = AMITranscript(annotated: try AsteriskFixtures.text("ami_misc_transcript.txt"))
        #expect(transcript.sections.count == 2)
        let state = AsteriskDoubleState(registrations: [])
        try await withDoubles(state: state) { _, ami, _ in
            for section in transcript.sections {
                let client = try await RawTCPClient.connect(port: ami.port)
                for step in section.steps {
                    switch step {
                    case .client(let bytes):
                        try await client.send(bytes)
                    case .server(let expected):
                        let answered = try await client.read(count: expected.count)
                        let normalise = { (text: String) in text.replacing(/Timestamp: \d+\.\d{6}\r\n/, with: "Timestamp: <t>\r\n") }
                        #expect(
                            normalise(String(decoding: answered, as: UTF8.self)) == normalise(String(decoding: expected, as: UTF8.self)),
                            "\(section.title)"
                        )
                    }
                }
                // Asterisk closes after a failed login and after Logoff.
                _ = try await client.readUntilClosed(timeout: .seconds(2))
                await client.close()
            }
        }
    }

    @Test func eventFramesAreTheRecordedObjects() throws {
        let frames = try AsteriskFixtures.eventFrames()
        let recorded = try AsteriskFixtures.text("ari_events_subscribeall.json")
        for frame in frames {
            #expect(recorded.contains(frame))
            #expect(frame.hasPrefix("{") && frame.hasSuffix("}"))
        }
    }
}
