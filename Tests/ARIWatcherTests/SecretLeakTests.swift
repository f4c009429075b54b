import ARIWatcher
import AsteriskDoubles
import Testing

/// One run through every path that handles a credential, with all logs captured at trace
/// level (dependencies included) and every error and value rendered every way Swift can.
@Suite("No secret in logs, errors or values")
struct SecretLeakTests {
    @Test func fullRunLeaksNothing() async throws {
        let logs = LogStore()
        var rendered: [String] = []
        func render(_ value: Any) {
            var dumped = ""
            dump(value, to: &dumped)
            rendered += ["\(value)", String(reflecting: value), dumped]
        }
        let frames = try AsteriskFixtures.eventFrames()
        try await withDoubles { ari, ami, state in
            state.setEventsPerConnection([[frames[0]]])
            let good = ARIClient(configuration: ariConfiguration(ari), logger: logs.logger("ari"))
            let bad = ARIClient(configuration: ariConfiguration(ari, password: Secrets.ariPassword + "x"), logger: logs.logger("ari"))
            render(good.configuration)
            render(try await good.info())
            do { _ = try await bad.info() } catch { render(error) }
            for await element in bad.events(app: "reconcilerd", options: .init(reconnectDelay: { _ in .milliseconds(20) })) {
                render(element)
                if case .disconnected = element { break }
            }
            for await element in good.events(app: "reconcilerd", options: .init(reconnectDelay: { _ in .milliseconds(20) })) {
                render(element)
                if case .event = element { break }
            }

            let amiGood = amiConfiguration(ami, events: true)
            render(amiGood)
            do {
                _ = try await AMIConnection.connect(configuration: amiConfiguration(ami, secret: Secrets.amiSecret + "x"), logger: logs.logger("ami"))
            } catch { render(error) }
            let connection = try await AMIConnection.connect(configuration: amiGood, logger: logs.logger("ami"))
            render(try await connection.outboundRegistrations())
            render(try await connection.send(try AMIAction("PJSIPShowRegistrationsOutbound")))
            do { try await connection.register("dograh_unknown") } catch { render(error) }
            ami.pushRegistry(clientURI: "sip:12611@127.0.0.1:5070", serverURI: "sip:127.0.0.1:5070", status: "Registered")
            for await event in connection.events {
                render(event)
                if case .registry = event { break }
            }
            await connection.logoffAndClose()

            let actuator = Actuator(ari: bad, ami: amiGood, logger: logs.logger("actuator"))
            let report = await actuator.perform([.reloadModule("pbx_config.so"), .register("dograh_unknown"), .unregister("dograh_127_0_0_1_5070_12611")])
            render(report)
            render(await actuator.waitUntilUnregistered(["dograh_127_0_0_1_5070_12611"], timeout: .milliseconds(200), pollInterval: .milliseconds(50)))

            // The secrets really were in play: the doubles saw them.
            #expect(state.amiActions.contains { $0["Secret"] == Secrets.amiSecret })
            #expect(state.ariRequests.contains { $0.authorized })
        }
        #expect(logs.all.count > 20)
        #expect(logs.leaks(of: Secrets.all).isEmpty, "\(logs.leaks(of: Secrets.all))")
        let leakingValues = rendered.filter { text in Secrets.all.contains { text.contains($0) } }
        #expect(leakingValues.isEmpty, "\(leakingValues)")
    }
}
