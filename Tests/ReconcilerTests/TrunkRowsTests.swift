import Testing
@testable import Reconciler

@Suite("Trunk → ARA rows (DOMAIN.md verified row set)")
struct TrunkRowsTests {
    let id = "dograh_1156_3cx_cloud_12611"

    @Test("the DOMAIN.md example gives exactly the verified rows, column by column")
    func domainExample() {
        let rows = TrunkRows.rows(for: Fixtures.trunk())
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ($0.key, $0) })
        #expect(rows.count == 9)

        #expect(byKey[RowKey(table: .psAuths, parts: [id])]?.values == ["userpass", "12611", "sip-secret-1"])
        #expect(byKey[RowKey(table: .psAors, parts: [id])]?.values == ["sip:1156.3cx.cloud", "1", "60"])
        let endpoint = byKey[RowKey(table: .psEndpoints, parts: [id])]
        #expect(endpoint?.value("outbound_auth") == id)
        #expect(endpoint?.value("auth") == nil, "auth must stay empty or Asterisk challenges 3CX's INVITEs")
        #expect(endpoint?.values == ["transport-udp", id, nil, id, "\(id)-inbound", "all", "ulaw,alaw", "1156.3cx.cloud", "12611"])
        #expect(byKey[RowKey(table: .psRegistrations, parts: [id])]?.values == [
            "transport-udp", id, "sip:1156.3cx.cloud", "sip:12611@1156.3cx.cloud", "12611", "300", "60", "yes", id,
            "10000", "yes", "0", "0", "2",
        ])
        #expect(byKey[RowKey(table: .extensions, parts: ["\(id)-outbound", "_+39X.", "1"])]?.values
            == ["Dial", "PJSIP/${EXTEN:3}@\(id),60"])
        #expect(byKey[RowKey(table: .extensions, parts: ["\(id)-inbound", "12611", "1"])]?.values
            == ["Stasis", "dograh,inbound,\(id)"])
        #expect(byKey[RowKey(table: .extensions, parts: ["\(id)-inbound", "_X.", "1"])]?.values
            == ["Stasis", "dograh,inbound,\(id)"])
        #expect(byKey[RowKey(table: .dialplanContexts, parts: ["\(id)-inbound", "switch"])]?.values
            == ["Realtime/\(id)-inbound@extensions", "0", "0", "0"])
        #expect(byKey[RowKey(table: .dialplanContexts, parts: ["\(id)-outbound", "switch"])]?.values
            == ["Realtime/\(id)-outbound@extensions", "0", "0", "0"])
    }

    @Test("auth_username replaces the extension only in ps_auths.username")
    func authUsername() {
        let rows = TrunkRows.rows(for: Fixtures.trunk(authUsername: "x7Kp"))
        #expect(rows.first { $0.table == .psAuths }?.value("username") == "x7Kp")
        #expect(rows.first { $0.table == .psEndpoints }?.value("from_user") == "12611")
        #expect(rows.first { $0.table == .psRegistrations }?.value("contact_user") == "12611")
    }

    @Test("an empty strip prefix routes + numbers too, with nothing stripped")
    func emptyPrefix() {
        let outbound = TrunkRows.rows(for: Fixtures.trunk(stripPrefix: "")).filter { $0.key.parts[0].hasSuffix("-outbound") && $0.table == .extensions }
        #expect(outbound.map(\.key.parts) == [["\(id)-outbound", "_[+0-9].", "1"]])
        #expect(outbound.first?.value("appdata") == "PJSIP/${EXTEN}@\(id),60")
    }

    @Test("; and ^ are written as ^3B and ^5E in every ps_* and dialplan value")
    func escaping() {
        let rows = TrunkRows.rows(for: Fixtures.trunk(password: "a;b^c", authUsername: "u;1", transport: "t^x"))
        #expect(rows.first { $0.table == .psAuths }?.value("password") == "a^3Bb^5Ec")
        #expect(rows.first { $0.table == .psAuths }?.value("username") == "u^3B1")
        #expect(rows.first { $0.table == .psEndpoints }?.value("transport") == "t^5Ex")
        #expect(AsteriskEscaping.escape("sip:host;transport=tcp") == "sip:host^3Btransport=tcp")
        #expect(AsteriskEscaping.escape("plain") == "plain")
        #expect(AsteriskEscaping.storedLength("a;b") == 5)
    }

    @Test("booleans are written as yes/no")
    func booleans() {
        let registration = TrunkRows.rows(for: Fixtures.trunk()).first { $0.table == .psRegistrations }
        #expect(registration?.value("line") == "yes")
    }

    @Test("a row's description masks the password")
    func rowDescriptionMasksSecret() {
        let auth = TrunkRows.rows(for: Fixtures.trunk(password: "hunter2-secret")).first { $0.table == .psAuths }!
        #expect(!auth.description.contains("hunter2-secret"))
        #expect(!String(reflecting: auth).contains("hunter2-secret"))
        #expect(!"\(Secret("hunter2-secret"))".contains("hunter2"))
    }
}
