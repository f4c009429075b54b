import Logging
import Synchronization

/// Installs the process-wide log handler once, as the settings ask.
enum LoggingBootstrap {
    private static let done = Mutex(false)

    static func make(_ settings: RuntimeSettings) -> Logger {
        let format = settings.logFormat, level = settings.logLevel
        done.withLock { done in
            guard !done else { return }
            LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: format, level: level) }
            done = true
        }
        return Logger(label: "reconcilerd")
    }
}
