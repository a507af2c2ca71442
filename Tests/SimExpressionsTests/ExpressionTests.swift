// The expression language; see docs/expressions.md.
import SimExpressions
import SimModel
import Testing

/// A small operation with every kind of name: a step name used by two journeys (`pick`), a
/// hyphenated one (`credit-check`) and an area whose name needs quotes (`front desk`).
enum Fixture {
    static let model = Model(
        name: "shop", horizon: 30 * 86_400, warmup: 0,
        areas: [
            Area(name: "logistics", staff: 3), Area(name: "warehouse", staff: 2), Area(name: "credit", staff: 1),
            Area(name: "front desk", staff: 1),
        ],
        demands: [
            Demand(name: "orders", arrivals: .poisson(rate: 1.0 / 600), journey: 0),
            Demand(name: "complaints", arrivals: .poisson(rate: 1.0 / 7200), journey: 1),
            Demand(name: "returns", arrivals: .poisson(rate: 1.0 / 3600), journey: 2),
        ],
        journeys: [
            Journey(name: "order", steps: [
                Step(name: "credit-check", area: 2, duration: .deterministic(60)),
                Step(name: "pick", area: 1, duration: .deterministic(60)),
                Step(name: "ship", area: 0, duration: .deterministic(60)),
            ]),
            Journey(name: "complaint", steps: [Step(name: "triage", area: 3, duration: .deterministic(60))]),
            Journey(name: "return", steps: [
                Step(name: "inspect", area: 1, duration: .deterministic(60)),
                Step(name: "pick", area: 1, duration: .deterministic(60)),
            ]),
        ])
    static let context = ExpressionContext(model: model)
    static let layout = MetricLayout(model: model)

    static func expect(_ text: String) throws -> SimExpressions.Expectation {
        try ExpressionParser.expectation(text, in: context)
    }

    static func metric(_ name: String, _ scope: MetricScope = .system, _ d: Dimension) -> MetricExpression {
        .metric(MetricReference(name: name, scope: scope, dimension: d))
    }
}

private let minute = 60.0, hour = 3600.0, day = 86_400.0, week = 604_800.0

@Suite("Parsing expectations")
struct ParsingTests {
    /// Each example of the brief: the figure it reads, its scope, and the threshold in SI units.
    @Test(arguments: [
        ("p95(lead_time) <= 5d", "lead_time.p95", MetricScope.system, Dimension.duration, Comparator.lessOrEqual, 5 * day),
        ("on_time >= 95%", "on_time", .system, .fraction, .greaterOrEqual, 0.95),
        ("utilisation(logistics) <= 85%", "utilisation", .area(0), .fraction, .lessOrEqual, 0.85),
        ("mean(wait, step: credit-check) <= 4h", "wait.mean", .step(journey: 0, step: 0), .duration, .lessOrEqual, 4 * hour),
        ("p95(lead_time, demand: orders) <= 3d", "lead_time.p95", .demand(0), .duration, .lessOrEqual, 3 * day),
        ("mean(queue, area: warehouse) < 12", "queue.mean", .area(1), .count, .less, 12),
        ("p90(business_lead_time) <= 16h", "business_lead_time.p90", .system, .duration, .lessOrEqual, 16 * hour),
        ("max(wait, step: order.pick) <= 2d", "wait.max", .step(journey: 0, step: 1), .duration, .lessOrEqual, 2 * day),
        // Further metrics and scopes of the table.
        ("on_time(demand: orders) >= 0.9", "on_time", .demand(0), .fraction, .greaterOrEqual, 0.9),
        ("on_time(returns) > 80%", "on_time", .demand(2), .fraction, .greater, 0.8),
        ("utilisation(area: 'front desk') <= 90%", "utilisation", .area(3), .fraction, .lessOrEqual, 0.9),
        ("mean(busy, area: logistics) <= 2.5", "busy.mean", .area(0), .count, .lessOrEqual, 2.5),
        ("mean(busy, credit) <= 1", "busy.mean", .area(2), .count, .lessOrEqual, 1),
        ("mean(wip) < 40", "wip.mean", .system, .count, .less, 40),
        ("mean(service, step: triage) <= 30m", "service.mean", .step(journey: 1, step: 0), .duration, .lessOrEqual, 30 * minute),
        ("p99(wait, return.pick) <= 1h30m", "wait.p99", .step(journey: 2, step: 1), .duration, .lessOrEqual, 1.5 * hour),
        ("p50(lead_time, orders) <= 2 days", "lead_time.p50", .demand(0), .duration, .lessOrEqual, 2 * day),
        ("mean(unfinished_age) <= 1w", "unfinished_age.mean", .system, .duration, .lessOrEqual, week),
        ("max(unfinished_age, demand: returns) <= 90s", "unfinished_age.max", .demand(2), .duration, .lessOrEqual, 90),
        ("throughput >= 20/day", "throughput", .system, .rate, .greaterOrEqual, 20 / day),
        ("rate(orders) >= 3/h", "arrival_rate", .demand(0), .rate, .greaterOrEqual, 3 / hour),
        ("arrival_rate(demand: complaints) < 100 / week", "arrival_rate", .demand(1), .rate, .less, 100 / week),
        ("rework <= 10", "rework", .system, .count, .lessOrEqual, 10),
        ("cancelled(orders) <= 3", "cancelled", .demand(0), .count, .lessOrEqual, 3),
        ("turned_away(area: warehouse) <= 0", "turned_away", .area(1), .count, .lessOrEqual, 0),
        ("completed >= 1e3", "completed", .system, .count, .greaterOrEqual, 1000),
        ("arrivals >= 1", "arrivals", .system, .count, .greaterOrEqual, 1),
        ("unfinished <= 5", "unfinished", .system, .count, .lessOrEqual, 5),
        ("visits(step: ship) >= 1", "visits", .step(journey: 0, step: 2), .count, .greaterOrEqual, 1),
        ("waited(inspect) <= 50%", "waited", .step(journey: 2, step: 0), .fraction, .lessOrEqual, 0.5),
        ("  p95( lead_time ,demand:orders )<=1.5h  ", "lead_time.p95", .demand(0), .duration, .lessOrEqual, 1.5 * hour),
        ("mean(lead_time) ≤ 45 minutes", "lead_time.mean", .system, .duration, .lessOrEqual, 45 * minute),
    ] as [(String, String, MetricScope, Dimension, Comparator, Double)])
    func singleFigure(text: String, name: String, scope: MetricScope, dimension: Dimension, comparator: Comparator, threshold: Double) throws {
        let e = try Fixture.expect(text)
        #expect(e.expression == Fixture.metric(name, scope, dimension))
        #expect(e.comparator == comparator)
        #expect(e.threshold == threshold)
        #expect(e.dimension == dimension)
        #expect(e.source == text)
        #expect(Fixture.layout.index(name, scope) != nil)
    }

