import Testing
@testable import Reconciler

@Suite("Rows stored packed: one string per key and per value list")
struct RowPackingTests {
    @Test("values and parts come back as given: NULL, '', non-ASCII, escaped text")
    func roundTrip() {
        let values: [String?] = [nil, "", "Zürich ☎️", "^3B;x", nil, "sip:12611@1156.3cx.cloud", "", "yes", nil, "10000", nil, "0", "", "2"]
        let row = Row(key: RowKey(table: .psRegistrations, parts: ["dograh_a"]), values: values)
        #expect(row.values == values)
        var seen: [String?] = []
        row.forEachValue { index, value in
            #expect(index == seen.count)
            seen.append(value.map { String(decoding: $0, as: UTF8.self) })
        }
        #expect(seen == values)
        let key = RowKey(table: .extensions, parts: ["dograh_a-outbound", "", "1"])
        #expect(key.parts == ["dograh_a-outbound", "", "1"])
        #expect(key.firstPart == "dograh_a-outbound")
        #expect(key.description == "dograh_a-outbound//1")
    }

    @Test("a NULL and '' pack alike but are different rows: the diff rewrites one to the other")
    func nullVersusEmpty() {
        let null = Fixtures.row(.psEndpoints, ["dograh_a"], ["t", "a", nil, "a", "c", "all", "ulaw", "d", "e"])
        let empty = Fixtures.row(.psEndpoints, ["dograh_a"], ["t", "a", "", "a", "c", "all", "ulaw", "d", "e"])
        #expect(null != empty)
        #expect(null.packed == empty.packed)
        #expect(RowComparison.differ(empty, null))
        #expect(RowComparison.changedColumns(empty, null).map(\.canonicalSpelling) == [true])
        #expect(RowComparison.differ(null, Fixtures.row(.psEndpoints, ["dograh_a"], ["t", "a", nil, "a", "c", "all", "ulaw", "d", "f"])))
    }

    @Test("endpoint ids: ps_* ids as they are, contexts without their suffix")
    func endpointIDs() {
        #expect(RowKey(table: .psAuths, parts: ["dograh_a-inbound"]).endpointID == "dograh_a")
        #expect(RowKey(table: .extensions, parts: ["dograh_a-outbound", "_X.", "1"]).endpointID == "dograh_a")
        #expect(RowKey(table: .dialplanContexts, parts: ["dograh_b-inbound", "switch"]).endpointID == "dograh_b")
        #expect(RowKey(table: .extensions, parts: ["dograh_c-inboundx", "_X.", "1"]).endpointID == "dograh_c-inboundx")
        #expect(RowKey(table: .extensions, parts: ["-outbound", "1", "1"]).endpointID == "")
    }

    @Test("key order is table, then the parts one by one, a part sorting before its extensions")
    func ordering() {
        let parts: [[String]] = [["a", "b", "1"], ["a", "", "1"], ["a-x", "b", "1"], ["a", "b", "10"], ["ab", "a", "1"], ["é", "a", "1"], ["e", "z", "1"], ["a", "b", "2"]]
        let keys = parts.map { RowKey(table: .extensions, parts: $0) }
        #expect(keys.sorted().map(\.parts) == parts.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(RowKey(table: .psAuths, parts: ["z"]) < RowKey(table: .extensions, parts: ["a", "a", "1"]))
        // The planner's byte-wise sort agrees, plain ASCII or not.
        let steps = keys.map { PlanStep.create(Row(key: $0, values: ["Dial", "x"])) }
        #expect(Planner.order(Array(steps.reversed())).map(\.key) == keys.sorted())
    }
}

@Suite("RowDigest: what the database's digest is compared with")
struct RowDigestTests {
    let milan = Fixtures.trunk()
    let london = Fixtures.trunk(id: 2, domain: "acme-uk.3cx.eu", ext: "201", stripPrefix: "")

