import ARAAdapter
import ArgumentParser
import Foundation
import PGClient

/// `reconcilerd migrate`: creates reconcilerd's own tables in the ARA database. The only
/// DDL reconcilerd ever runs, once, with a role allowed to create tables.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create reconcilerd's tables (reconcilerd_status, reconcilerd_endpoints) in the ARA database (run once, with a role that may create tables).",
        discussion: "reconcilerd_endpoints records the endpoint id each configuration was last provisioned under, so that an edit that breaks a configuration keeps its working trunk. Grants DML on both to the role 'reconcilerd' when that role exists. Safe to run again.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        do {
            let settings = try RuntimeSettings(options: options)
            let target = try settings.connectionString(.araDSN)
            try await StatusTable.migrate(try await settings.connect(.araDSN))
            print("reconcilerd_status and reconcilerd_endpoints are in place in \(target.redacted).")
        } catch {
            Reconcilerd.fail(error)
        }
    }
}

/// `reconcilerd status`: what the daemon last found, per configuration.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print the per-configuration status the daemon keeps in reconcilerd_status (--output json for machines).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        do {
            let settings = try RuntimeSettings(options: options)
            let entries: [StatusTable.Entry]
            do {
                entries = try await StatusTable(connection: try await settings.connect(.araDSN)).read()
            } catch let error as PGError where error.sqlstate == "42P01" {
                throw CommandFailure("reconcilerd_status does not exist yet: run `reconcilerd migrate` once, then start the daemon")
            }
            print(settings.output == .json ? StatusRendering.json(entries) : StatusRendering.table(entries), terminator: "")
        } catch {
            Reconcilerd.fail(error)
        }
    }
}