    @Test func ratioOfRates() throws {
        let e = try Fixture.expect("rate(complaints) / rate(orders) <= 2%")
        let complaints = Fixture.metric("arrival_rate", .demand(1), .rate)
        let orders = Fixture.metric("arrival_rate", .demand(0), .rate)
        #expect(e.expression == .binary(.divide, complaints, orders))
        #expect(e.dimension == .number)
        #expect(e.threshold == 0.02)
        // The same ratio may be written as a plain fraction.
        #expect(try Fixture.expect("rate(complaints) / rate(orders) <= 0.02").threshold == 0.02)
    }

    @Test func shareIsAPartOfArrivals() throws {
        let e = try Fixture.expect("share(cancelled, demand: orders) <= 1%")
        let part = Fixture.metric("cancelled", .demand(0), .count)
        let whole = Fixture.metric("arrivals", .demand(0), .count)
        #expect(e.expression == .binary(.divide, part, whole))
        #expect(e.threshold == 0.01)
    }

    @Test func durationsInEveryUnit() throws {
        let cases: [(String, Double)] = [
            ("90s", 90), ("30m", 30 * minute), ("4h", 4 * hour), ("2d", 2 * day), ("1w", week), ("1h30m", 1.5 * hour),
            ("1h 30m", 1.5 * hour), ("2 hours", 2 * hour), ("10 sec", 10), ("5 mins", 5 * minute), ("1 week", week),
            ("1d 2h 3m 4s", day + 2 * hour + 3 * minute + 4), (".5h", 0.5 * hour), ("1.5D", 1.5 * day),
        ]
        for (literal, seconds) in cases {
            #expect(try Fixture.expect("p95(lead_time) <= \(literal)").threshold == seconds, "\(literal)")
        }
    }

    @Test func negativeThresholdsAndUnaryMinus() throws {
        let e = try Fixture.expect("rate(orders) - rate(returns) >= -1/h")
        #expect(e.threshold == -1 / hour)
        let x = try ExpressionParser.expression("-rework + 3", in: Fixture.context)
        #expect(x == .binary(.add, .binary(.multiply, .constant(-1, .number), Fixture.metric("rework", .system, .count)), .constant(3, .number)))
    }
}

