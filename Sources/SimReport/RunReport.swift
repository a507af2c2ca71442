import SimExperiment
import SimGate
import SimExpressions
import SimKernel
import SimModel
import SimStatistics

/// The report of `procsim run`: the same content as text for people and as JSON for scripts.
public struct RunReport: Sendable {
    public static let schema = "procsim.run/1"

    public let result: ExperimentResult
    public let provenance: Provenance
    /// Warnings from the scenario, already printed to stderr; repeated in JSON for scripts.
    public let warnings: [String]
    /// Areas whose offered load is at or above their staff.
    public let unstableAreas: [String]
    /// The scenario's expectations with their estimates and verdicts.
    public let expectations: [ExpectationResult]

    /// A precision-driven run: the target, the figures it applied to, whether it was reached.
    public struct Precision: Sendable {
        public var target: Double
        public var figures: [String]
        public var reached: Bool
        public var replications: Int

        public init(target: Double, figures: [String], reached: Bool, replications: Int) {
            self.target = target
            self.figures = figures
            self.reached = reached
            self.replications = replications
        }
    }
    public let precision: Precision?

    /// A warm-up estimated by MSER-5 (`--warmup auto`).
    public typealias AutoWarmup = WarmupEstimate
    public let autoWarmup: AutoWarmup?

    public init(result: ExperimentResult, provenance: Provenance, warnings: [String], analysis: FlowAnalysis, expectations: [ExpectationResult] = [], precision: Precision? = nil, autoWarmup: AutoWarmup? = nil) {
        self.precision = precision
        self.autoWarmup = autoWarmup
        self.result = result
        self.provenance = provenance
        self.warnings = warnings
        unstableAreas = analysis.unstableAreas(of: result.model).map { result.model.areas[$0].name }
        self.expectations = expectations
    }

    var model: Model { result.model }

    // MARK: - JSON

    func estimate(_ e: Estimate?) -> JSONValue { e?.jsonValue ?? .null }

