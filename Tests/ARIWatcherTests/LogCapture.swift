import Logging
import Synchronization

/// Keeps every log line in memory so tests can assert that no secret is ever logged.
final class LogStore: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    var all: [String] { lines.withLock { $0 } }

    /// A logger at trace level writing here (trace so dependencies' chatter is checked too).
    func logger(_ label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(store: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Lines containing any of `secrets`.
    func leaks(of secrets: [String]) -> [String] {
        all.filter { line in secrets.contains { line.contains($0) } }
    }
}

struct CapturingLogHandler: LogHandler {
    let store: LogStore
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        store.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}
