@testable import ARIWatcher
import AsteriskDoubles
import Testing

@Suite("AMI session state machine")
struct AMIStateMachineTests {
    static func message(_ pairs: KeyValuePairs<String, String>) -> AMIMessage {
        AMIMessage(headers: pairs.map { .init(name: $0.key, value: $0.value) })
    }

    @Test func bannerLoginSuccess() {
        var machine = AMIStateMachine(username: "reconcilerd")
        #expect(machine.bannerReceived("Asterisk Call Manager/11.0.0") == .sendLogin(actionID: "rcd-1"))
        #expect(machine.messageReceived(Self.message(["Response": "Success", "ActionID": "rcd-1", "Message": "Authentication accepted"]))
            == .loginSucceeded(banner: "Asterisk Call Manager/11.0.0"))
        #expect(machine.state == .ready)
    }

    @Test func loginFailureNamesTheUser() {
        var machine = AMIStateMachine(username: "reconcilerd")
        _ = machine.bannerReceived("Asterisk Call Manager/11.0.0")
        #expect(machine.messageReceived(Self.message(["Response": "Error", "ActionID": "rcd-1", "Message": "Authentication failed"]))
            == .loginFailed(.authenticationFailed(username: "reconcilerd", message: "Authentication failed")))
        #expect(machine.state == .closed)
    }

    @Test func wrongBanner() {
        var machine = AMIStateMachine(username: "u")
        #expect(machine.bannerReceived("SSH-2.0-OpenSSH") == .loginFailed(.unexpectedBanner("SSH-2.0-OpenSSH")))
    }

    @Test func actionsBeforeLoginAreRejected() throws {
        var machine = AMIStateMachine(username: "u")
        #expect(machine.sendRequested(try AMIAction("Ping")) == .rejectAction(.notLoggedIn))
    }

    /// The recorded Rejected capture through parser and machine: events interleaved with
    /// the login answer and the listing, and the list collected by ActionID.
    @Test func recordedRejectedTranscript() throws {
        var machine = AMIStateMachine(username: "reconcilerd", actionIDPrefix: "r")
        var parser = AMIFrameParser()
        var actions: [AMIStateMachine.Action] = []
        let listing = try AMIAction("PJSIPShowRegistrationsOutbound")
        for byte in try AsteriskFixtures.bytes("ami_registry_rejected.txt") {
            for frame in try parser.parse([byte]) {
                switch frame {
                case .banner(let line): actions.append(machine.bannerReceived(line))
                case .message(let message):
                    let action = machine.messageReceived(message)
                    actions.append(action)
                    if case .loginSucceeded = action { actions.append(machine.sendRequested(listing)) }
                }
            }
        }
        let significant = actions.filter { $0 != .none }
        #expect(significant.count == 9)
        #expect(significant[0] == .sendLogin(actionID: "r1"))
        #expect(significant[1] == .loginSucceeded(banner: "Asterisk Call Manager/11.0.0"))
        #expect(significant[2] == .sendAction(actionID: "r2", listing))
        let delivered = significant.compactMap { if case .deliverEvent(let m) = $0 { m.event } else { nil } }
        #expect(delivered == ["FullyBooted", "Reload", "PeerStatus", "ContactStatus", "Registry"])
        guard case .succeedAction(let id, let response) = significant.last else {
            Issue.record("listing not completed: \(significant)")
            return
        }
        #expect(id == "r2")
        let rows = try AMIOutboundRegistration.parseListing(response)
        #expect(rows == [AMIOutboundRegistration(
            id: "dograh_127_0_0_1_5070_12611", status: .rejected, clientURI: "sip:12611@127.0.0.1:5070", serverURI: "sip:127.0.0.1:5070", nextReg: 0
        )])
    }

    @Test func timedOutActionIgnoresLateAnswerAndItsEvents() throws {
        var machine = AMIStateMachine(username: "u")
        _ = machine.bannerReceived("Asterisk Call Manager/11.0.0")
        _ = machine.messageReceived(Self.message(["Response": "Success", "ActionID": "rcd-1"]))
        #expect(machine.sendRequested(try AMIAction("PJSIPShowRegistrationsOutbound")) != .none)
        #expect(machine.actionTimedOut("rcd-2", after: .seconds(1)) == .failAction(actionID: "rcd-2", .actionTimeout(action: "PJSIPShowRegistrationsOutbound", after: .seconds(1))))
        #expect(machine.messageReceived(Self.message(["Response": "Success", "ActionID": "rcd-2", "EventList": "start"])) == .none)
        #expect(machine.messageReceived(Self.message(["Event": "OutboundRegistrationDetail", "ActionID": "rcd-2"])) == .none)
        #expect(machine.actionTimedOut("rcd-2", after: .seconds(1)) == .none)
    }

    @Test func closeFailsEveryPendingAction() throws {
        var machine = AMIStateMachine(username: "u")
        _ = machine.bannerReceived("Asterisk Call Manager/11.0.0")
        _ = machine.messageReceived(Self.message(["Response": "Success", "ActionID": "rcd-1"]))
        _ = machine.sendRequested(try AMIAction("Ping"))
        _ = machine.sendRequested(try AMIAction("PJSIPRegister", headers: [("Registration", "x")]))
        #expect(machine.connectionClosed() == .failAllAndClose(actionIDs: ["rcd-2", "rcd-3"], .connectionClosed))
        #expect(machine.sendRequested(try AMIAction("Ping")) == .rejectAction(.connectionClosed))
    }

    @Test func listingCountsAreChecked() throws {
        let detail = Self.message(["Event": "OutboundRegistrationDetail", "ObjectName": "a", "Status": "Registered"])
        let noState = Self.message(["Event": "OutboundRegistrationDetail", "ObjectName": "b"])
        let response = Self.message(["Response": "Success", "EventList": "start"])
        let good = AMIResponse(
            message: response, events: [detail, noState],
            completion: Self.message(["Event": "OutboundRegistrationDetailComplete", "ListItems": "1", "Registered": "1", "NotRegistered": "0"])
        )
        #expect(try AMIOutboundRegistration.parseListing(good).map(\.status) == [.registered, nil])
        let bad = AMIResponse(
            message: response, events: [detail],
            completion: Self.message(["Event": "OutboundRegistrationDetailComplete", "ListItems": "2", "Registered": "2", "NotRegistered": "0"])
        )
        #expect(throws: AMIError.listCountMismatch(
            expected: AMIListCounts(listItems: 2, registered: 2, notRegistered: 0),
            received: AMIListCounts(listItems: 1, registered: 1, notRegistered: 0)
        )) { try AMIOutboundRegistration.parseListing(bad) }
    }

    @Test func actionEncodingAndInjectionGuard() throws {
        let login = try AMIAction("Login", headers: [("Username", "reconcilerd"), ("Secret", "ami-secret"), ("Events", "off")])
        #expect(String(decoding: login.encoded(actionID: "a1"), as: UTF8.self)
            == "Action: Login\r\nActionID: a1\r\nUsername: reconcilerd\r\nSecret: ami-secret\r\nEvents: off\r\n\r\n")
        #expect(!login.description.contains("ami-secret"))
        #expect(throws: AMIError.self) { try AMIAction("PJSIPRegister", headers: [("Registration", "x\r\nAction: Logoff")]) }
    }
}
