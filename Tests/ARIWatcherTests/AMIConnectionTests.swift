import ARIWatcher
import AsteriskDoubles
import Testing

@Suite("AMI client against the AMI double")
struct AMIConnectionTests {
    @Test func loginPingLogoff() async throws {
        let logs = LogStore()
        try await withDoubles { _, ami, state in
            let connection = try await AMIConnection.connect(configuration: amiConfiguration(ami), logger: logs.logger())
            #expect(connection.banner == "Asterisk Call Manager/11.0.0")
            let timestamp = try await connection.ping()
            #expect(timestamp?.contains(".") == true)
            try await connection.logoff()
            await connection.close()
            let login = try #require(state.amiActions.first)
            #expect(login.name == "Login")
            #expect(login["Events"] == "off")
            #expect(login["ActionID"] != nil)
            #expect(state.amiActions.map(\.name) == ["Login", "Ping", "Logoff"])
        }
        #expect(logs.leaks(of: Secrets.all).isEmpty)
    }

    @Test func failedLoginNamesUserNotSecret() async throws {
        let logs = LogStore()
        try await withDoubles { _, ami, _ in
            let error = await #expect(throws: AMIError.self) {
                try await AMIConnection.connect(configuration: amiConfiguration(ami, secret: "wrong-s3cret"), logger: logs.logger())
            }
            #expect(error == .authenticationFailed(username: Secrets.amiUser, message: "Authentication failed"))
            #expect("\(error!)".contains(Secrets.amiUser))
            #expect(!"\(error!)".contains("wrong-s3cret"))
        }
        #expect(logs.leaks(of: ["wrong-s3cret"]).isEmpty)
    }

    @Test func registeredListing() async throws {
        try await withDoubles { _, ami, _ in
            try await AMIConnection.withConnection(configuration: amiConfiguration(ami), logger: LogStore().logger()) { connection in
                let rows = try await connection.outboundRegistrations()
                #expect(rows == [AMIOutboundRegistration(
                    id: "dograh_127_0_0_1_5070_12611", status: .registered, clientURI: "sip:12611@127.0.0.1:5070",
                    serverURI: "sip:127.0.0.1:5070", nextReg: 0
                )])
                #expect(!"\(rows)".contains(Secrets.sipSecret))
            }
        }
    }

    @Test func rejectedAndStatelessRowsInOneByteChunks() async throws {
        var second = DoubleRegistration.recorded(status: nil)
        second.id = "dograh_other_1"
        let state = AsteriskDoubleState(registrations: [.recorded(status: "Rejected", password: "wrong"), second])
        try await withDoubles(state: state) { _, ami, state in
            state.setAMIChunkSize(1)
            try await AMIConnection.withConnection(configuration: amiConfiguration(ami), logger: LogStore().logger()) { connection in
                let rows = try await connection.outboundRegistrations()
                #expect(rows.map(\.id) == ["dograh_127_0_0_1_5070_12611", "dograh_other_1"])
                #expect(rows.map(\.status) == [.rejected, nil])
            }
        }
    }

    @Test func countMismatchIsTypedError() async throws {
        try await withDoubles { _, ami, state in
            state.overrideNextListCounts(listItems: 2, registered: 2, notRegistered: 0)
            try await AMIConnection.withConnection(configuration: amiConfiguration(ami), logger: LogStore().logger()) { connection in
                let error = await #expect(throws: AMIError.self) { try await connection.outboundRegistrations() }
                #expect(error == .listCountMismatch(
                    expected: AMIListCounts(listItems: 2, registered: 2, notRegistered: 0),
                    received: AMIListCounts(listItems: 1, registered: 1, notRegistered: 0)
                ))
                // The session stays usable after the bad listing.
                try await connection.ping()
            }
        }
    }

    @Test func registerAndUnregister() async throws {
        let state = AsteriskDoubleState(registrations: [.recorded(status: "Rejected")])
        try await withDoubles(state: state) { _, ami, state in
            try await AMIConnection.withConnection(configuration: amiConfiguration(ami), logger: LogStore().logger()) { connection in
                try await connection.register("dograh_127_0_0_1_5070_12611")
                #expect(state.liveRegistrations.first?.status == "Registered")
                try await connection.unregister("dograh_127_0_0_1_5070_12611")
                #expect(state.liveRegistrations.first?.status == "Unregistered")
                await #expect(throws: AMIError.unknownRegistration("dograh_does_not_exist")) {
                    try await connection.register("dograh_does_not_exist")
                }
                await #expect(throws: AMIError.unknownRegistration("dograh_does_not_exist")) {
                    try await connection.unregister("dograh_does_not_exist")
                }
                let register = try #require(state.amiActions.first { $0.name == "PJSIPRegister" })
                #expect(register["Registration"] == "dograh_127_0_0_1_5070_12611")
            }
        }
    }

    @Test func unsolicitedEventsMapBackToIDs() async throws {
        let logs = LogStore()
        try await withDoubles { _, ami, _ in
            let lookup: AMIRegistrationLookup = { client, server in
                client == "sip:12611@127.0.0.1:5070" && server == "sip:127.0.0.1:5070" ? "dograh_127_0_0_1_5070_12611" : nil
            }
            let connection = try await AMIConnection.connect(
                configuration: amiConfiguration(ami, events: true), logger: logs.logger(), registrationLookup: lookup
            )
            ami.pushRegistry(clientURI: "sip:12611@127.0.0.1:5070", serverURI: "sip:127.0.0.1:5070", status: "Rejected")
            ami.pushRegistry(clientURI: "sip:9@elsewhere", serverURI: "sip:elsewhere", status: "Registered")
            ami.pushPeerStatus(endpoint: "dograh_127_0_0_1_5070_12611", status: "Reachable")
            ami.pushContactStatus(
                uri: "sip:127.0.0.1:5070", status: "Reachable", aor: "dograh_127_0_0_1_5070_12611",
                endpoint: "dograh_127_0_0_1_5070_12611", roundtripUsec: 2662
            )
            var received: [AMIEvent] = []
            for await event in connection.events {
                if case .other = event { continue }  // FullyBooted after login
                received.append(event)
                if received.count == 4 { break }
            }
            #expect(received == [
                .registry(AMIRegistryEvent(
                    registrationID: "dograh_127_0_0_1_5070_12611", clientURI: "sip:12611@127.0.0.1:5070",
                    serverURI: "sip:127.0.0.1:5070", status: "Rejected", channelType: "PJSIP"
                )),
                .registry(AMIRegistryEvent(registrationID: nil, clientURI: "sip:9@elsewhere", serverURI: "sip:elsewhere", status: "Registered", channelType: "PJSIP")),
                .peerStatus(AMIPeerStatusEvent(peer: "PJSIP/dograh_127_0_0_1_5070_12611", status: "Reachable", channelType: "PJSIP")),
                .contactStatus(AMIContactStatusEvent(
                    aor: "dograh_127_0_0_1_5070_12611", endpointName: "dograh_127_0_0_1_5070_12611", uri: "sip:127.0.0.1:5070",
                    status: "Reachable", roundtripUsec: 2662
                )),
            ])
            if case .peerStatus(let peer) = received[2] { #expect(peer.endpointID == "dograh_127_0_0_1_5070_12611") }
            // Interleaving: an action answered while events flow.
            #expect(try await connection.outboundRegistrations().count == 1)
            await connection.logoffAndClose()
            // The stream ends with the connection.
            for await _ in connection.events {}
        }
        #expect(logs.leaks(of: Secrets.all).isEmpty)
    }

    @Test func connectionCutMidFrameFailsThePendingAction() async throws {
        try await withDoubles { _, ami, state in
            let connection = try await AMIConnection.connect(configuration: amiConfiguration(ami), logger: LogStore().logger())
            state.closeAMIMidFrame()
            await #expect(throws: AMIError.connectionClosed) { try await connection.outboundRegistrations() }
            await #expect(throws: AMIError.connectionClosed) { try await connection.ping() }
        }
    }

    @Test func loginTimesOutWithoutBanner() async throws {
        try await withDoubles { _, ami, state in
            state.amiMode = .silent
            var configuration = amiConfiguration(ami)
            configuration.loginTimeout = .milliseconds(200)
            await #expect(throws: AMIError.loginTimeout(after: .milliseconds(200))) {
                try await AMIConnection.connect(configuration: configuration, logger: LogStore().logger())
            }
        }
    }

    @Test func actionTimesOutWhenNeverAnswered() async throws {
        try await withDoubles { _, ami, state in
            state.amiMode = .ignoreActions
            let connection = try await AMIConnection.connect(configuration: amiConfiguration(ami), logger: LogStore().logger())
            await #expect(throws: AMIError.actionTimeout(action: "Ping", after: .milliseconds(150))) {
                try await connection.send(try AMIAction("Ping"), timeout: .milliseconds(150))
            }
            await connection.close()
        }
    }

    @Test func refusedConnection() async throws {
        let port = try await closedPort()
        let configuration = AMIConfiguration(host: "127.0.0.1", port: port, username: "u", secret: Secrets.amiSecret)
        let error = await #expect(throws: AMIError.self) { try await AMIConnection.connect(configuration: configuration, logger: LogStore().logger()) }
        guard case .connectFailed = error else {
            Issue.record("expected connectFailed, got \(String(describing: error))")
            return
        }
    }

    @Test func configurationNeverShowsTheSecret() {
        let configuration = AMIConfiguration(host: "h", username: "u", secret: Secrets.amiSecret)
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(configuration.port == 5038)
        for text in ["\(configuration)", String(reflecting: configuration), dumped] {
            #expect(!text.contains(Secrets.amiSecret))
        }
    }
}
