import Testing
@testable import Reconciler

@Suite("Big plans: the text shows per-table counts and the first configurations")
struct PlanTextLayoutTests {
    func plan(trunks count: Int) -> Plan {
        let trunks = (1...count).map { Fixtures.trunk(id: $0, ext: String(10_000 + $0)) }
        return Planner.plan(desired: DesiredSnapshot(trunks: trunks, skipped: []), actual: [])
    }

    @Test("at or under the limit, or with --detail, everything is shown and nothing is added")
    func underLimit() {
        let plan = plan(trunks: 3)
        for layout in [PlanTextLayout.make(plan, limit: 3), PlanTextLayout.make(plan, limit: 1, detail: true)] {
            #expect(!layout.isAbridged)
            #expect(PlanText.render(plan, layout: layout) == PlanText.render(plan))
        }
    }

    @Test("over the limit: counts per table, the first N configurations, how to get the rest; the summary stays whole")
    func overLimit() {
        let plan = plan(trunks: 5)
        let layout = PlanTextLayout.make(plan, limit: 2)
        #expect(layout.shown == 2 && layout.hidden == 3)
        let text = PlanText.render(plan, layout: layout)
        #expect(text.hasPrefix("Large plan: 5 configurations, over --plan-detail-limit 2;"))
        #expect(text.contains("  ps_auths: 5 to create, 0 to update, 0 to delete\n"))
        #expect(text.contains("  ps_registrations: 5 to create, 0 to update, 0 to delete\n"))
        #expect(text.contains("configuration 1 \"config 1\""))
        #expect(text.contains("configuration 2 \"config 2\""))
        #expect(!text.contains("configuration 3 \"config 3\""))
        #expect(text.contains("… 3 more configurations not shown: --detail (or --plan-detail-limit 5) for the whole text plan, --output json for the complete plan."))
        #expect(text.contains("Plan: \(plan.count(.create)) to create, 0 to update, 0 to delete."))
        #expect(text.count < PlanText.render(plan).count)
        // The JSON plan is not affected by the layout: it is always complete.
        #expect(PlanJSON.document(plan).serialized().contains("config 5"))
    }
}
