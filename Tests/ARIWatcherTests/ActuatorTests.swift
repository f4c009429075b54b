import ARIWatcher
import AsteriskDoubles
import Testing

@Suite("Actuator")
struct ActuatorTests {
    static let module = "res_pjsip_outbound_registration.so"
    static let trunk = "dograh_127_0_0_1_5070_12611"

    @Test func duplicateReloadsBecomeOnePut() async throws {
        try await withDoubles { ari, ami, state in
            let logs = LogStore()
            let actuator = Actuator(ari: ARIClient(configuration: ariConfiguration(ari), logger: logs.logger()), ami: amiConfiguration(ami), logger: logs.logger())
            let report = await actuator.perform(Array(repeating: .reloadModule(Self.module), count: 5) + [.reloadModule("pbx_config.so"), .reloadModule(Self.module)])
            #expect(report.allSucceeded)
            #expect(report.succeeded == [.reloadModule(Self.module), .reloadModule("pbx_config.so")])
            let puts = state.ariRequests.filter { $0.method == "PUT" }.map(\.path)
            #expect(puts == ["/ari/asterisk/modules/\(Self.module)", "/ari/asterisk/modules/pbx_config.so"])
            #expect(state.amiActions.isEmpty)
            #expect(logs.leaks(of: Secrets.all).isEmpty)
        }
    }

    @Test func mixedOutcomesKeepFailuresWithTheirErrors() async throws {
        try await withDoubles { ari, ami, state in
            let actuator = Actuator(ari: ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger()), ami: amiConfiguration(ami), logger: LogStore().logger())
            let report = await actuator.perform([.reloadModule("res_absent.so"), .register(Self.trunk), .unregister("dograh_unknown"), .register(Self.trunk)])
            #expect(report.succeeded == [.register(Self.trunk)])
            #expect(report.failedActions == [.reloadModule("res_absent.so"), .unregister("dograh_unknown")])
            #expect(report.failed[0].error as? ARIError == .moduleNotLoaded(module: "res_absent.so", message: "Module not found in running modules"))
            #expect(report.failed[1].error as? AMIError == .unknownRegistration("dograh_unknown"))
            // One AMI session for the whole call, closed with Logoff.
            #expect(state.amiActions.map(\.name) == ["Login", "PJSIPRegister", "PJSIPUnregister", "Logoff"])
        }
    }

    @Test func everythingFailsButNothingIsLostWhenAsteriskIsDown() async throws {
        let ariPort = try await closedPort()
        let amiPort = try await closedPort()
        let logs = LogStore()
        let ari = ARIClient(
            configuration: ARIConfiguration(baseURL: "http://127.0.0.1:\(ariPort)", username: Secrets.ariUser, password: Secrets.ariPassword, requestTimeout: .seconds(2)),
            logger: logs.logger()
        )
        let ami = AMIConfiguration(host: "127.0.0.1", port: amiPort, username: Secrets.amiUser, secret: Secrets.amiSecret, connectTimeout: .seconds(2))
        let actuator = Actuator(ari: ari, ami: ami, logger: logs.logger())
        let actions: [AsteriskAction] = [.reloadModule(Self.module), .register("a"), .unregister("b")]
        let report = await actuator.perform(actions)
        #expect(report.succeeded.isEmpty)
        #expect(report.failedActions == actions)
        #expect(report.failed.allSatisfy { !"\($0)".contains(Secrets.ariPassword) && !"\($0)".contains(Secrets.amiSecret) })
        #expect(logs.leaks(of: Secrets.all).isEmpty)
    }

    /// Two-phase deprovisioning end to end: the row is deleted, the reload over ARI makes
    /// the AMI double drop the registration after a lag, and the wait sees it go.
    @Test func waitUntilUnregisteredAfterReload() async throws {
        try await withDoubles { ari, ami, state in
            let actuator = Actuator(ari: ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger()), ami: amiConfiguration(ami), logger: LogStore().logger())
            state.configureRegistrations([])
            state.setRemovalLag(listings: 2)
            let report = await actuator.perform([.reloadModule(Self.module)])
            #expect(report.allSucceeded)
            let outcome = await actuator.waitUntilUnregistered([Self.trunk], timeout: .seconds(5), pollInterval: .milliseconds(20))
            #expect(outcome == .allUnregistered)
            #expect(state.amiActions.filter { $0.name == "PJSIPShowRegistrationsOutbound" }.count == 3)
            #expect(state.liveRegistrations.isEmpty)
        }
    }

    @Test func waitUntilUnregisteredIsBounded() async throws {
        try await withDoubles { ari, ami, _ in
            let actuator = Actuator(ari: ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger()), ami: amiConfiguration(ami), logger: LogStore().logger())
            let clock = ContinuousClock()
            let start = clock.now
            // Generous enough for the first listing to complete on a loaded two-core machine.
            let outcome = await actuator.waitUntilUnregistered([Self.trunk, "dograh_gone"], timeout: .milliseconds(1500), pollInterval: .milliseconds(50))
            #expect(outcome == .timedOut(stillRegistered: [Self.trunk]))
            #expect(clock.now - start < .seconds(5))
        }
    }

    @Test func waitUntilUnregisteredWithAMIDownTimesOut() async throws {
        let port = try await closedPort()
        let ari = ARIClient(configuration: ARIConfiguration(baseURL: "http://127.0.0.1:1", username: "u", password: "p"), logger: LogStore().logger())
        let actuator = Actuator(ari: ari, ami: AMIConfiguration(host: "127.0.0.1", port: port, username: "u", secret: "s"), logger: LogStore().logger())
        let outcome = await actuator.waitUntilUnregistered(["x"], timeout: .milliseconds(200), pollInterval: .milliseconds(50))
        #expect(outcome == .timedOut(stillRegistered: ["x"]))
    }
}
