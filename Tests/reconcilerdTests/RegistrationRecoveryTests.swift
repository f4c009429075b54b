import AsteriskDoubles
import Foundation
import Testing
import TestSupport

/// Rule 3 against the doubles: a rejected registration is reported within the grace plus
/// one interval, and re-registered by the daemon on a backoff until it registers.
@Suite("Daemon: registration failures are reported in time and healed")
struct RegistrationRecoveryTests {
    static let id = "dograh_1156_3cx_cloud_12611"

    @Test("Rejected: registration.failed after the grace; PJSIPRegister with growing gaps; reset once Registered")
    func rejectedIsReRegistered() async throws {
        try await TestDatabases.with { databases in
            try await AsteriskHarness.with(databases) { asterisk in
                let admin = try await databases.adminDograh()
                try await DograhFixtures.insert(admin, name: "Milan", credentials: DograhFixtures.credentials())
                let env = asterisk.environment(databases).merging([
                    "RECONCILERD_INTERVAL": "500ms", "RECONCILERD_LISTEN": "", "RECONCILERD_LOG_LEVEL": "debug",
                    "RECONCILERD_REGISTRATION_GRACE": "2s", "RECONCILERD_REREGISTER_AFTER": "1s",
                ]) { $1 }
                let daemon = try RunningReconcilerd([], environment: env)
                defer { _ = daemon }
                #expect(await daemon.waitFor { asterisk.state.liveRegistrations.contains { $0.id == Self.id && $0.status == "Registered" } },
                        "\(daemon.output)")

                // 3CX starts rejecting the trunk; Asterisk would now give it up for good.
                asterisk.state.setRegisterOutcome(Self.id, status: "Rejected")
                asterisk.state.setLiveStatus(Self.id, status: "Rejected")
                let rejectedAt = ContinuousClock.now
                asterisk.ami.pushRegistry(clientURI: "sip:12611@1156.3cx.cloud", serverURI: "sip:1156.3cx.cloud", status: "Rejected")
                #expect(await daemon.waitFor(timeout: .seconds(10)) { daemon.count("event=registration.failed") >= 1 }, "\(daemon.output)")
                let reported = ContinuousClock.now - rejectedAt
                // grace 2 s + interval 0.5 s, plus the scheduling slack of a loaded machine.
                #expect(reported < .seconds(5), "registration.failed came \(reported) after the rejection")
                #expect(reported >= .seconds(2), "not before the grace")

                #expect(await daemon.waitFor(timeout: .seconds(15)) { asterisk.registers.filter { $0 == Self.id }.count >= 3 }, "\(daemon.output)")
                #expect(daemon.count("event=registration.retry") >= 3)

                // 3CX accepts again: the next PJSIPRegister succeeds and the backoff ends.
                asterisk.state.setRegisterOutcome(Self.id, status: "Registered")
                #expect(await daemon.waitFor(timeout: .seconds(15)) {
                    asterisk.state.liveRegistrations.contains { $0.id == Self.id && $0.status == "Registered" }
                })
                #expect(await daemon.waitFor(timeout: .seconds(25)) { daemon.count("event=drift.resolved") >= 1 }, "\(daemon.output.split(separator: "\n").filter { !$0.contains("level=debug") || $0.contains("PJSIP") }.suffix(40).joined(separator: "\n"))")
                let registersAfter = asterisk.registers.count
                try await Task.sleep(for: .seconds(5))
                #expect(asterisk.registers.count == registersAfter, "no PJSIPRegister once the trunk is registered")
                #expect(await daemon.stop() == 0)
            }
        }
    }
}
