import ArgumentParser
import Logging

// The settings with a fixed set of values, and durations, as argument-parser types: a bad
// flag is a usage error (exit 64) listing what is accepted. The same parsing checks the
// environment and the config file in `RuntimeSettings`, so the three sources agree.

extension RuntimeSettings.OutputFormat: ExpressibleByArgument {}
extension RuntimeSettings.Mode: ExpressibleByArgument {}
extension LineLogHandler.Format: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// A duration as operators write it (`DurationParser`), keeping the text for the resolver.
struct DurationArgument: ExpressibleByArgument, Sendable {
    let text: String
    let duration: Duration

    init?(argument: String) {
        guard let duration = DurationParser.parse(argument) else { return nil }
        self.text = argument
        self.duration = duration
    }

    static let accepted = "30, 30s, 500ms, 5m or 1h"
    var defaultValueDescription: String { text }
}
