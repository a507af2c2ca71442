import SimExpressions
import SimModel
import Testing

/// Messages are product output: each is checked verbatim, with the offset a caret would point at.
@Suite("Error messages")
struct ExpressionErrorTests {
    @Test(arguments: [
        // Unknown names, with suggestions.
        ("p95(lead_tme) <= 5d", 4, "unknown metric 'lead_tme'; did you mean 'lead_time'?"),
        ("on_tim >= 95%", 0, "unknown metric 'on_tim'; did you mean 'on_time'?"),
        ("utilisation(logstics) <= 85%", 12, "unknown area 'logstics'; did you mean 'logistics'?"),
        ("maen(lead_time) <= 1d", 0, "unknown function 'maen'; did you mean 'mean'?"),
        ("rate(order) / rate(orders) <= 2%", 5, "unknown demand type 'order'; did you mean 'orders'?"),
        ("mean(wait, step: shp) <= 1h", 17, "unknown step 'shp'; did you mean 'ship'?"),
        ("mean(wait, step: 'credit check') <= 1h", 17, "unknown step 'credit check'; did you mean 'credit-check'?"),
        ("max(wait, step: order.pik) <= 2d", 16, "unknown step 'order.pik'; did you mean 'order.pick'?"),
        ("mean(wait, stepp: ship) <= 1h", 11, "unknown scope 'stepp'; did you mean 'step'?"),
        ("throughput >= 20/dya", 17, "unknown period 'dya'; did you mean 'day'?"),
        ("mean(wait, step: pick) <= 1h", 17, "step 'pick' is in more than one journey; write 'order.pick' or 'return.pick'"),
        ("completed-rework >= 0", 0, "unknown metric 'completed-rework'; put spaces around '-' to subtract"),
        // Dimensions.
        ("p95(lead_time) <= 95%", 18, "p95(lead_time) is a duration; compare it with a duration such as 5d, found '95%'"),
        ("rework <= 5%", 10, "rework is a count; compare it with a plain number such as 12, found '5%'"),
        ("throughput >= 20", 14, "throughput is a rate; compare it with a rate such as 20/day, found '20'"),
        ("on_time >= 5d", 11, "on_time is a fraction; compare it with a percentage such as 95% or a fraction such as 0.95, found '5d'"),
        ("on_time >= 95", 11, "on_time is a fraction from 0 to 1, found '95'; write a percentage such as 95% or a fraction such as 0.95"),
        ("p95(lead_time) + on_time <= 5d", 15, "'+' needs both sides of one dimension, found p95(lead_time), a duration, and on_time, a fraction"),
        ("p95(lead_time) * mean(wait, step: ship) <= 1d", 15,
         "cannot multiply p95(lead_time), a duration, by mean(wait, step: ship), a duration; multiply by a plain number or a fraction, or a rate by a duration"),
        ("p95(lead_time) / rate(orders) <= 1", 15,
         "cannot divide p95(lead_time), a duration, by rate(orders), a rate; divide like by like, by a plain number or a fraction, or a count by a duration or a rate"),
        // Structure.
        ("p95(lead_time)", 14, "expected a comparison (<=, <, >=, >) after the expression"),
        ("p95(lead_time) 5d", 15, "expected a comparison (<=, <, >=, >) after the expression, found '5d'"),
        ("p95(lead_time) = 5d", 15, "'=' is not a comparison; expected <=, <, >= or >"),
        ("mean(wait, step: credit-check)) <= 4h", 30, "unexpected ')'"),
        ("(p95(lead_time) <= 5d", 16, "expected ')' to close '(', found '<='"),
        ("on_time >= 95% and more", 15, "unexpected 'and' after the threshold"),
        ("p95(lead_time) <= 5d;", 20, "unexpected ';'"),
        ("p95(lead_time) <=", 17, "expected a value such as 5d, 95%, 20/day or 12 after '<=', found end of text"),
        ("1d >= p95(lead_time)", 6, "expected a value such as 5d, 95%, 20/day or 12 after '>=', found 'p95'"),
        ("p95(lead_time) + <= 5d", 17, "expected a metric such as p95(lead_time) or a value such as 5d, found '<='"),
        ("", 0, "the expectation is empty; expected a comparison such as 'p95(lead_time) <= 5d'"),
        ("   ", 0, "the expectation is empty; expected a comparison such as 'p95(lead_time) <= 5d'"),
        ("mean(wait, step: ) <= 1h", 17, "expected a name after 'step:', found ')'"),
        ("mean(wait, step: 2nd) <= 1h", 17, "expected a name after 'step:', found '2nd'; quote a name that starts with a digit, such as '2nd-check'"),
        ("mean(wait step: ship) <= 1h", 10, "expected ',' or ')' in the arguments of mean, found 'step'"),
        ("p95 <= 5d", 4, "expected '(' after 'p95', such as p95(lead_time), found '<='"),
        ("utilisation('front desk) <= 85%", 12, "unterminated name; expected a closing '"),
        // Units and numbers.
        ("p95(lead_time) <= 5x", 19, "unknown unit 'x' in '5x'; expected a duration unit (s, m, h, d, w), '%' or a rate such as 20/day"),
        ("p95(lead_time) <= 5dys", 19, "unknown unit 'dys' in '5dys'; did you mean 'days'?"),
        ("p95(lead_time) <= 1e999d", 18, "expected a finite number, found '1e999'"),
        // Scopes that make no sense.
        ("utilisation(demand: orders) <= 85%", 12, "utilisation is not measured per demand type; it is measured per area"),
        ("p95(lead_time, step: ship) <= 1d", 15, "lead_time is not measured per step; it is measured for the system or per demand type"),
        ("mean(wip, demand: orders) < 5", 10, "wip is not measured per demand type; it is measured for the system"),
        ("mean(wip, orders) < 5", 10, "wip is measured for the system only; it takes no scope"),
        ("rate(area: logistics) > 1/h", 5, "rate is not measured per area; it is measured per demand type"),
        ("turned_away(logistics) <= 3", 12, "'logistics' is an area, not a demand type; write area: logistics"),
        ("p95(lead_time, demand: orders, area: logistics) <= 3d", 31,
         "a figure takes one scope (demand, area or step), found a second: 'area: logistics'"),
        ("utilisation <= 85%", 0, "utilisation is measured per area; name one, such as utilisation(logistics)"),
        ("mean(wait) <= 1h", 9, "wait is measured per step; name one, such as mean(wait, step: credit-check)"),
        // Functions applied to the wrong figure.
        ("lead_time <= 5d", 0, "lead_time is a distribution; write a statistic of it, such as mean(lead_time) or p95(lead_time)"),
        ("queue(warehouse) < 12", 0, "queue is a time average; write mean(queue, area: logistics)"),
        ("mean(on_time) >= 95%", 0, "on_time is one figure per replication, not a distribution; write on_time without mean"),
        ("p95(queue, area: warehouse) < 12", 0, "p95 of queue is not measured; use mean"),
        ("p95(area: warehouse) < 12", 4, "expected a metric as the first argument of p95, such as p95(lead_time), found 'area: warehouse'"),
        ("share(rework) <= 10%", 6,
         "share(rework) is not defined; share applies to 'completed', 'cancelled', 'turned_away', 'abandoned' or 'unfinished', as a part of arrivals"),
        ("share(on_time) >= 95%", 6, "on_time is already a share; write on_time"),
        ("share(cancelled, area: warehouse) <= 1%", 17, "share(cancelled) is not measured per area; it is measured for the system or per demand type"),
    ] as [(String, Int, String)])
    func expectationErrors(text: String, offset: Int, message: String) {
        #expect(throws: ExpressionError(offset: offset, message: message)) {
            try ExpressionParser.expectation(text, in: Fixture.context)
        }
    }

    @Test(arguments: [
        ("", 0, "the expression is empty; expected a metric such as p95(lead_time)"),
        ("p95(lead_time) <= 5d", 15, "unexpected '<=' after the expression"),
        ("rate(orders))", 12, "unexpected ')'"),
        ("mean(wip) +", 11, "expected a metric such as p95(lead_time) or a value such as 5d, found end of text"),
    ] as [(String, Int, String)])
    func expressionErrors(text: String, offset: Int, message: String) {
        #expect(throws: ExpressionError(offset: offset, message: message)) {
            try ExpressionParser.expression(text, in: Fixture.context)
        }
    }

    /// Parsing and evaluation recurse, so depth is bounded: deep text is an error, never a crash.
    @Test func depthIsBounded() throws {
        let message = "the expression is nested too deeply; expected at most 100 levels of operators and parentheses"
        #expect(throws: ExpressionError(offset: 100, message: message)) {
            try ExpressionParser.expression(String(repeating: "(", count: 5000) + "rework" + String(repeating: ")", count: 5000), in: Fixture.context)
        }
        #expect(throws: ExpressionError(offset: 100, message: message)) {
            try ExpressionParser.expression(String(repeating: "-", count: 5000) + "rework", in: Fixture.context)
        }
        // The 100th '+' of "rework + rework + …" stands at 9 × 100 − 2.
        #expect(throws: ExpressionError(offset: 898, message: message)) {
            try ExpressionParser.expression("rework" + String(repeating: " + rework", count: 5000), in: Fixture.context)
        }
        let longest = try ExpressionParser.expression("rework" + String(repeating: " + rework", count: 99), in: Fixture.context)
        var metrics = [Double](repeating: 0, count: Fixture.layout.count)
        metrics[Fixture.layout.index("rework")!] = 2
        #expect(longest.value(metrics, layout: Fixture.layout) == 200)
    }

    /// Offsets count `Character`s, not bytes or UTF-16 units, so a caret lines up under text with
    /// accents or symbols.
    @Test func offsetsCountCharacters() {
        #expect(throws: ExpressionError(offset: 19, message: "unknown unit 'x' in '5x'; expected a duration unit (s, m, h, d, w), '%' or a rate such as 20/day")) {
            try ExpressionParser.expectation("mean(lead_time) ≤ 5x", in: Fixture.context)
        }
    }
}
