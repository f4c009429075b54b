import ARAAdapter
import ARIWatcher
import ArgumentParser
import DesiredState
import Foundation
import PGClient
import Reconciler

/// `reconcilerd doctor`: preflight checks, one line each with a fix hint.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check both databases and Asterisk (ARI modules, AMI) before going live; one line per check with a fix hint.",
        discussion: "Exit 0 when every check passes, 1 otherwise.")

    @OptionGroup var options: CommonOptions

    static let modules = [
        "res_pjsip.so", "res_pjsip_outbound_registration.so", "res_sorcery_realtime.so",
        "res_config_pgsql.so", "pbx_realtime.so", "pbx_config.so",
    ]

    func run() async throws {
        let settings: RuntimeSettings
        do { settings = try RuntimeSettings(options: options) } catch { Reconcilerd.fail(error) }
        let logger = LoggingBootstrap.make(settings)
        var checks = DoctorChecks()
        await checks.databases(settings)
        do {
            if let asterisk = try AsteriskSide.make(settings, logger: logger) {
                await checks.asterisk(asterisk)
            } else {
                checks.record("asterisk", false, "ARI_URL and AMI_HOST are not set", fix: "set ARI_URL/ARI_USERNAME/ARI_PASSWORD and AMI_HOST/AMI_USERNAME/AMI_SECRET")
            }
        } catch {
            checks.record("asterisk", false, "\(error)", fix: "complete the ARI_* and AMI_* settings")
        }
        print(checks.lines.joined(separator: "\n"))
        throw ExitCode(checks.allPassed ? 0 : 1)
    }
}

struct DoctorChecks {
    private(set) var lines: [String] = []
    private(set) var allPassed = true

    mutating func record(_ name: String, _ ok: Bool, _ detail: String, fix: String = "") {
        allPassed = allPassed && ok
        lines.append((ok ? "ok    " : "FAIL  ") + name + ": " + detail + (ok || fix.isEmpty ? "" : " — fix: " + fix))
    }

    mutating func databases(_ settings: RuntimeSettings) async {
        do {
            let target = try settings.connectionString(.dograhDSN)
            let connection = try await settings.connect(.dograhDSN)
            let schema = try await DograhSchema.read(connection)
            if let problem = schema.problem {
                record("dograh schema", false, problem,
                       fix: "upgrade Dograh (its migrations: alembic upgrade head) to \(DograhSchema.requiredMigration) or later, or point DATABASE_URL at Dograh's database")
                return await araDatabase(settings)
            }
            record("dograh schema", true, schema.summary)
            let records = try await DograhReader(connection: connection).records()
            record("dograh database", true, "\(target.redacted): \(records.count) three_cx configuration(s) readable")
        } catch {
            record("dograh database", false, "\(error)", fix: "check DATABASE_URL and GRANT SELECT ON telephony_configurations to its role")
        }
        await araDatabase(settings)
    }

    private mutating func araDatabase(_ settings: RuntimeSettings) async {
        do {
            let target = try settings.connectionString(.araDSN)
            let connection = try await settings.connect(.araDSN)
            let store = try ARAStore(connection: connection, names: settings.names)
            let owned = try await store.readOwned()
            record("ara database", true, "\(target.redacted): \(owned.count) owned row(s) readable")
            let support = try await ServerSupport.read(connection)
            if let problem = support.problem {
                record("ara server", false, problem, fix: "run the ARA database on PostgreSQL 11 or later (little-endian, as on x86-64 and arm64)")
            } else {
                record("ara server", true, support.summary)
            }
            do {
                try await Self.probeWrites(connection, names: settings.names)
                record("ara write access", true, "INSERT, UPDATE and DELETE work on every owned table (probe rolled back)")
            } catch {
                record("ara write access", false, "\(error)", fix: "GRANT SELECT, INSERT, UPDATE, DELETE on the ps_* tables, extensions and \(settings.names.configTable) (config/asterisk/ara-grants.sql)")
            }
        } catch {
            record("ara database", false, "\(error)", fix: "check ASTERISK_ARA_DSN and that the ARA schema and \(settings.names.configTable) exist")
        }
    }

    /// Writes one probe row per table and rolls everything back.
    static func probeWrites(_ connection: PGConnection, names: ARANames) async throws {
        guard let configTable = SQLIdentifier(names.configTable) else { throw ARAError.invalidTableName(names.configTable) }
        let probe = "dograh_doctor_probe"
        do {
            try await connection.transaction { connection in
                for table in ["ps_auths", "ps_aors", "ps_endpoints", "ps_registrations"] {
                    try connection.query(SQLQuery(unsafeSQL: "INSERT INTO \(table) (id) VALUES ($1)", binds: [probe]))
                    try connection.query(SQLQuery(unsafeSQL: "UPDATE \(table) SET id = id WHERE id = $1", binds: [probe]))
                    try connection.query(SQLQuery(unsafeSQL: "DELETE FROM \(table) WHERE id = $1", binds: [probe]))
                }
                try connection.query(SQLQuery(unsafeSQL: "INSERT INTO extensions (context, exten, priority, app, appdata) VALUES ($1, '1', 1, 'NoOp', '')", binds: [probe]))
                try connection.query(SQLQuery(unsafeSQL: "DELETE FROM extensions WHERE context = $1", binds: [probe]))
                try connection.query(SQLQuery(unsafeSQL: "INSERT INTO \(configTable.quoted) (filename, category, var_name, var_val) VALUES ($1, $1, 'switch', 'x')", binds: [probe]))
                try connection.query(SQLQuery(unsafeSQL: "DELETE FROM \(configTable.quoted) WHERE filename = $1", binds: [probe]))
                throw ProbeDone()
            }
        } catch is ProbeDone {
            return
        }
    }

    private struct ProbeDone: Error {}

    mutating func asterisk(_ asterisk: AsteriskSide) async {
        do {
            let info = try await asterisk.ari.info()
            record("ari", true, "Asterisk \(info.system?.version ?? "?") answers at \(asterisk.ari.configuration.baseURL)")
            for module in DoctorCommand.modules {
                do {
                    let state = try await asterisk.ari.module(module)
                    let running = state.status == "Running"
                    record("module \(module)", running, state.status ?? "unknown", fix: "load it (modules.conf: load => \(module)) and check extconfig.conf / sorcery.conf")
                } catch {
                    record("module \(module)", false, "\(error)", fix: "load it (modules.conf: load => \(module))")
                }
            }
        } catch {
            record("ari", false, "\(error)", fix: "check ARI_URL, ARI_USERNAME, ARI_PASSWORD and ari.conf / http.conf")
        }
        switch await asterisk.observe() {
        case .observed(let live):
            record("ami", true, "logged in; \(live.registrations.count) outbound registration(s) listed")
        default:
            record("ami", false, "cannot log in or list registrations", fix: "check AMI_HOST, AMI_PORT, AMI_USERNAME, AMI_SECRET and manager.conf (read/write = system,reporting)")
        }
    }
}
