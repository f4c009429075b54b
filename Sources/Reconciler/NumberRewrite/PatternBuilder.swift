extension StripPrefix {
    struct PatternElement: Sendable {
        let set: DialCharSet
        /// Where the character came from, to blame it when the exten gets too long.
        let origin: SourceSpan
    }

    /// Which alternative of which group an expansion went through. Two expansions first differ
    /// at the group where the regex chose between them, which is what an overlap error quotes.
    struct BranchChoice: Equatable, Sendable {
        let group: SourceSpan
        let branch: SourceSpan
    }

    /// One fixed-length way through the regex: a sequence of character sets.
    struct Expansion: Sendable {
        var elements: [PatternElement]
        var choices: [BranchChoice]

        var sets: [DialCharSet] { elements.map(\.set) }
    }

    /// Multiplies alternations out into fixed-length expansions and turns each into a row.
    ///
    /// Expansions are produced in the order a backtracking engine tries them (earlier choices
    /// vary slowest), so "first expansion whose characters match" is exactly the regex's match.
    struct PatternBuilder {
        let source: [Character]

        /// `_` before and the `X.` tail after the prefix take three characters of the exten.
        private static let maxPrefixLength = maxExtenLength - 3

        func routes(for root: RegexNode) throws(StripPrefixError) -> [DialRoute] {
            let expansions = try expand(root)
            var routes: [DialRoute] = []
            for expansion in expansions { routes.append(try route(for: expansion)) }
            try checkOverlaps(expansions, routes)
            return routes
        }

        func expand(_ node: RegexNode) throws(StripPrefixError) -> [Expansion] {
            switch node {
            case .atom(let set, let span):
                return [Expansion(elements: [PatternElement(set: set, origin: span)], choices: [])]
            case .concatenation(let items, _):
                var result = [Expansion(elements: [], choices: [])]
                for item in items {
                    result = try product(result, try expand(item), blame: item.span)
                }
                return result
            case .alternation(let branches, let span):
                // Bounded per branch, so a regex with thousands of alternatives fails early.
                var result: [Expansion] = []
                for branch in branches {
                    let choice = BranchChoice(group: span, branch: branch.span)
                    for expansion in try expand(branch.node) {
                        result.append(Expansion(elements: expansion.elements, choices: [choice] + expansion.choices))
                    }
                    result = try bounded(deduplicated(result), blame: span)
                }
                return result
            case .repetition(let inner, let count, let span):
                let once = try expand(inner)
                var result = [Expansion(elements: [], choices: [])]
                for _ in 0..<count {
                    result = try product(result, once, blame: span)
                }
                return result.map { expansion in
                    Expansion(
                        elements: expansion.elements.map { PatternElement(set: $0.set, origin: span) },
                        choices: expansion.choices)
                }
            }
        }

        /// Checks length while multiplying, so `\d{999}` or nested repetitions fail fast instead
        /// of building huge sequences that the exten limit would reject anyway.
        private func product(
            _ lhs: [Expansion], _ rhs: [Expansion], blame: SourceSpan
        ) throws(StripPrefixError) -> [Expansion] {
            var result: [Expansion] = []
            for left in lhs {
                for right in rhs {
                    guard left.elements.count + right.elements.count <= Self.maxPrefixLength else {
                        throw tooLong(blame)
                    }
                    result.append(Expansion(elements: left.elements + right.elements, choices: left.choices + right.choices))
                }
            }
            return try bounded(deduplicated(result), blame: blame)
        }

        /// Keeps the first of identical expansions: a later identical one can never be the
        /// regex's match, and would only duplicate a row.
        private func deduplicated(_ expansions: [Expansion]) -> [Expansion] {
            var seen = Set<[DialCharSet]>()
            return expansions.filter { seen.insert($0.sets).inserted }
        }

        /// Rejecting as soon as any part exceeds the limit is exact: appending a fixed suffix
        /// to distinct sequences keeps them distinct, so the final count can only be larger.
        private func bounded(_ expansions: [Expansion], blame: SourceSpan) throws(StripPrefixError) -> [Expansion] {
            guard expansions.count <= maxRows else {
                throw StripPrefixError(
                    construct: text(blame), position: blame.start,
                    message: "strip_prefix expands to more than \(maxRows) dialplan rows")
            }
            return expansions
        }

        private func route(for expansion: Expansion) throws(StripPrefixError) -> DialRoute {
            var pattern = "_"
            for element in expansion.elements {
                pattern += element.set.asteriskPiece
                if pattern.count + 2 > maxExtenLength { throw tooLong(element.origin) }
            }
            return DialRoute(pattern: pattern + "X.", skip: expansion.elements.count)
        }

        private func tooLong(_ blame: SourceSpan) -> StripPrefixError {
            StripPrefixError(
                construct: text(blame), position: blame.start,
                message: "the Asterisk pattern would be longer than \(maxExtenLength) characters (extensions.exten)")
        }

        /// See "Overlapping alternatives" on `StripPrefix`: the earlier alternative must be the
        /// row Asterisk prefers wherever two rows with different skip can both match.
        private func checkOverlaps(_ expansions: [Expansion], _ routes: [DialRoute]) throws(StripPrefixError) {
            for later in expansions.indices {
                for earlier in 0..<later {
                    let first = expansions[earlier]
                    let second = expansions[later]
                    guard first.elements.count != second.elements.count,
                        let witness = sharedNumber(first.sets, second.sets),
                        !AsteriskPattern.isPreferred(routes[earlier].pattern, over: routes[later].pattern)
                    else { continue }
                    throw overlapError(
                        earlier: first, later: second,
                        earlierRoute: routes[earlier], laterRoute: routes[later], witness: witness)
                }
            }
        }

        /// A number both rows (prefix + `X.`) match, or `nil` when they are disjoint. The
        /// shorter row's `X` must meet a digit of the longer prefix, so `^(0|0\+)` is disjoint.
        private func sharedNumber(_ first: [DialCharSet], _ second: [DialCharSet]) -> String? {
            let (short, long) = first.count < second.count ? (first, second) : (second, first)
            var number = ""
            for index in long.indices {
                var allowed = long[index]
                if index < short.count { allowed = allowed.intersection(short[index]) }
                if index == short.count { allowed = allowed.intersection(.digits) }
                guard let character = allowed.representative else { return nil }
                number.append(character)
            }
            return number + "1234567"
        }

        private func overlapError(
            earlier: Expansion, later: Expansion,
            earlierRoute: DialRoute, laterRoute: DialRoute, witness: String
        ) -> StripPrefixError {
            let explanation =
                "for \(witness) the regex strips \(characters(earlierRoute.skip)) but Asterisk, trying the "
                + "longest exten first, takes row \(laterRoute.pattern) over \(earlierRoute.pattern) and would "
                + "strip \(characters(laterRoute.skip)); make the alternatives disjoint or list the one with the "
                + "longer pattern first"
            guard let (earlierChoice, laterChoice) = zip(earlier.choices, later.choices).first(where: { $0 != $1 })
            else {
                return StripPrefixError(
                    construct: String(source), position: 0, message: "alternatives overlap: " + explanation)
            }
            return StripPrefixError(
                construct: text(laterChoice.branch), position: laterChoice.branch.start,
                message: "alternative '\(text(laterChoice.branch))' overlaps the earlier alternative "
                    + "'\(text(earlierChoice.branch))': " + explanation)
        }

        private func characters(_ count: Int) -> String {
            count == 1 ? "1 character" : "\(count) characters"
        }

        private func text(_ span: SourceSpan) -> String {
            String(source[span.start..<span.end])
        }
    }
}
