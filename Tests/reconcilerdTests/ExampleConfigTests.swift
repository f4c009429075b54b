import ArgumentParser
import Foundation
import Testing
@testable import reconcilerd

/// `config/reconcilerd.example.conf` documents every setting, and `Setting` is the one
/// table they come from. These tests fail as soon as the two drift apart: a setting added
/// to `Setting` without its line in the example file (or without its flag), a key left in
/// the file after its setting was removed or renamed, a default changed in one place only.
/// Nothing here lists the settings by hand: everything is derived from `Setting.allCases`.
@Suite("config/reconcilerd.example.conf and --help stay in step with Setting")
struct ExampleConfigTests {
    /// The repository root, found from this file's path (Tests/reconcilerdTests/<this file>).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
    static let relativePath = "config/reconcilerd.example.conf"
    static let examplePath = repositoryRoot.appendingPathComponent(relativePath).path

    /// One `KEY=value` line of the example file, active or commented out (`#KEY=`), with
    /// the comment lines directly above it.
    struct Entry {
        let key: String
        let value: String
        let commented: Bool
        let line: Int
        let comment: [String]
    }

    /// Lines that look like settings: `KEY=value` or `#KEY=value` (no space after `#`).
    /// Prose comments start with `# `, so they never count as settings.
    static func entries(in text: String) -> [Entry] {
        var entries: [Entry] = []
        var comment: [String] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                comment = []
                continue
            }
            let commented = line.hasPrefix("#")
            let body = commented ? String(line.dropFirst()) : line
            if let equals = body.firstIndex(of: "="), isKey(body[..<equals]) {
                entries.append(Entry(key: String(body[..<equals]), value: unquoted(String(body[body.index(after: equals)...])),
                                     commented: commented, line: index + 1, comment: comment))
                comment = []
            } else if commented {
                comment.append(line)
            }
        }
        return entries
    }

    static func isKey(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// The value as `ConfigFile` reads it: trimmed, one pair of matching quotes removed.
    static func unquoted(_ raw: String) -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            return String(value.dropFirst().dropLast())
        }
        return value
    }

    func exampleText() throws -> String {
        do {
            return try String(contentsOfFile: Self.examplePath, encoding: .utf8)
        } catch {
            Issue.record("cannot read \(Self.examplePath): \(error)")
            throw error
        }
    }

    /// Settings whose line must stay commented out: no default to show, or a secret.
    static func isCommentedOut(_ setting: Setting) -> Bool {
        setting.isSecret || setting.defaultValue == nil
    }

    static func expectedLine(_ setting: Setting) -> String {
        isCommentedOut(setting) ? "#\(setting.environmentName)=" : "\(setting.environmentName)=\(setting.defaultValue!)"
    }

    @Test("every setting appears exactly once, as KEY=default, or as #KEY= when it has no default or is a secret")
    func everySettingOnce() throws {
        let entries = Self.entries(in: try exampleText())
        for setting in Setting.allCases {
            let key = setting.environmentName
            let matches = entries.filter { $0.key == key }
            guard matches.count == 1, let entry = matches.first else {
                Issue.record("""
                    \(Self.relativePath) must have exactly one line for \(key) (--\(setting.flag)); found \(matches.count) \
                    (lines \(matches.map(\.line))). Add `\(Self.expectedLine(setting))` with a comment above it \
                    giving --\(setting.flag), the default and what it does.
                    """)
                continue
            }
            if Self.isCommentedOut(setting) {
                #expect(entry.commented && entry.value.isEmpty, """
                    \(Self.relativePath):\(entry.line): \(key) has \(setting.isSecret ? "a secret value" : "no default"); \
                    write it as `#\(key)=` (commented out, empty) and put any example in the comment above it
                    """)
            } else {
                #expect(!entry.commented && entry.value == setting.defaultValue, """
                    \(Self.relativePath):\(entry.line): expected `\(Self.expectedLine(setting))` (the default in Setting), \
                    found `\(entry.commented ? "#" : "")\(key)=\(entry.value)`
                    """)
            }
        }
    }

    @Test("the file names no key that is not a setting")
    func noUnknownKeys() throws {
        let known = Set(Setting.allCases.map(\.environmentName))
        let entries = Self.entries(in: try exampleText())
        #expect(!entries.isEmpty, "\(Self.relativePath) has no KEY=value lines at all")
        for entry in entries where !known.contains(entry.key) {
            Issue.record("""
                \(Self.relativePath):\(entry.line): \(entry.key) is not a setting (known: \(known.sorted().joined(separator: ", "))); \
                remove the line or add the setting to Setting
                """)
        }
    }

    @Test("the comment above each setting names its flag and its default")
    func commentsNameFlagAndDefault() throws {
        let entries = Self.entries(in: try exampleText())
        for setting in Setting.allCases {
            guard let entry = entries.first(where: { $0.key == setting.environmentName }) else { continue }  // reported above
            let comment = entry.comment.joined(separator: "\n")
            #expect(Self.containsFlag(comment, setting.flag),
                    "\(Self.relativePath):\(entry.line): the comment above \(setting.environmentName) must name --\(setting.flag)")
            let stated = "(default: \(setting.defaultValue ?? "none")"
            #expect(comment.contains(stated),
                    "\(Self.relativePath):\(entry.line): the comment above \(setting.environmentName) must say \(stated)...)")
            #expect(entry.comment.count >= 2,
                    "\(Self.relativePath):\(entry.line): the comment above \(setting.environmentName) must also say what it does")
        }
    }

    @Test("ConfigFile.parse accepts the example file as shipped, and reads exactly the defaults from it")
    func configFileParsesExample() throws {
        let values = try ConfigFile.parse(path: Self.examplePath)
        var expected: [String: String] = [:]
        for setting in Setting.allCases where !Self.isCommentedOut(setting) {
            expected[setting.environmentName] = setting.defaultValue
        }
        #expect(values == expected)
    }

    @Test("reconcilerd --help names every setting's flag and environment variable")
    func helpListsEverySetting() {
        let help = Reconcilerd.helpMessage()
        // Environment names never contain spaces, so line wrapping cannot split them; flags likewise.
        for setting in Setting.allCases {
            #expect(Self.containsFlag(help, setting.flag), "reconcilerd --help does not list --\(setting.flag)")
            #expect(help.contains(setting.environmentName), "reconcilerd --help does not name \(setting.environmentName) (for --\(setting.flag))")
        }
    }

    @Test("each setting's --flag is an option that sets exactly that setting")
    func flagsMapToSettings() {
        for setting in Setting.allCases {
            // Typed options (durations, fixed choices) accept only their own values: their default is one.
            let value = setting.defaultValue ?? "value-of-\(setting.rawValue)"
            let withValue = Result { try CommonOptions.parse(["--\(setting.flag)", value]) }
            if case .success(let options) = withValue {
                #expect(options.flagValues == [setting: value],
                        "--\(setting.flag) must set Setting.\(setting.rawValue) (and nothing else) in CommonOptions.flagValues; got \(options.flagValues)")
            } else if let options = try? CommonOptions.parse(["--\(setting.flag)"]) {
                // A flag without a value (e.g. --allow-mass-delete): it must set this setting alone.
                #expect(Set(options.flagValues.keys) == [setting],
                        "--\(setting.flag) must set Setting.\(setting.rawValue) (and nothing else) in CommonOptions.flagValues; got \(options.flagValues)")
            } else if case .failure(let error) = withValue {
                Issue.record("--\(setting.flag) (Setting.\(setting.rawValue)) is not accepted by CommonOptions: add an @Option or @Flag for it and its flagValues entry (\(CommonOptions.message(for: error)))")
            }
        }
    }

    /// `--name` as a whole option, not as the prefix of a longer one (`--config` vs `--config-table`).
    static func containsFlag(_ text: String, _ flag: String) -> Bool {
        var rest = text[...]
        let needle = "--" + flag
        while let range = rest.firstRange(of: needle) {
            let next = rest[range.upperBound...].first
            if next.map({ !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) ?? true { return true }
            rest = rest[range.upperBound...]
        }
        return false
    }
}
