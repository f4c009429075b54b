import Reconciler
import Testing

@Suite("strip_prefix sample numbers for the plan")
struct StripPrefixTestVectorTests {
    @Test func italianPrefix() throws {
        let vectors = StripPrefix.testVectors(for: try StripPrefix.routes(for: #"^\+39"#))
        #expect(
            vectors == [
                DialTestVector(dialled: "+390612345678", sent: "0612345678"),
                DialTestVector(dialled: "+393471234567", sent: "3471234567"),
                DialTestVector(dialled: "+300612345678", sent: nil),
            ])
    }

    @Test func emptyPrefixRoutesEverythingUnchanged() throws {
        let vectors = StripPrefix.testVectors(for: try StripPrefix.routes(for: ""))
        #expect(
            vectors == [
                DialTestVector(dialled: "+390612345678", sent: "+390612345678"),
                DialTestVector(dialled: "0612345678", sent: "0612345678"),
                DialTestVector(dialled: "3471234567", sent: "3471234567"),
            ])
    }

    @Test func alternativesEachGetANumber() throws {
        let vectors = StripPrefix.testVectors(for: try StripPrefix.routes(for: #"^(00|\+)39"#))
        #expect(
            vectors == [
                DialTestVector(dialled: "00390612345678", sent: "0612345678"),
                DialTestVector(dialled: "+390612345678", sent: "0612345678"),
                DialTestVector(dialled: "00300612345678", sent: nil),
            ])
    }

    @Test func noRoutesMeansNothingRoutes() {
        #expect(StripPrefix.testVectors(for: []) == [DialTestVector(dialled: "+390612345678", sent: nil)])
    }

    @Test("shape for every accepted regex", arguments: StripPrefixCases.accepted)
    func shape(_ testCase: StripPrefixCase) throws {
        let routes = try StripPrefix.routes(for: testCase.regex)
        let vectors = StripPrefix.testVectors(for: routes)
        #expect((3...6).contains(vectors.count), "\(vectors)")
        #expect(vectors == StripPrefix.testVectors(for: routes))
        #expect(Set(vectors.map(\.dialled)).count == vectors.count)
        #expect(vectors.filter { $0.sent == nil }.count <= 1)
        for route in routes.prefix(5) {
            #expect(vectors.contains { AsteriskPattern.matches(route.pattern, $0.dialled) }, "no sample for \(route)")
        }
        for vector in vectors {
            #expect(vector.sent == StripPrefix.sentNumber(for: vector.dialled, through: routes))
            if let sent = vector.sent {
                #expect(vector.dialled.hasSuffix(sent))
                // The interesting national numbers start with 0, 1 or 3, never a stripped `+`.
                #expect(sent.first != "+" || routes == [DialRoute(pattern: "_[+0-9].", skip: 0)])
            }
        }
    }
}
