/// Maps a trunk to the exact ARA row set verified on Asterisk 22 (DOMAIN.md §3).
public enum TrunkRows {
    public static func rows(for trunk: Trunk, names: ARANames = ARANames()) -> [Row] {
        let id = trunk.endpointID
        let domain = trunk.sipDomain
        let ext = trunk.extensionNumber
        let e = AsteriskEscaping.escape
        var rows: [Row] = [
            Row(key: RowKey(table: .psAuths, parts: [id]),
                values: ["userpass", e(trunk.authUsername), e(trunk.sipPassword.exposed)]),
            // Without `contact` outbound Dial fails ("Could not create dialog to invalid URI").
            Row(key: RowKey(table: .psAors, parts: [id]),
                values: [e("sip:\(domain)"), "1", "60"]),
            Row(key: RowKey(table: .psEndpoints, parts: [id]),
                values: [e(trunk.transport), id, nil, id, trunk.inboundContext, "all", "ulaw,alaw", e(domain), e(ext)]),
            // `line` + `endpoint` is what matches 3CX's calls to this endpoint; identify by
            // auth_username never does (verified).
            Row(key: RowKey(table: .psRegistrations, parts: [id]),
                values: [e(trunk.transport), id, e("sip:\(domain)"), e("sip:\(ext)@\(domain)"), e(ext), "300", "60", "yes", id]),
        ]
        for route in trunk.dialRoutes {
            let number = route.skip == 0 ? "${EXTEN}" : "${EXTEN:\(route.skip)}"
            rows.append(Row(key: RowKey(table: .extensions, parts: [trunk.outboundContext, route.pattern, "1"]),
                            values: ["Dial", e("PJSIP/\(number)@\(id),60")]))
        }
        let stasis = e("\(trunk.appName),inbound,\(id)")
        rows.append(Row(key: RowKey(table: .extensions, parts: [trunk.inboundContext, e(ext), "1"]), values: ["Stasis", stasis]))
        rows.append(Row(key: RowKey(table: .extensions, parts: [trunk.inboundContext, "_X.", "1"]), values: ["Stasis", stasis]))
        // A realtime switch is consulted only for contexts that exist in the static
        // dialplan; these rows define them in the included static-realtime file.
        for context in [trunk.inboundContext, trunk.outboundContext] {
            rows.append(Row(key: RowKey(table: .dialplanContexts, parts: [context, "switch"]),
                            values: ["Realtime/\(context)@extensions", "0", "0", "0"]))
        }
        return rows
    }
}
