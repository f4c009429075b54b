/// Maps a trunk to the exact ARA row set verified on Asterisk 22 (DOMAIN.md §3).
public enum TrunkRows {
    public static func rows(for trunk: Trunk, names: ARANames = ARANames()) -> [Row] {
        var collector = RowCollector()
        emit(trunk, names: names, into: &collector)
        return collector.rows
    }

    /// How many rows `emit` gives for `trunk` in each table (indexed by `ARATable.rawValue`),
    /// without building them.
    public static func counts(for trunk: Trunk) -> [Int] {
        [1, 1, 1, 1, trunk.dialRoutes.count + 2, 2]
    }

    /// Hands each of the trunk's rows to `sink` (key parts, then managed values; nil is
    /// NULL). `rows(for:)` collects them; `RowDigest` hashes them without building rows.
    public static func emit(_ trunk: Trunk, names: ARANames = ARANames(), into sink: inout some RowSink) {
        let id = trunk.endpointID
        let domain = trunk.sipDomain
        let ext = trunk.extensionNumber
        let inbound = trunk.inboundContext, outbound = trunk.outboundContext
        let e = AsteriskEscaping.escape
        let contact = e("sip:\(domain)"), escapedExt = e(ext), transport = e(trunk.transport)
        sink.add(.psAuths, [id], ["userpass", e(trunk.authUsername), e(trunk.sipPassword.exposed)])
        // Without `contact` outbound Dial fails ("Could not create dialog to invalid URI").
        sink.add(.psAors, [id], [contact, "1", "60"])
        sink.add(.psEndpoints, [id], [transport, id, nil, id, inbound, "all", "ulaw,alaw", e(domain), escapedExt])
        // `line` + `endpoint` is what matches 3CX's calls to this endpoint; identify by
        // auth_username never does (verified).
        sink.add(.psRegistrations, [id], [transport, id, contact, e("sip:\(ext)@\(domain)"), escapedExt, "300", "60", "yes", id]
                 + RegistrationRetry.columns)
        // Inbound before outbound: key order, so a plan's steps are mostly in place already.
        let stasis = e("\(trunk.appName),inbound,\(id)")
        sink.add(.extensions, [inbound, escapedExt, "1"], ["Stasis", stasis])
        sink.add(.extensions, [inbound, "_X.", "1"], ["Stasis", stasis])
        // Routes by pattern (their order means nothing to Asterisk), for the same reason.
        for route in trunk.dialRoutes.sorted(by: { $0.pattern.utf8.lexicographicallyPrecedes($1.pattern.utf8) }) {
            let number = route.skip == 0 ? "${EXTEN}" : "${EXTEN:\(route.skip)}"
            sink.add(.extensions, [outbound, route.pattern, "1"], ["Dial", e("PJSIP/\(number)@\(id),60")])
        }
        // A realtime switch is consulted only for contexts that exist in the static
        // dialplan; these rows define them in the included static-realtime file.
        for context in [inbound, outbound] {
            sink.add(.dialplanContexts, [context, "switch"], ["Realtime/\(context)@extensions", "0", "0", "0"])
        }
    }
}

/// How Asterisk retries a trunk's registration, set on every `ps_registrations` row rather
/// than left to Asterisk's defaults, which give a trunk up for good (docs/RUNBOOK.md,
/// "Registration retries"):
///
/// - `max_retries` 10000 (default 10): at `retry_interval` 60 s Asterisk keeps trying through
///   an upstream outage of about a week instead of ten minutes.
/// - `auth_rejection_permanent` yes, `forbidden_retry_interval` 0, `fatal_retry_interval` 0
///   (the defaults, pinned): a 401 after credentials, a 403 or another fatal answer stops
///   Asterisk's own retries. Retrying those every minute looks like password guessing to
///   3CX's anti-hacking filter, which blacklists the bridge's address and so every trunk on
///   it; the daemon re-sends `PJSIPRegister` instead, on a slow capped backoff
///   (`Backoff.reRegister`), and at once after the credentials change in Dograh.
/// - `max_random_initial_delay` 2 (default 10): a new or changed registration sends its
///   first REGISTER 0–2 s after the reload instead of 0–10 s (save → Registered is mostly
///   this delay). It still spreads an Asterisk restart's REGISTERs over 2 s: for 10,000
///   trunks about 5,000 a second, mostly to distinct 3CX hosts.
public enum RegistrationRetry {
    /// In `ARATable.psRegistrations.managedColumns` order, after `endpoint`.
    public static let columns: [String?] = ["10000", "yes", "0", "0", "2"]
}

/// Receives rows one at a time: key parts (as many as the table's key columns), then the
/// managed values in `managedColumns` order.
public protocol RowSink {
    mutating func add(_ table: ARATable, _ key: [String], _ values: [String?])
}

/// Collects the rows handed to it.
public struct RowCollector: RowSink {
    public private(set) var rows: [Row] = []

    public init() {}

    public mutating func add(_ table: ARATable, _ key: [String], _ values: [String?]) {
        rows.append(Row(key: RowKey(table: table, parts: key), values: values))
    }
}
