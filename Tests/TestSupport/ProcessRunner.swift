import Foundation

/// Runs the built `reconcilerd` binary the way an operator would, with only the
/// environment given (nothing inherited but PATH), and captures its output.
public enum ReconcilerdProcess {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var all: String { stdout + stderr }
    }

    public static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("reconcilerd")
    }

    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> Output {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe, on
        // dispatch threads: a blocking read must not hold a cooperative-pool thread.
        async let stdout = readToEnd(out)
        async let stderr = readToEnd(err)
        let (o, e) = await (stdout, stderr)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { process.terminate() }
            try await Task.sleep(for: .milliseconds(10))
        }
        return Output(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    private static func readToEnd(_ pipe: Pipe) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: pipe.fileHandleForReading.readDataToEndOfFile()) }
        }
    }
}

/// A `reconcilerd` daemon started in the background, with its stderr collected line by line.
public final class RunningReconcilerd: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var buffer = ""

    public init(_ arguments: [String], environment: [String: String]) throws {
        process = Process()
        process.executableURL = ReconcilerdProcess.binary
        process.arguments = arguments
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].merging(environment) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.buffer += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    public var output: String {
        lock.lock()
        defer { lock.unlock() }
        return buffer
    }

    public var lines: [Substring] { output.split(separator: "\n") }

    public func count(_ fragment: String) -> Int { lines.filter { $0.contains(fragment) }.count }

    /// Polls until `condition` holds or `timeout` passes.
    public func waitFor(timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Sends SIGTERM and waits for the exit status (SIGKILL after `timeout`).
    public func stop(timeout: Duration = .seconds(15)) async -> Int32 {
        if process.isRunning { signal(SIGTERM) }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { signal(SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
