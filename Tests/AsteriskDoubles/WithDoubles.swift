/// Runs `body` with an ARI and an AMI double sharing `state`, and shuts both down after it,
/// whether it returns or throws (and the ARI double too when the AMI one fails to start).
public func withAsteriskDoubles<T>(
    state: AsteriskDoubleState = AsteriskDoubleState(),
    ariUsername: String = "reconcilerd", ariPassword: String,
    amiUsername: String = "reconcilerd", amiSecret: String,
    _ body: (ARIDouble, AMIDouble) async throws -> T
) async throws -> T {
    let ari = try await ARIDouble.start(state: state, username: ariUsername, password: ariPassword)
    let ami: AMIDouble
    do {
        ami = try await AMIDouble.start(state: state, username: amiUsername, secret: amiSecret)
    } catch {
        await ari.shutdown()
        throw error
    }
    do {
        let result = try await body(ari, ami)
        await ari.shutdown()
        await ami.shutdown()
        return result
    } catch {
        await ari.shutdown()
        await ami.shutdown()
        throw error
    }
}
