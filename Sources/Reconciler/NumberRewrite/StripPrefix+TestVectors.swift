extension StripPrefix {
    /// What reaches 3CX when `dialled` goes through `routes`: the row Asterisk selects, minus
    /// its `skip` leading characters; `nil` when no row matches.
    public static func sentNumber(for dialled: String, through routes: [DialRoute]) -> String? {
        guard let route = AsteriskPattern.select(routes, for: dialled) else { return nil }
        return String(dialled.dropFirst(route.skip))
    }

    /// Three to six deterministic sample numbers for the plan printer
    /// (`+390612345678 → 0612345678`).
    ///
    /// One sample per row for the first five rows (more would drown the plan), topped up with
    /// second samples to at least three; the kept part starts with 0 or 3 because a national
    /// number starting with 0 is exactly what an `N` instead of `X` would break. Then one
    /// number that routes nowhere, if a small change to a sample prefix produces one. `sent`
    /// is computed through `AsteriskPattern.select`, so overlaps show what Asterisk will do.
    public static func testVectors(for routes: [DialRoute]) -> [DialTestVector] {
        let shown = Array(routes.prefix(5))
        let samples = shown.map(sampleNumbers(for:))
        let unrouted = unroutedNumber(near: samples.compactMap(\.first), routes: routes)
        let slots = unrouted == nil ? 6 : 5
        let target = min(slots, max(unrouted == nil ? 3 : 2, shown.count))
        var dialled: [String] = []
        let candidates = samples.compactMap(\.first) + samples.flatMap { $0.dropFirst() }
        for sample in candidates where dialled.count < target {
            let number = sample.head + sample.kept
            if !dialled.contains(number) { dialled.append(number) }
        }
        if let unrouted { dialled.append(unrouted) }
        return dialled.map { DialTestVector(dialled: $0, sent: sentNumber(for: $0, through: routes)) }
    }

    private struct SampleNumber {
        /// The characters the row's prefix matches, i.e. what should be stripped.
        let head: String
        let kept: String
    }

    /// A `+39` number comes first so the route-everything row shows that `+` numbers pass;
    /// the last one is only needed when no unrouted number exists to fill the third slot.
    private static let keptParts = ["+390612345678", "0612345678", "3471234567", "1234567890"]

    private static func sampleNumbers(for route: DialRoute) -> [SampleNumber] {
        guard route.pattern.first == "_" else { return [SampleNumber(head: "", kept: route.pattern)] }
        guard let tokens = AsteriskPattern.tokens(of: route.pattern.dropFirst()) else { return [] }
        guard let wildcard = tokens.firstIndex(where: isWildcard), wildcard > 0 else {
            let fixed = tokens.filter { !isWildcard($0) }
            return [SampleNumber(head: String(fixed.compactMap(representative)), kept: "")]
        }
        // The token before the wildcard is the first kept character (`X` of `X.`).
        let head = String(tokens[..<(wildcard - 1)].compactMap(representative))
        let entry = tokens[wildcard - 1]
        let fitting = keptParts.filter { part in part.first.map { accepts(entry, $0) } ?? false }
        guard fitting.isEmpty else { return fitting.map { SampleNumber(head: head, kept: $0) } }
        let fallback = representative(entry).map { String($0) + "612345678" } ?? "0612345678"
        return [SampleNumber(head: head, kept: fallback)]
    }

    /// Changes one prefix character of a sample: digits from the last position backwards
    /// first (`+39` becomes `+30`, reading as "another country"), then `+` from the front.
    private static func unroutedNumber(near samples: [SampleNumber], routes: [DialRoute]) -> String? {
        guard !routes.isEmpty else { return "+390612345678" }
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
        for sample in samples {
            let head = Array(sample.head)
            for position in head.indices.reversed() {
                for digit in digits where digit != head[position] {
                    if let number = unrouted(head, replacing: position, with: digit, sample, routes) { return number }
                }
            }
            for position in head.indices where head[position] != "+" {
                if let number = unrouted(head, replacing: position, with: "+", sample, routes) { return number }
            }
        }
        return nil
    }

    private static func unrouted(
        _ head: [Character], replacing position: Int, with character: Character,
        _ sample: SampleNumber, _ routes: [DialRoute]
    ) -> String? {
        var changed = head
        changed[position] = character
        let number = String(changed) + sample.kept
        return AsteriskPattern.select(routes, for: number) == nil ? number : nil
    }

    private static func isWildcard(_ token: AsteriskPattern.Token) -> Bool {
        switch token {
        case .oneOrMore, .zeroOrMore: true
        case .literal, .oneOf: false
        }
    }

    private static func representative(_ token: AsteriskPattern.Token) -> Character? {
        switch token {
        case .literal(let character): character
        case .oneOf(let ranges): ranges.first.map { Character($0.lowerBound) }
        case .oneOrMore, .zeroOrMore: nil
        }
    }

    private static func accepts(_ token: AsteriskPattern.Token, _ character: Character) -> Bool {
        switch token {
        case .literal(let literal): literal == character
        case .oneOf(let ranges): AsteriskPattern.contains(ranges, character)
        case .oneOrMore, .zeroOrMore: true
        }
    }
}
