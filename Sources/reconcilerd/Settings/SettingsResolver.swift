import Foundation

/// Resolves settings in the documented precedence: command-line flag, then environment,
/// then config file, then the built-in default.
struct SettingsResolver: Sendable {
    let flags: [Setting: String]
    let environment: [String: String]
    let file: [String: String]
    let configFile: String?

    init(flags: [Setting: String], environment: [String: String], configFile: String?) throws {
        self.flags = flags
        self.environment = environment
        self.configFile = configFile
        if let configFile {
            file = try ConfigFile.parse(path: configFile)
        } else {
            file = [:]
        }
    }

    func value(_ setting: Setting) -> String? {
        for candidate in [flags[setting], environment[setting.environmentName], file[setting.environmentName]] {
            if let candidate, !candidate.isEmpty || setting.emptyMeansOff { return candidate }
        }
        return setting.defaultValue
    }

    /// Where a setting's value came from, as an error or diagnostic names it: `--interval`,
    /// `RECONCILERD_INTERVAL (environment)`, `RECONCILERD_INTERVAL (config file /etc/…)`.
    func source(_ setting: Setting) -> String {
        func given(_ value: String?) -> Bool { value.map { !$0.isEmpty || setting.emptyMeansOff } ?? false }
        if given(flags[setting]) { return "--\(setting.flag)" }
        if given(environment[setting.environmentName]) { return "\(setting.environmentName) (environment)" }
        if given(file[setting.environmentName]) { return "\(setting.environmentName) (config file \(configFile ?? "?"))" }
        return "\(setting.environmentName) (default)"
    }
}

/// `KEY=value` lines, `#` comments, optional quotes: the same file works as a systemd
/// `EnvironmentFile`.
enum ConfigFile {
    struct Error: Swift.Error, CustomStringConvertible {
        let description: String
    }

    static func parse(path: String) throws -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable as UTF-8 text by this user" : "no such file"
            throw Error(description: "cannot read config file \(path): \(reason)")
        }
        return try parse(text: text, path: path)
    }

    static func parse(text: String, path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        let known = Set(Setting.allCases.map(\.environmentName))
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw Error(description: "\(path):\(number + 1): expected KEY=value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard known.contains(key) else {
                throw Error(description: "\(path):\(number + 1): unknown setting \(key) (known: \(known.sorted().joined(separator: ", ")))")
            }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }
}
