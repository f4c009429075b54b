import ARIWatcher
import AsteriskDoubles
import Foundation
import Reconciler
import Testing

@Suite("ARI events WebSocket")
struct ARIEventStreamTests {
    static let quickReconnect = ARIEventStreamOptions(reconnectDelay: { _ in .milliseconds(50) }, handshakeTimeout: .seconds(2))

    @Test func receivesTheRecordedEvents() async throws {
        let logs = LogStore()
        let frames = try AsteriskFixtures.eventFrames()
        #expect(frames.count == 7)
        try await withDoubles { ari, _, state in
            state.setEventsPerConnection([frames])
            let client = ARIClient(configuration: ariConfiguration(ari), logger: logs.logger())
            var events: [ARIEvent] = []
            var sawConnected = false
            for await element in client.events(app: "reconcilerd", options: Self.quickReconnect) {
                switch element {
                case .connected: sawConnected = true
                case .event(let event): events.append(event)
                case .disconnected(let error): Issue.record("unexpected disconnect: \(error)")
                }
                if events.count == frames.count { break }
            }
            #expect(sawConnected)
            #expect(events.map(\.type) == [
                .channelCreated, .channelVarset, .channelDialplan, .channelVarset, .channelVarset, .channelHangupRequest, .channelDestroyed,
            ])
            let first = try #require(events.first)
            #expect(first.timestamp == "2026-11-27T04:03:32.647+0000")
            #expect(first.application == "reconcilerd")
            #expect(first.channel?.id == "1795752212.10")
            #expect(first.channel?.endpoint?.technology == "PJSIP")
            #expect(first.channel?.endpoint?.resource == "dograh_127_0_0_1_5070_12611")
            let upgrade = try #require(state.ariRequests.first { $0.path == "/ari/events" })
            #expect(upgrade.query == "app=reconcilerd&subscribeAll=true")
            #expect(upgrade.headers["sec-websocket-protocol"] == "ari")
        }
        #expect(logs.leaks(of: Secrets.all).isEmpty)
    }

    @Test func reconnectsAfterTheServerDropsTheConnection() async throws {
        let frames = try AsteriskFixtures.eventFrames()
        try await withDoubles { ari, _, state in
            state.setEventsPerConnection([[frames[0]], [frames[6]]])
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            var log: [String] = []
            for await element in client.events(app: "reconcilerd", options: Self.quickReconnect) {
                switch element {
                case .connected: log.append("connected")
                case .event(let event):
                    log.append(event.type.rawValue)
                    if event.type == .channelCreated { await ari.dropWebSockets() }
                case .disconnected: log.append("disconnected")
                }
                if log.last == "ChannelDestroyed" { break }
            }
            #expect(log == ["connected", "ChannelCreated", "disconnected", "connected", "ChannelDestroyed"])
            #expect(state.webSocketConnections == 2)
        }
    }

    @Test func endsWhenTheConsumerIsCancelled() async throws {
        try await withDoubles { ari, _, _ in
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            let consumer = Task {
                var count = 0
                for await _ in client.events(app: "reconcilerd", options: Self.quickReconnect) { count += 1 }
                return count
            }
            #expect(await eventually { ari.openWebSockets == 1 })
            consumer.cancel()
            _ = await consumer.value
            // Cancellation closes the WebSocket: no producer is left behind.
            #expect(await eventually { ari.openWebSockets == 0 })
        }
    }

    @Test func authenticationFailureIsReportedAndRetried() async throws {
        let logs = LogStore()
        try await withDoubles { ari, _, state in
            let client = ARIClient(configuration: ariConfiguration(ari, password: "bad-Pw-987"), logger: logs.logger())
            var errors: [ARIError] = []
            for await element in client.events(app: "reconcilerd", options: Self.quickReconnect) {
                if case .disconnected(let error) = element { errors.append(error) }
                if errors.count == 2 { break }
            }
            #expect(errors.allSatisfy { $0.status == 401 && $0.ariMessage == "Authentication required" })
            #expect(state.webSocketConnections == 0)
        }
        #expect(logs.leaks(of: ["bad-Pw-987"]).isEmpty)
    }

    @Test func silentServerIsBoundedByTheRequestTimeout() async throws {
        try await withDoubles { ari, _, state in
            state.ariMode = .hang
            let client = ARIClient(configuration: ariConfiguration(ari, timeout: .milliseconds(200)), logger: LogStore().logger())
            let error = await Self.firstDisconnect(client)
            guard case .timeout(_, let path, _) = error else {
                Issue.record("expected timeout, got \(String(describing: error))")
                return
            }
            #expect(path == "/ari/asterisk/ping")
        }
    }

    /// WSClient has no handshake timeout of its own: the stream's watchdog must end an
    /// upgrade that the server accepts and never answers.
    @Test func stalledUpgradeIsBoundedByTheHandshakeTimeout() async throws {
        try await withDoubles { ari, _, state in
            state.ariMode = .stallWebSocketUpgrades
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            let clock = ContinuousClock()
            let start = clock.now
            let options = ARIEventStreamOptions(reconnectDelay: { _ in .milliseconds(50) }, handshakeTimeout: .milliseconds(300))
            let error = await Self.firstDisconnect(client, options: options)
            #expect(error == .timeout(method: "GET", path: "/ari/events", after: .milliseconds(300)))
            #expect(clock.now - start < .seconds(3))
        }
    }

    static func firstDisconnect(_ client: ARIClient, options: ARIEventStreamOptions = quickReconnect) async -> ARIError? {
        for await element in client.events(app: "reconcilerd", options: options) {
            if case .disconnected(let error) = element { return error }
        }
        return nil
    }

    @Test func reconnectDelayTable() {
        let table = (0...9).map { Backoff.ariReconnect.delay(attempt: max($0, 1)) }
        #expect(table == [
            .milliseconds(500), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
            .seconds(30), .seconds(30), .seconds(30),
        ])
        for _ in 0..<100 {
            let delay = ARIEventStream.defaultReconnectDelay(failedAttempts: 5)
            #expect(delay >= .seconds(6.4) && delay <= .seconds(9.6))
        }
    }

    @Test func unknownEventTypesAreKept() throws {
        let event = try ARIEvent.decode(json: #"{"type":"BrandNewThing","timestamp":"2026-11-27T04:03:32.647+0100","application":"x"}"#)
        #expect(event.type == .other("BrandNewThing"))
        #expect(event.type.rawValue == "BrandNewThing")
        #expect(event.date == Date(timeIntervalSince1970: 1_795_748_612.647))
        #expect(ARIEventType(rawValue: "EndpointStateChange") == .endpointStateChange)
    }

    @Test func endpointStateChangeCarriesChannelIDs() throws {
        let json = #"{"type":"EndpointStateChange","timestamp":"2026-11-27T04:03:32.647+0000","endpoint":{"technology":"PJSIP","resource":"dograh_x","state":"online","channel_ids":["1.2"]}}"#
        let event = try ARIEvent.decode(json: json)
        #expect(event.endpoint == ARIEndpoint(technology: "PJSIP", resource: "dograh_x", state: "online", channelIDs: ["1.2"]))
    }
}