@Suite("Precedence and parentheses")
struct PrecedenceTests {
    let wip = Fixture.metric("wip.mean", .system, .count)
    let rework = Fixture.metric("rework", .system, .count)
    let completed = Fixture.metric("completed", .system, .count)
    let cancelled = Fixture.metric("cancelled", .system, .count)

    func parse(_ text: String) throws -> MetricExpression { try ExpressionParser.expression(text, in: Fixture.context) }

    @Test func productsBindTighterThanSums() throws {
        #expect(try parse("mean(wip) + rework * 2") == .binary(.add, wip, .binary(.multiply, rework, .constant(2, .number))))
        #expect(try parse("rework * 2 + mean(wip)") == .binary(.add, .binary(.multiply, rework, .constant(2, .number)), wip))
    }

    @Test func parenthesesOverride() throws {
        #expect(try parse("(mean(wip) + rework) * 2") == .binary(.multiply, .binary(.add, wip, rework), .constant(2, .number)))
        #expect(try parse("((rework))") == rework)
    }

    @Test func operatorsAssociateToTheLeft() throws {
        #expect(try parse("completed - rework - cancelled") == .binary(.subtract, .binary(.subtract, completed, rework), cancelled))
        #expect(try parse("completed / rework * cancelled") == .binary(.multiply, .binary(.divide, completed, rework), cancelled))
        #expect(try parse("completed - (rework - cancelled)") == .binary(.subtract, completed, .binary(.subtract, rework, cancelled)))
    }

    @Test func aRateLiteralIsOneValue() throws {
        // `3/h` is a rate, not 3 divided by something called h.
        #expect(try parse("rate(orders) - 3/h") == .binary(.subtract, Fixture.metric("arrival_rate", .demand(0), .rate), .constant(3 / hour, .rate)))
        // A name that is a metric after '/' is a division.
        #expect(try parse("2 / completed") == .binary(.divide, .constant(2, .number), completed))
    }

    @Test func dimensionsOfDerivedFigures() throws {
        // Little's law: count / rate is a duration, rate × duration a count.
        #expect(try parse("mean(wip) / rate(orders)").dimension == .duration)
        #expect(try parse("rate(orders) * mean(lead_time)").dimension == .count)
        #expect(try parse("completed / 1d").dimension == .rate)
        #expect(try parse("p95(lead_time) / mean(lead_time)").dimension == .number)
        #expect(try parse("2 * p95(lead_time)").dimension == .duration)
        #expect(try parse("on_time - 0.9").dimension == .fraction)
        #expect(try parse("utilisation(logistics) * 8h").dimension == .duration)
        #expect(try Fixture.expect("p95(lead_time) - mean(lead_time) <= 1d").dimension == .duration)
    }
}

@Suite("The metric table")
struct CatalogTests {
    /// Every function, metric and scope the docs list reads a figure that `MetricLayout` has.
    @Test(arguments: [
        "mean(lead_time)", "p50(lead_time)", "p90(lead_time)", "p95(lead_time)", "p99(lead_time)", "max(lead_time)",
        "mean(lead_time, demand: returns)", "p95(business_lead_time)", "max(business_lead_time, returns)",
        "mean(unfinished_age)", "max(unfinished_age, orders)",
        "mean(wait, step: ship)", "p50(wait, ship)", "p90(wait, ship)", "p95(wait, ship)", "p99(wait, ship)", "max(wait, ship)",
        "mean(service, ship)", "p95(service, return.pick)", "max(service, order.pick)",
        "mean(queue, logistics)", "mean(busy, area: credit)", "mean(wip)",
        "on_time", "on_time(orders)", "throughput", "throughput(returns)", "arrival_rate", "rate(returns)",
        "arrivals", "arrivals(orders)", "completed(complaints)", "rework(orders)", "cancelled", "turned_away",
        "turned_away(orders)", "turned_away(area: warehouse)", "unfinished(orders)",
        "utilisation(warehouse)", "visits(triage)", "waited(step: order.ship)",
        "share(completed)", "share(turned_away, orders)", "share(unfinished)",
    ])
    func everyEntryHasAField(text: String) throws {
        var references: [MetricReference] = []
        func collect(_ e: MetricExpression) {
            switch e {
            case .constant: break
            case .metric(let r): references.append(r)
            case .binary(_, let a, let b): collect(a); collect(b)
            }
        }
        collect(try ExpressionParser.expression(text, in: Fixture.context))
        #expect(!references.isEmpty)
        for r in references {
            #expect(Fixture.layout.index(r.name, r.scope) != nil, "\(text) → \(r.name)")
        }
    }
}
