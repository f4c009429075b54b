/// Races `operation` against a timer. Only suitable for operations that honour task
/// cancellation (AsyncHTTPClient does); NIO futures do not, so the AMI side schedules
/// its timeouts on the event loop instead.
func withTimeout<T: Sendable>(
    _ timeout: Duration,
    onTimeout makeError: @escaping @Sendable () -> any Error,
    operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw makeError()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}
