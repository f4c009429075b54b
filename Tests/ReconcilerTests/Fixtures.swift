import Reconciler

enum Fixtures {
    static let ref = ConfigurationRef(id: 1, organizationID: 7, name: "Milan")

    static func trunk(
        id: Int = 1, organization: Int = 7, domain: String = "1156.3cx.cloud", ext: String = "12611",
        password: String = "sip-secret-1", authUsername: String? = nil, appName: String = "dograh",
        transport: String = "transport-udp", stripPrefix: String = "^\\+39"
    ) -> Trunk {
        let slug = domain.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        return Trunk(
            configuration: ConfigurationRef(id: id, organizationID: organization, name: "config \(id)"),
            endpointID: "dograh_\(slug)_\(ext)", sipDomain: domain, extensionNumber: ext,
            authUsername: authUsername ?? ext, sipPassword: Secret(password), appName: appName, transport: transport,
            stripPrefix: stripPrefix, dialRoutes: try! StripPrefix.routes(for: stripPrefix))
    }

    static func snapshot(_ trunks: Trunk..., skipped: [SkippedConfiguration] = []) -> DesiredSnapshot {
        DesiredSnapshot(trunks: trunks, skipped: skipped)
    }

    /// What the database would hold after applying `trunks` perfectly.
    static func rows(_ trunks: Trunk...) -> [Row] {
        trunks.flatMap { TrunkRows.rows(for: $0) }
    }

    static func row(_ table: ARATable, _ parts: [String], _ values: [String?]) -> Row {
        Row(key: RowKey(table: table, parts: parts), values: values)
    }
}

extension Array where Element == Row {
    func replacing(_ table: ARATable, id: String, column: String, with value: String?) -> [Row] {
        map { row in
            guard row.table == table, row.key.parts[0] == id, let index = table.managedColumns.firstIndex(of: column) else { return row }
            var values = row.values
            values[index] = value
            return Row(key: row.key, values: values)
        }
    }
}
