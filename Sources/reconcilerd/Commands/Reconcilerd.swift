import ArgumentParser
import Foundation
import Logging
import Reconciler

@main
struct Reconcilerd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcilerd",
        abstract: "Keeps Asterisk's realtime SIP trunks in step with Dograh's 3CX telephony configurations.",
        discussion: """
            reconcilerd reads every three_cx configuration from Dograh's database, computes the Asterisk \
            Realtime (ARA) rows they need and applies the difference. It only touches ps_* rows whose id \
            starts with dograh_, extensions rows whose context starts with dograh_, and its own rows of the \
            static-realtime config table.

            Settings come from flags, then the environment, then the config file (--config), then defaults.

            Without --once, reconcilerd runs as a daemon: it polls Dograh every --interval, runs a full \
            diff at least every --resync and on Asterisk events, applies (or only reports, --mode observe), \
            logs drift alerts and serves /status, /status.json, /metrics, /healthz and /readyz on --listen.

            Exit codes with --once: 0 in sync (or applied), 2 changes pending (dry run), 1 error; 64 usage error.
            """,
        // The Debian package's version too: scripts/package-deb.sh reads it back from --version.
        version: "0.1.0",
        subcommands: [MigrateCommand.self, StatusCommand.self, DoctorCommand.self]
    )

    @OptionGroup var options: CommonOptions

    @Flag(help: "Run one cycle and exit. Without --apply this is a dry run that prints the plan.")
    var once = false

    @Flag(help: "With --once: apply the plan in one transaction and print what was done.")
    var apply = false

    @Option(name: .customLong("plan-detail-limit"),
            help: ArgumentHelp("With --once: a text plan of more configurations shows the row changes per table and only the first this many in full.", valueName: "count"))
    var planDetailLimit = PlanTextLayout.defaultLimit

    @Flag(help: "With --once: the whole text plan, however large (--output json is always complete).")
    var detail = false

    @Flag(help: .hidden)
    var stats = false

    func validate() throws {
        if apply && !once {
            throw ValidationError("--apply only goes with --once (the daemon always applies)")
        }
        if planDetailLimit < 0 {
            throw ValidationError("--plan-detail-limit must be 0 or more")
        }
    }

    func run() async throws {
        let settings: RuntimeSettings
        do {
            settings = try RuntimeSettings(options: options)
        } catch {
            Self.fail(error)
        }
        let logger = LoggingBootstrap.make(settings)
        do {
            // Settings a run cannot do without are usage errors (64) before anything starts.
            _ = try settings.connectionString(.dograhDSN)
            _ = try settings.connectionString(.araDSN)
            _ = try AsteriskSide.checkSettings(settings)
        } catch {
            Self.fail(error)
        }
        guard once else {
            do {
                try await Daemon(settings: settings, logger: logger).run()
                return
            } catch {
                Self.fail(error)
            }
        }
        let code = await OnceRun(settings: settings, apply: apply, printStats: stats, detailLimit: planDetailLimit, detail: detail, logger: logger).run()
        throw ExitCode(code)
    }

    /// Exit 64 for a usage error (a bad or missing setting, an unreadable config file), else 1.
    static func fail(_ error: any Error) -> Never {
        FileHandle.standardError.write(Data("reconcilerd: error: \(error)\n".utf8))
        Foundation.exit(error is UsageError || error is ConfigFile.Error ? ExitCode.validationFailure.rawValue : 1)
    }
}

/// A command that could not do its work for a reason other than its settings (exit 1).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
