import Reconciler
import ARIWatcher
import AsteriskDoubles
import Foundation

/// Credentials used against the doubles; tests assert none of them leaks.
enum Secrets {
    static let ariUser = "reconcilerd"
    static let ariPassword = "ari-pa55-Xq7"
    static let amiUser = "reconcilerd"
    static let amiSecret = "ami-secret"
    static let sipSecret = "sip-secret"

    /// Everything that must never appear in a log line or error text.
    static var all: [String] {
        [ariPassword, amiSecret, sipSecret, Data("\(ariUser):\(ariPassword)".utf8).base64EncodedString()]
    }
}

/// Fast retries so the suite stays quick.
let fastRetry = ARIRetryPolicy(maxAttempts: 4, backoff: Backoff(base: .milliseconds(10), cap: .milliseconds(40), jitter: 0))

func ariConfiguration(_ double: ARIDouble, password: String = Secrets.ariPassword, timeout: Duration = .seconds(5)) -> ARIConfiguration {
    ARIConfiguration(baseURL: double.baseURL, username: Secrets.ariUser, password: password, requestTimeout: timeout, reloadRetry: fastRetry)
}

func amiConfiguration(_ double: AMIDouble, secret: String = Secrets.amiSecret, events: Bool = false) -> AMIConfiguration {
    AMIConfiguration(
        host: "127.0.0.1",
        port: double.port,
        username: Secrets.amiUser,
        secret: secret,
        events: events,
        connectTimeout: .seconds(2),
        loginTimeout: .seconds(2),
        actionTimeout: .seconds(2)
    )
}

/// Starts both doubles over one shared state and always shuts them down.
func withDoubles<T>(
    state: AsteriskDoubleState = AsteriskDoubleState(),
    _ body: (ARIDouble, AMIDouble, AsteriskDoubleState) async throws -> T
) async throws -> T {
    try await withAsteriskDoubles(state: state, ariUsername: Secrets.ariUser, ariPassword: Secrets.ariPassword,
                                  amiUsername: Secrets.amiUser, amiSecret: Secrets.amiSecret) { ari, ami in
        try await body(ari, ami, state)
    }
}

/// A loopback port with nothing listening (bound, then closed).
func closedPort() async throws -> Int {
    let double = try await AMIDouble.start(secret: "unused")
    let port = double.port
    await double.shutdown()
    return port
}

/// Waits until `condition` holds, polling; false on timeout.
func eventually(timeout: Duration = .seconds(3), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
