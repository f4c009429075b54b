import Reconciler
import ARIWatcher
import AsteriskDoubles
import Testing

@Suite("ARI REST client against the ARI double")
struct ARIClientTests {
    @Test func infoAndPingDecodeTheRecordedBodies() async throws {
        let logs = LogStore()
        try await withDoubles { ari, _, _ in
            let client = ARIClient(configuration: ariConfiguration(ari), logger: logs.logger())
            let info = try await client.info()
            #expect(info.version == "22.10.1")
            #expect(info.system?.entityID == "02:fc:00:00:00:01")
            #expect(info.status?.lastReloadTime == "2026-11-27T04:02:36.809+0000")
            let ping = try await client.ping()
            #expect(ping.ping == "pong")
            #expect(ping.asteriskID == "02:fc:00:00:00:01")
        }
        #expect(logs.leaks(of: Secrets.all).isEmpty)
    }

    @Test func moduleGet() async throws {
        try await withDoubles { ari, _, _ in
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            let module = try await client.module("res_pjsip_outbound_registration.so")
            #expect(module.name == "res_pjsip_outbound_registration.so")
            #expect(module.useCount == 1)
            #expect(module.status == "Running")
            let error = await #expect(throws: ARIError.self) { try await client.module("res_nope.so") }
            #expect(error?.status == 404)
            #expect(error?.ariMessage == "Module could not be found in running modules")
        }
    }

    @Test func reload204SendsExactlyOnePut() async throws {
        try await withDoubles { ari, _, state in
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            try await client.reloadModule("pbx_config.so")
            let puts = state.ariRequests.filter { $0.method == "PUT" }
            #expect(puts.map(\.path) == ["/ari/asterisk/modules/pbx_config.so"])
        }
    }

    @Test func reloadOfUnloadedModuleIsTypedError() async throws {
        try await withDoubles { ari, _, _ in
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            let error = await #expect(throws: ARIError.self) { try await client.reloadModule("res_not_loaded.so") }
            #expect(error == .moduleNotLoaded(module: "res_not_loaded.so", message: "Module not found in running modules"))
            #expect(error?.status == 404)
        }
    }

    @Test func reload409IsRetriedUntil204() async throws {
        try await withDoubles { ari, _, state in
            state.failNextReloads(2)
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            try await client.reloadModule("res_pjsip_outbound_registration.so")
            #expect(state.ariRequests.filter { $0.method == "PUT" }.count == 3)
        }
    }

    @Test func reload409IsRetriedABoundedNumberOfTimes() async throws {
        try await withDoubles { ari, _, state in
            state.failNextReloads(100)
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            let error = await #expect(throws: ARIError.self) { try await client.reloadModule("pbx_config.so") }
            #expect(error == .reloadConflict(module: "pbx_config.so", attempts: fastRetry.maxAttempts, message: "Another reload is currently in progress"))
            #expect(state.ariRequests.filter { $0.method == "PUT" }.count == fastRetry.maxAttempts)
        }
    }

    @Test func retryBackoffIsExponentialAndCapped() {
        let policy = ARIRetryPolicy(maxAttempts: 6, backoff: Backoff(base: .milliseconds(250), cap: .seconds(1), jitter: 0))
        #expect((1...5).map(policy.delay(beforeRetry:)) == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(1), .seconds(1)])
    }

    @Test func wrongPasswordIs401WithMessageAndNoSecret() async throws {
        let logs = LogStore()
        try await withDoubles { ari, _, _ in
            let client = ARIClient(configuration: ariConfiguration(ari, password: "wrong-Pw-123"), logger: logs.logger())
            let error = await #expect(throws: ARIError.self) { try await client.info() }
            #expect(error?.status == 401)
            #expect(error?.ariMessage == "Authentication required")
            let text = "\(error!) \(String(reflecting: error!))"
            #expect(text.contains("401"))
            #expect(!text.contains("wrong-Pw-123"))
            #expect(logs.leaks(of: ["wrong-Pw-123"]).isEmpty)
        }
    }

    @Test func endpointNotRetrievedYetIsNil() async throws {
        try await withDoubles { ari, _, _ in
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            #expect(try await client.endpoint("dograh_not_yet_12611") == nil)
            let endpoint = try #require(try await client.endpoint("dograh_127_0_0_1_5070_12611"))
            #expect(endpoint.state == "offline")
            #expect(endpoint.channelIDs.isEmpty)
        }
    }

    @Test func endpointsListDecodesChannelIDs() async throws {
        try await withDoubles { ari, _, state in
            state.setEndpoint(
                DoubleEndpoint(resource: "dograh_127_0_0_1_5070_12611", state: "online", channelIDs: ["1795752212.10"]),
                resource: "dograh_127_0_0_1_5070_12611"
            )
            state.setEndpoint(DoubleEndpoint(resource: "dograh_b_1"), resource: "dograh_b_1")
            let client = ARIClient(configuration: ariConfiguration(ari), logger: LogStore().logger())
            let endpoints = try await client.endpoints()
            #expect(endpoints == [
                ARIEndpoint(technology: "PJSIP", resource: "dograh_127_0_0_1_5070_12611", state: "online", channelIDs: ["1795752212.10"]),
                ARIEndpoint(technology: "PJSIP", resource: "dograh_b_1", state: "offline", channelIDs: []),
            ])
            #expect(endpoints[0].hasActiveChannels)
        }
    }

    @Test func requestTimesOutAgainstServerThatNeverAnswers() async throws {
        try await withDoubles { ari, _, state in
            state.ariMode = .hang
            // Long enough for the request to reach the double on a loaded machine.
            let client = ARIClient(configuration: ariConfiguration(ari, timeout: .seconds(1)), logger: LogStore().logger())
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: ARIError.self) { try await client.ping() }
            #expect(clock.now - start < .seconds(5))
            guard case .timeout(let method, let path, _) = error else {
                Issue.record("expected timeout, got \(String(describing: error))")
                return
            }
            #expect(method == "GET" && path == "/ari/asterisk/ping")
            #expect(state.ariRequests.count == 1)
        }
    }

    @Test func refusedConnectionIsTransportErrorWithoutSecret() async throws {
        let port = try await closedPort()
        let configuration = ARIConfiguration(baseURL: "http://127.0.0.1:\(port)", username: "u", password: Secrets.ariPassword, requestTimeout: .seconds(2))
        let logs = LogStore()
        let client = ARIClient(configuration: configuration, logger: logs.logger())
        let error = await #expect(throws: ARIError.self) { try await client.ping() }
        guard case .transport = error else {
            Issue.record("expected transport error, got \(String(describing: error))")
            return
        }
        #expect(!"\(error!)".contains(Secrets.ariPassword))
        #expect(logs.leaks(of: Secrets.all).isEmpty)
    }

    @Test func configurationNeverShowsThePassword() {
        let configuration = ARIConfiguration(baseURL: "http://admin:s3cr3t-url@asterisk.internal:8088/", username: "", password: "")
        #expect(configuration.baseURL == "http://asterisk.internal:8088")
        #expect(configuration.username == "admin")
        #expect(configuration.password == "s3cr3t-url")
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [configuration.description, configuration.debugDescription, "\(configuration)", String(reflecting: configuration), dumped] {
            #expect(!text.contains("s3cr3t-url"))
        }
        let explicit = ARIConfiguration(baseURL: "http://127.0.0.1:8088", username: "reconcilerd", password: Secrets.ariPassword)
        #expect(!"\(explicit)".contains(Secrets.ariPassword))
    }
}