    /// The figures of one scope, nested by the part before the dot: `lead_time.p95` becomes
    /// `"lead_time": {"p95": …}`, so the JSON path reads like the expression `p95(lead_time)`.
    func figures(_ names: [String], _ scope: MetricScope) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        var groups: [String: Int] = [:]
        for name in names {
            let value = estimate(result.estimate(name, scope))
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 1 {
                out.append((name, value))
            } else if let i = groups[parts[0]], case .object(var inner) = out[i].1 {
                inner.append((parts[1], value))
                out[i].1 = .object(inner)
            } else {
                groups[parts[0]] = out.count
                out.append((parts[0], .object([(parts[1], value)])))
            }
        }
        return out
    }

    /// Adds a field to the nested object `group` of `pairs`.
    static func add(_ key: String, _ value: JSONValue, to group: String, in pairs: inout [(String, JSONValue)]) {
        guard let i = pairs.firstIndex(where: { $0.0 == group }), case .object(var inner) = pairs[i].1 else { return }
        inner.append((key, value))
        pairs[i].1 = .object(inner)
    }

    public var json: JSONValue {
        var system = figures(MetricLayout.outcome + MetricLayout.systemOnly, .system)
        Self.add("method", .string(result.leadTimeMethod.rawValue), to: "lead_time", in: &system)
        Self.add("distribution", result.leadTimeDistribution.map { d in
            .object([
                ("edges", .array(d.edges.map { .number($0) })),
                ("share", .array(d.shares.map { estimate($0) })),
                ("ecdf", .array(d.ecdf.map { estimate($0) })),
            ])
        } ?? .null, to: "lead_time", in: &system)
        Self.add("series", .object([
            ("time", .array(result.wipSeriesTimes.map { .number($0) })),
            ("mean", .array(result.wipSeriesMean.map { .number($0) })),
        ]), to: "wip", in: &system)
        let demand: [(String, JSONValue)] = model.demands.enumerated().map { d, spec in
            (spec.name, .object([
                ("journey", .string(model.journeys[spec.journey].name)),
                ("promise", .number(spec.promise)),
            ] + figures(MetricLayout.outcome, .demand(d))))
        }
        let areas: [(String, JSONValue)] = model.areas.enumerated().map { a, spec in
            (spec.name, .object([
                ("staff", spec.staff.map { .integer($0) } ?? .string("unlimited")),
                ("stable", .bool(!unstableAreas.contains(spec.name))),
            ] + figures(MetricLayout.area, .area(a))))
        }
        var steps: [(String, JSONValue)] = []
        for (j, journey) in model.journeys.enumerated() {
            for (s, step) in journey.steps.enumerated() {
                var fields = figures(MetricLayout.step, .step(journey: j, step: s))
                // Means and maxima are exact; percentiles too up to the step limit, then a log histogram.
                Self.add("method", .string(result.stepMethod.rawValue), to: "wait", in: &fields)
                Self.add("method", .string(result.stepMethod.rawValue), to: "service", in: &fields)
                steps.append(("\(journey.name)/\(step.name)", .object([
                    ("journey", .string(journey.name)),
                    ("step", .string(step.name)),
                    ("area", .string(model.areas[step.area].name)),
                ] + fields)))
            }
        }
        return .object([
            ("schema", .string(Self.schema)),
            ("provenance", provenance.json),
            ("scenario", .object([
                ("name", .string(model.name)),
                ("horizon", .number(model.horizon)),
                ("warmup", .number(model.warmup)),
            ])),
            ("stable", .bool(unstableAreas.isEmpty)),
            ("warmup_auto", autoWarmup.map { w in
                .object([("warmup", .number(w.warmup)), ("settled", .bool(w.settled)), ("method", .string("MSER-5"))])
            } ?? .null),
            ("precision", precision.map { p in
                .object([
                    ("target", .number(p.target)), ("figures", .array(p.figures.map { .string($0) })),
                    ("reached", .bool(p.reached)), ("replications", .integer(p.replications)),
                ])
            } ?? .null),
            ("warnings", .array(warnings.map { .string($0) })),
            ("system", .object(system)),
            ("demand", .object(demand)),
            ("areas", .object(areas)),
            ("steps", .object(steps)),
            ("expectations", .array(expectations.map { e in
                .object([
                    ("expression", .string(e.expectation.source)),
                    ("value", estimate(e.estimate)),
                    ("threshold", .number(e.expectation.threshold)),
                    ("verdict", .string(e.verdict.rawValue)),
                ])
            })),
            ("kernel", .object([
                ("events", .integer(result.events)),
                ("model_events", .integer(result.modelEvents)),
            ])),
        ])
    }

    // MARK: - Text

    /// A share as written on the command line: 2%, 0.05%.
    static func share(_ x: Double) -> String {
        let percent = x * 100
        return (percent == percent.rounded() ? String(Int(percent)) : String(format: "%g", percent)) + "%"
    }

    /// `value [lo, hi]` with one replication's worth of caution: no interval for n < 2.
    func cell(_ e: Estimate?, _ format: (Double?) -> String) -> String {
        guard let e, let x = e.estimate else { return "–" }
        guard let ci = e.ci95 else { return format(x) }
        return "\(format(x))  [\(format(ci.low)), \(format(ci.high))]"
    }

    /// A duration with its interval, all in the unit that suits the estimate.
    func durationCell(_ e: Estimate?) -> String {
        guard let x = e?.estimate else { return "–" }
        let unit = Formatting.unit(for: x)
        return cell(e) { Formatting.duration($0, unit: unit) }
    }

    /// Rows padded into columns as wide as their widest cell; the last column is not padded.
    public static func table(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max()! + 3 }
        return rows.map { row in
            row.enumerated().map { c, text in
                c == row.count - 1 ? text : text + String(repeating: " ", count: widths[c] - text.count)
            }.joined()
        }
    }

    func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    public var text: String {
        let r = result
        var lines: [String] = []
        let horizon = model.horizon.map { "horizon \(Formatting.duration($0))" } ?? "until drained"
        lines.append("\(model.name) · \(provenance.scenarioFile)")
        if let variant = provenance.variant { lines.append("variant \(variant)") }
        if !provenance.overrides.isEmpty { lines.append("with " + provenance.overrides.map { "--set \($0)" }.joined(separator: " ")) }
        lines.append("seed \(provenance.seed) · \(provenance.replications) replication\(provenance.replications == 1 ? "" : "s") · \(horizon) · \(model.warmup > 0 ? "warm-up \(Formatting.duration(model.warmup))" : "no warm-up") · stream keying v\(StreamKeying.version)")
        if provenance.replications > 1 { lines.append("figures are means over replications with 95% confidence intervals") }
        if let w = autoWarmup {
            lines.append(w.settled
                ? "warm-up estimated by MSER-5 on the replication-averaged work in progress: \(Formatting.duration(w.warmup))"
                : "NEVER SETTLES: MSER-5 finds no steady state within the horizon (a transient as long as the run, or a backlog that keeps growing); figures cover the whole run")
        }
        if let p = precision {
            let figures = p.figures.joined(separator: ", ")
            lines.append(p.reached
                ? "precision ±\(Self.share(p.target)) reached for \(figures) after \(Formatting.counted(p.replications, "replication"))"
                : "PRECISION NOT REACHED: ±\(Self.share(p.target)) for \(figures) still not met at the cap of \(Formatting.counted(p.replications, "replication")) (--max-replications)")
        }
        if !unstableAreas.isEmpty {
            lines.append("")
            lines.append("UNSTABLE: demand exceeds capacity in \(unstableAreas.joined(separator: ", ")); queues grow for as long as the run lasts, so figures depend on how long it runs.")
            let series = zip(r.wipSeriesTimes, r.wipSeriesMean)
            let picks = Array(series.enumerated().filter { $0.offset % max(1, r.wipSeriesTimes.count / 5) == 0 }.map(\.element))
            if !picks.isEmpty {
                lines.append("  work in progress over time: " + picks.map { "\(Formatting.duration($0.0)): \(Formatting.number($0.1))" }.joined(separator: ", "))
            }
        }
        lines.append("")
        let completed = r.estimate("completed")?.estimate
        lines.append("Lead time, arrival to delivery (elapsed; \(Formatting.count(completed)) item\(completed == 1 ? "" : "s") per replication; percentiles \(r.leadTimeMethod == .exact ? "exact, nearest rank" : "from a histogram, within 0.39%"))")
        for (label, name) in [("mean", "lead_time.mean"), ("p50", "lead_time.p50"), ("p90", "lead_time.p90"), ("p95", "lead_time.p95"), ("p99", "lead_time.p99"), ("max", "lead_time.max")] {
            lines.append("  " + pad(label, 8) + durationCell(r.estimate(name)))
        }
        if model.calendarTime {
            lines.append("Business lead time (working hours of each demand type's promise calendar)")
            for (label, name) in [("mean", "business_lead_time.mean"), ("p50", "business_lead_time.p50"), ("p95", "business_lead_time.p95")] {
                lines.append("  " + pad(label, 8) + cell(r.estimate(name)) { Formatting.duration($0, unit: ("h", 3600)) })
            }
        }
        // Each promise on its own clock, named by demand type when there are several.
        let promises = model.demands.compactMap { d in
            d.promise.map { p in
                (model.demands.count > 1 ? d.name + " " : "")
                    + (d.promiseClock == .business ? "\(Formatting.duration(p, unit: ("h", 3600))) of working time" : Formatting.duration(p))
            }
        }
        if !promises.isEmpty {
            lines.append("  " + pad("on time", 8) + cell(r.estimate("on_time"), Formatting.percent) + "  (promise: \(promises.joined(separator: ", ")))")
        }
        lines.append("Throughput      " + cell(r.estimate("throughput"), Formatting.ratePerDay))
        lines.append("Work in progress " + cell(r.estimate("wip.mean"), Formatting.number) + " items on average")
        if model.demands.count > 1 {
            lines.append("")
            var rows = [["By demand type", "completed", "mean lead time", "p95 lead time", "on time"]]
            for d in model.demands.indices {
                rows.append([
                    "  " + model.demands[d].name,
                    Formatting.count(r.estimate("completed", .demand(d))?.estimate),
                    durationCell(r.estimate("lead_time.mean", .demand(d))),
                    durationCell(r.estimate("lead_time.p95", .demand(d))),
                    cell(r.estimate("on_time", .demand(d)), Formatting.percent),
                ])
            }
            lines += Self.table(rows)
        }
        lines.append("")
        // Turned away only matters where a queue has a limit; the column appears only then.
        let limited = model.areas.contains { $0.queueLimit != nil }
        let withSetups = model.areas.contains { $0.setup != nil }
        var areaRows = [["Areas", "staff", "utilisation", "mean queue"] + (limited ? ["turned away"] : []) + (withSetups ? ["set-ups"] : [])]
        for (a, area) in model.areas.enumerated() {
            let util = area.staff == nil ? "– (\(Formatting.number(r.estimate("busy.mean", .area(a))?.estimate)) busy)" : cell(r.estimate("utilisation", .area(a)), Formatting.percent)
            // With working hours or shifts, the mean on duty is what the utilisation divides by.
            var staffText = area.staff.map(String.init) ?? "unlimited"
            if area.staff != nil, area.schedule != nil || !area.systems.isEmpty || area.callIn != nil,
               let onDuty = r.estimate("on_duty.mean", .area(a))?.estimate {
                staffText += " (\(Formatting.number(onDuty)) at work on average)"
            }
            var row = ["  " + area.name, staffText, util, cell(r.estimate("queue.mean", .area(a)), Formatting.number)]
            if limited { row.append(area.queueLimit == nil ? "–" : cell(r.estimate("turned_away", .area(a)), Formatting.count)) }
            if withSetups { row.append(area.setup == nil ? "–" : Formatting.count(r.estimate("setups", .area(a))?.estimate)) }
            areaRows.append(row)
        }
        lines += Self.table(areaRows)
        lines.append("")
        // Handoff, abandonment and failure columns appear only where the journeys have them.
        let steps = model.journeys.flatMap(\.steps)
        let showHandoff = steps.contains { $0.handoff != nil }
        let showAbandoned = steps.contains { $0.patience != nil } || model.demands.contains { $0.patience != nil }
        let showFailed = steps.contains { $0.failure != nil }
        var stepRows = [["Steps", "visits", "waited", "mean wait", "p95 wait", "mean work"]
            + (showHandoff ? ["mean handoff"] : []) + (showAbandoned ? ["gave up"] : []) + (showFailed ? ["failed"] : [])]
        for (j, journey) in model.journeys.enumerated() {
            for (s, step) in journey.steps.enumerated() {
                let scope = MetricScope.step(journey: j, step: s)
                let name = model.journeys.count > 1 ? "\(journey.name)/\(step.name)" : step.name
                stepRows.append([
                    "  " + name, Formatting.count(r.estimate("visits", scope)?.estimate),
                    Formatting.percent(r.estimate("waited", scope)?.estimate),
                    durationCell(r.estimate("wait.mean", scope)), durationCell(r.estimate("wait.p95", scope)),
                    durationCell(r.estimate("service.mean", scope)),
                ] + (showHandoff ? [step.handoff == nil ? "–" : durationCell(r.estimate("handoff.mean", scope))] : [])
                  + (showAbandoned ? [Formatting.count(r.estimate("abandoned", scope)?.estimate)] : [])
                  + (showFailed ? [step.failure == nil ? "–" : Formatting.count(r.estimate("failed", scope)?.estimate)] : []))
            }
        }
        lines += Self.table(stepRows)
        lines.append("")
        func count(_ name: String) -> String { Formatting.count(r.estimate(name)?.estimate) }
        lines.append("Per replication\(model.warmup > 0 ? ", after the warm-up" : ""): \(count("arrivals")) arrived, \(count("completed")) delivered, \(count("rework")) sent back for rework, \(count("cancelled")) cancelled, \(count("turned_away")) turned away\(showAbandoned ? ", \(count("abandoned")) gave up waiting" : "").")
        let open = r.estimate("unfinished")?.estimate ?? 0
        if open > 0 {
            lines.append("Still in progress at the end: \(count("unfinished")) \(count("unfinished") == "1" ? "item" : "items") (mean age \(Formatting.duration(r.estimate("unfinished_age.mean")?.estimate)), oldest \(Formatting.duration(r.estimate("unfinished_age.max")?.estimate))); they are not in the lead-time figures.")
        }
        if !expectations.isEmpty {
            lines.append("")
            var rows = [["Expectations", "value", "verdict"]]
            for e in expectations {
                let value = e.valueText
                let verdict = switch e.verdict {
                case .met: "met"
                case .violated: "NOT MET"
                case .undecided where e.estimate.estimate == nil: "undefined (no replication has a value)"
                case .undecided: "undecided (the interval straddles the threshold; add replications)"
                }
                rows.append(["  " + e.expectation.source, value, verdict])
            }
            lines += Self.table(rows)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// How reports show an expectation's value and the interval its verdict rests on.
extension ExpectationResult {
    /// The value and its interval as reports show them, in one unit chosen from the value, at
    /// the precision of the other figures: a bound that rounds onto the threshold would make
    /// the verdict look wrong. Working hours are shown in hours; a ratio compared with a
    /// percentage reads as one.
    public var valueText: String {
        guard let x = estimate.estimate else { return "–" }
        let f: (Double) -> String
        switch expectation.expression.dimension ?? .number {
        case .duration:
            let unit = expectation.source.contains("business_lead_time") ? ("h", 3600.0) : Formatting.unit(for: abs(x))
            f = { Formatting.duration($0, unit: unit) }
        case .fraction: f = { Formatting.percent($0) }
        case .rate: f = { Formatting.ratePerDay($0) }
        case .number where expectation.source.hasSuffix("%"): f = { Formatting.percent($0) }
        case .count, .number: f = { Formatting.number($0) }
        }
        return estimate.ci95.map { "\(f(x))  [\(f($0.low)), \(f($0.high))]" } ?? f(x)
    }

    /// The decision interval in the unit `valueText` uses, with one more digit: it is what
    /// the verdict compares with the threshold, so it must show on which side it lies.
    public var decisionText: String {
        guard let x = estimate.estimate, let ci = decisionInterval else { return "–" }
        let f: (Double) -> String
        switch expectation.expression.dimension ?? .number {
        case .duration:
            let unit = expectation.source.contains("business_lead_time") ? ("h", 3600.0) : Formatting.unit(for: abs(x))
            f = { String(format: "%.3f", $0 / unit.1) + unit.0 }
        case .fraction: f = { String(format: "%.2f%%", $0 * 100) }
        case .number where expectation.source.hasSuffix("%"): f = { String(format: "%.2f%%", $0 * 100) }
        case .rate: f = { String(format: "%.3f/day", $0 * 86_400) }
        case .count, .number: f = { String(format: "%.4g", $0) }
        }
        return "[\(f(ci.low)), \(f(ci.high))]"
    }
}
