import SimExpressions
import SimModel
import Testing

@Suite("Evaluation and verdicts")
struct EvaluationTests {
    /// A metric vector with the given figures set and every other figure zero.
    func metrics(_ figures: [(String, MetricScope, Double)]) -> [Double] {
        var values = [Double](repeating: 0, count: Fixture.layout.count)
        for (name, scope, value) in figures { values[Fixture.layout.index(name, scope)!] = value }
        return values
    }

    func value(_ text: String, _ vector: [Double]) throws -> Double {
        try ExpressionParser.expression(text, in: Fixture.context).value(vector, layout: Fixture.layout)
    }

    @Test func readsTheFigureOfItsScope() throws {
        let v = metrics([
            ("lead_time.p95", .system, 3 * 86_400), ("lead_time.p95", .demand(0), 2 * 86_400),
            ("utilisation", .area(0), 0.7), ("utilisation", .area(1), 0.4),
            ("wait.mean", .step(journey: 0, step: 1), 120), ("wait.mean", .step(journey: 2, step: 1), 600),
        ])
        #expect(try value("p95(lead_time)", v) == 3 * 86_400)
        #expect(try value("p95(lead_time, orders)", v) == 2 * 86_400)
        #expect(try value("utilisation(warehouse)", v) == 0.4)
        #expect(try value("mean(wait, order.pick)", v) == 120)
        #expect(try value("mean(wait, return.pick)", v) == 600)
    }

    @Test func arithmetic() throws {
        let v = metrics([
            ("arrival_rate", .demand(0), 1.0 / 600), ("arrival_rate", .demand(1), 1.0 / 7200),
            ("completed", .system, 90), ("rework", .system, 12), ("cancelled", .demand(0), 3), ("arrivals", .demand(0), 60),
            ("wip.mean", .system, 5), ("arrival_rate", .system, 1.0 / 300),
        ])
        // 1/7200 per second against 1/600 per second: one complaint per twelve orders.
        #expect(abs(try value("rate(complaints) / rate(orders)", v) - 1.0 / 12) < 1e-15)
        #expect(try value("completed - rework * 2", v) == 66)
        #expect(try value("(completed - rework) * 2", v) == 156)
        #expect(try value("share(cancelled, orders)", v) == 0.05)
        // Little's law: 5 items at 1 arrival per 300 s stay 1500 s.
        #expect(abs(try value("mean(wip) / arrival_rate", v) - 1500) < 1e-9)
        #expect(try value("-rework + 20", v) == 8)
    }

    @Test func divisionByZeroIsUndefined() throws {
        let v = metrics([("arrival_rate", .demand(1), 1.0 / 7200), ("completed", .system, 4)])
        #expect(try value("rate(complaints) / rate(orders)", v).isNaN)
        #expect(try value("completed / 0", v).isNaN)
        #expect(try value("rework / completed", v) == 0)
        #expect(try value("share(cancelled)", v).isNaN)  // no arrivals: no share
    }

    @Test func nanPropagates() throws {
        let v = metrics([("lead_time.p95", .system, .nan), ("lead_time.mean", .system, 3600)])
        #expect(try value("p95(lead_time)", v).isNaN)
        #expect(try value("p95(lead_time) - mean(lead_time)", v).isNaN)
        #expect(try value("mean(lead_time) * 0 + p95(lead_time)", v).isNaN)
    }

    @Test func isMetForOneValue() throws {
        let e = try Fixture.expect("p95(lead_time) <= 5d")
        #expect(e.isMet(by: 4 * 86_400) == true)
        #expect(e.isMet(by: 5 * 86_400) == true)
        #expect(e.isMet(by: 6 * 86_400) == false)
        #expect(e.isMet(by: .nan) == nil)
        let strict = try Fixture.expect("p95(lead_time) < 5d")
        #expect(strict.isMet(by: 5 * 86_400) == false)
    }

    @Test func verdictForAnUpperLimit() throws {
        let e = try Fixture.expect("p95(lead_time) <= 5d")
        let d = 86_400.0
        #expect(e.verdict(lower: 3 * d, upper: 4 * d) == .met)
        #expect(e.verdict(lower: 4 * d, upper: 5 * d) == .met)  // the limit itself satisfies <=
        #expect(e.verdict(lower: 6 * d, upper: 7 * d) == .violated)
        #expect(e.verdict(lower: 4 * d, upper: 6 * d) == .undecided)
        #expect(e.verdict(lower: .nan, upper: 4 * d) == .undecided)
        #expect(e.verdict(lower: 3 * d, upper: .nan) == .undecided)
        let strict = try Fixture.expect("p95(lead_time) < 5d")
        #expect(strict.verdict(lower: 4 * d, upper: 5 * d) == .undecided)
        #expect(strict.verdict(lower: 5 * d, upper: 6 * d) == .violated)
    }

    @Test func verdictForALowerLimit() throws {
        let e = try Fixture.expect("on_time >= 95%")
        #expect(e.verdict(lower: 0.96, upper: 0.99) == .met)
        #expect(e.verdict(lower: 0.80, upper: 0.90) == .violated)
        #expect(e.verdict(lower: 0.90, upper: 0.97) == .undecided)
        #expect(e.verdict(lower: 0.95, upper: 0.95) == .met)
        let strict = try Fixture.expect("on_time > 95%")
        #expect(strict.verdict(lower: 0.95, upper: 0.97) == .undecided)
        #expect(strict.verdict(lower: 0.90, upper: 0.95) == .violated)
        #expect(Verdict.undecided.rawValue == "undecided")
    }
}