    @Test("order does not matter; every changed, missing or extra row does; NULL and '' hash alike")
    func sensitivity() throws {
        let rows = Fixtures.rows(milan, london)
        let digest = try #require(RowDigest(rows: rows))
        #expect(RowDigest(rows: rows.reversed()) == digest)
        #expect(digest[.psAuths].count == 2)
        #expect(digest[.extensions].count == rows.filter { $0.table == .extensions }.count)
        #expect(RowDigest(rows: Array(rows.dropLast())) != digest)
        #expect(RowDigest(rows: rows + [rows[0]]) != digest)
        #expect(RowDigest(rows: rows.replacing(.psAuths, id: milan.endpointID, column: "password", with: "x")) != digest)
        #expect(RowDigest(rows: rows.replacing(.psRegistrations, id: milan.endpointID, column: "line", with: "true")) != digest)
        #expect(RowDigest(rows: rows.replacing(.psEndpoints, id: milan.endpointID, column: "auth", with: "")) == digest)
        // A value moved from one column to its neighbour is another row.
        let shifted = rows.replacing(.psAuths, id: milan.endpointID, column: "username", with: "12611sip-secret-1")
            .replacing(.psAuths, id: milan.endpointID, column: "password", with: "")
        #expect(RowDigest(rows: shifted) != digest)
    }

    @Test("the digest of trunks, built without rows, is the digest of their rows")
    func fromTrunks() {
        let trunks = [milan, london, Fixtures.trunk(id: 3, domain: "x.3cx.eu", ext: "7", password: "p;^w", stripPrefix: "^(0039|00)")]
        let digest = RowDigest(trunks: trunks)
        #expect(digest != nil)
        #expect(digest == RowDigest(rows: trunks.flatMap { TrunkRows.rows(for: $0) }))
        let names = ARANames(configTable: "my_config", configFilename: "mine.conf")
        #expect(RowDigest(trunks: trunks, names: names) == RowDigest(rows: trunks.flatMap { TrunkRows.rows(for: $0, names: names) }))
        #expect(RowDigest(trunks: [Fixtures.trunk(password: "a\u{1F}b")]) == nil)
        // A sum: halves hashed apart add up to the whole.
        #expect(RowDigest(trunks: [milan])?.adding(RowDigest(trunks: Array(trunks.dropFirst()))!) == digest)
    }

    @Test("the row counts per table a digest is first compared by are the counts of the trunks' rows")
    func counts() {
        let trunks = [milan, london, Fixtures.trunk(id: 3, domain: "x.3cx.eu", ext: "7", stripPrefix: "^(0039|00)"),
                      Fixtures.trunk(id: 4, domain: "y.3cx.eu", ext: "8", stripPrefix: "^\\+(39|41|44)")]
        for trunk in trunks {
            let rows = TrunkRows.rows(for: trunk)
            #expect(TrunkRows.counts(for: trunk) == ARATable.allCases.map { table in rows.count { $0.table == table } })
        }
        let digest = RowDigest(trunks: trunks)!
        #expect(digest.countsMatch(trunks))
        #expect(!digest.countsMatch(Array(trunks.dropLast())))
        #expect(!RowDigest(tables: [:]).countsMatch(trunks))
    }

    @Test("no digest of rows holding U+001F, the row text's separator")
    func separator() {
        #expect(RowDigest(rows: Fixtures.rows(milan).replacing(.psAuths, id: milan.endpointID, column: "password", with: "a\u{1F}b")) == nil)
        #expect(RowDigest(rows: []) == RowDigest(tables: [:]))
    }

    @Test("planning against rows known to equal the desired ones gives the plan of diffing them")
    func sameAsDesiredPlansAlike() {
        let invalid = SkippedConfiguration(configuration: ConfigurationRef(id: 9, organizationID: 7, name: "broken"),
                                           reason: .invalid(ConfigurationError(configuration: ConfigurationRef(id: 9, organizationID: 7, name: "broken"),
                                                                               field: "sip_password", reason: "is missing", endpointID: "dograh_held_1")))
        let desired = Fixtures.snapshot(milan, london, skipped: [invalid])
        let rows = Planner.desiredRows(desired)
        let views: [LiveView] = [
            .notConfigured, .unreachable,
            .observed(LiveState(registrations: [milan.endpointID: .registered])),
            .observed(LiveState(registrations: [milan.endpointID: .registered, london.endpointID: .rejected, "dograh_gone": .registered],
                                endpointsWithCalls: [milan.endpointID])),
        ]
        for view in views {
            let diffed = Planner.plan(desired: desired, actual: rows, live: view)
            #expect(Planner.plan(desired: desired, actual: .sameAsDesired, live: view) == diffed)
        }
    }
}
