@testable import ARIWatcher
import AsteriskDoubles
import Testing

@Suite("AMI framing transcripts")
struct AMIFrameParserTests {
    static func parseAll(_ bytes: [UInt8], chunk: Int) throws -> [AMIFrameParser.Frame] {
        var parser = AMIFrameParser()
        var frames: [AMIFrameParser.Frame] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            frames += try parser.parse(bytes[offset..<end])
            offset = end
        }
        return frames
    }

    static func messages(_ frames: [AMIFrameParser.Frame]) -> [AMIMessage] {
        frames.compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    static func assertNoSecret(_ frames: [AMIFrameParser.Frame], _ secrets: [String]) {
        for frame in frames {
            let text: String
            switch frame {
            case .banner(let banner): text = banner
            case .message(let message):
                text = message.description
                #expect(message["Password"] == nil)
            }
            for secret in secrets { #expect(!text.contains(secret)) }
        }
    }

    @Test func registeredListingCompleteFrames() throws {
        let frames = try Self.parseAll(try AsteriskFixtures.bytes("ami_show_registrations.txt"), chunk: .max)
        #expect(frames.first == .banner("Asterisk Call Manager/11.0.0"))
        let messages = Self.messages(frames)
        #expect(messages.map { $0.event ?? "Response: \($0.response!)" } == [
            "Response: Success", "Response: Success", "OutboundRegistrationDetail", "OutboundRegistrationDetailComplete",
        ])
        #expect(!messages.contains { $0.event == "AuthDetail" })
        #expect(messages[2]["ObjectName"] == "dograh_127_0_0_1_5070_12611")
        #expect(messages[2]["Status"] == "Registered")
        #expect(messages[2]["ContactHeaderParams"] == "")
        Self.assertNoSecret(frames, [Secrets.sipSecret])
    }

    @Test(arguments: [1, 2, 3, 5, 7, 13, 64])
    func partialReadsGiveTheSameFrames(chunk: Int) throws {
        for name in ["ami_show_registrations.txt", "ami_registry_rejected.txt"] {
            let bytes = try AsteriskFixtures.bytes(name)
            let whole = try Self.parseAll(bytes, chunk: .max)
            let split = try Self.parseAll(bytes, chunk: chunk)
            #expect(split == whole, "\(name) in \(chunk)-byte reads")
            Self.assertNoSecret(split, [Secrets.sipSecret, "Password: wrong"])
        }
    }

    @Test func interleavedEventsAndResponses() throws {
        let frames = try Self.parseAll(try AsteriskFixtures.bytes("ami_registry_rejected.txt"), chunk: 1)
        let messages = Self.messages(frames)
        #expect(messages.map { $0.event ?? "Response" } == [
            "Response", "FullyBooted", "Reload", "PeerStatus", "ContactStatus", "Registry", "Response",
            "OutboundRegistrationDetail", "OutboundRegistrationDetailComplete",
        ])
        #expect(messages[5]["Username"] == "sip:12611@127.0.0.1:5070")
        #expect(messages[5]["Domain"] == "sip:127.0.0.1:5070")
        #expect(messages[7]["Status"] == "Rejected")
        // AuthDetail of this capture carries `Password: wrong`.
        #expect(!messages.contains { $0.description.contains("wrong") })
    }

    @Test func bareLineFeedBeforeCRLF() throws {
        let transcript = AMITranscript(annotated: try AsteriskFixtures.text("ami_misc_transcript.txt"))
        let server = transcript.sections[1].steps.compactMap { if case .server(let bytes) = $0 { bytes } else { nil } }
        #expect(server[2].suffix(5) == Array("y\n\r\n\r\n".utf8).suffix(5))
        for chunk in [1, 4, .max] {
            let frames = try Self.parseAll(server.flatMap { $0 }, chunk: chunk)
            let messages = Self.messages(frames)
            #expect(messages.count == 7)
            #expect(messages[1]["Message"] == "Unable to retrieve registration entry")
            #expect(messages[1].headers.count == 3)
            #expect(messages[2].actionID == "a3")
            #expect(messages[5]["Ping"] == "Pong")
            #expect(messages[6].response == "Goodbye")
        }
    }

    @Test func authDetailDroppedWhereverItsEventLineIs() throws {
        var parser = AMIFrameParser(expectBanner: false)
        let text = "ActionID: x\r\nPassword: sip-secret\r\nEvent: AuthDetail\r\nUsername: 1\r\n\r\n"
            + "Event: Other\r\nSecret: sip-secret\r\nKeep: yes\n\n"
        let frames = try parser.parse(Array(text.utf8))
        #expect(frames == [.message(AMIMessage(headers: [.init(name: "Event", value: "Other"), .init(name: "Keep", value: "yes")]))])
    }

    @Test func unknownKeysAndNonHeaderLinesAreTolerated() throws {
        var parser = AMIFrameParser(expectBanner: false)
        let frames = try parser.parse(Array("Response: Success\r\nSomething New: 1\r\nno colon here\r\n\r\n".utf8))
        let message = try #require(Self.messages(frames).first)
        #expect(message["something new"] == "1")
        #expect(message.headers.count == 2)
    }

    @Test func overlongLineIsAProtocolViolation() {
        var parser = AMIFrameParser(expectBanner: false, maximumLineLength: 16)
        #expect(throws: AMIError.self) { try parser.parse(Array(repeating: UInt8(ascii: "a"), count: 40)) }
    }
}
