import Foundation
import SimExperiment
import SimExpressions
import SimGate
import SimModel
import SimStatistics

// MARK: - Renderings

extension ScenarioCheck {
    public var outcomeName: String { ["passed", "failed", "inconclusive"][Int(exitCode)] }

    /// The check ended at a failure before the cap, leaving other verdicts open.
    var stoppedEarly: Bool { exitCode == 1 && provenance.replications < maxReplications }

    /// The readable report: the expectations' table, the baseline figures that moved, a verdict.
    public var text: String {
        let n = provenance.replications
        var lines = ["Check · \(scenario.file)\(scenario.variant.map { " · variant \($0)" } ?? "") · seed \(provenance.seed) · \(n) replication\(n == 1 ? "" : "s")"]
        let level = String(format: "%.2f", confidence * 100) + "%"
        lines.append("Every verdict rests on a \(level) interval: \(looks) look\(looks == 1 ? "" : "s") allowed, α = \(String(format: "%g", alpha * 100))% overall per expectation and per family of baseline tests")
        if !expectations.isEmpty {
            var rows = [["  expectation", "value (95% interval)", "decision interval (\(level))", "verdict"]]
            for v in expectations {
                let open = stoppedEarly ? "undecided" : "INCONCLUSIVE"
                rows.append(["  " + v.expectation.source, v.valueText, v.decisionText, ["met": "met", "violated": "VIOLATED", "undecided": open][v.verdict.rawValue]!])
            }
            lines += RunReport.table(rows)
        }
        if let b = baseline {
            let c = b.comparison
            lines.append("")
            lines.append("Against the baseline \(b.file) (seed \(b.recorded.seed), \(c.pairing == .paired ? "paired by replication" : "unpaired, fresh seeds")\(b.scenarioChanged ? "" : "; the model is unchanged"))")
            lines.append("\(Formatting.counted(c.figures.count, "figure")) judged; worse beyond tolerance (Holm-adjusted p < \(String(format: "%.2g", c.alpha))) fails; a figure neither shown worse nor shown within its tolerance is undecided")
            let moved = c.figures.filter { $0.verdict != .within }
            if moved.isEmpty {
                lines.append("  every figure is within its tolerance")
            } else {
                var rows = [["  ", "figure", "baseline", "now", "change (95% interval)", "tolerance", "p (Holm)"]]
                for f in moved.sorted(by: { ["worse": 0, "undecided": 1, "better": 2][$0.verdict.rawValue]! < ["worse": 0, "undecided": 1, "better": 2][$1.verdict.rawValue]! }) {
                    let change = f.change.estimate.map { x in
                        Self.figureText(f.key, x, signed: true) + (f.change.ci95.map { "  [\(Self.figureText(f.key, $0.low, signed: true)), \(Self.figureText(f.key, $0.high, signed: true))]" } ?? "")
                    } ?? "–"
                    rows.append(["  " + ["worse": "WORSE", "better": "better", "undecided": "UNDECIDED"][f.verdict.rawValue]!, f.key,
                                 f.base.estimate.map { Self.figureText(f.key, $0) } ?? "–", f.current.estimate.map { Self.figureText(f.key, $0) } ?? "–",
                                 change, Self.allowanceText(f), Self.pText(f.verdict == .better ? f.pBetter : f.pWorse)])
                }
                lines += RunReport.table(rows)
            }
        }
        let worse = baseline?.comparison.worse.count ?? 0
        switch exitCode {
        case 1:
            var parts: [String] = []
            if !violated.isEmpty { parts.append("\(violated.count) expectation\(violated.count == 1 ? "" : "s") violated") }
            if worse > 0 { parts.append("\(worse) figure\(worse == 1 ? "" : "s") worse than the baseline") }
            lines.append("FAILED: " + parts.joined(separator: ", "))
        case 2:
            var parts: [String] = []
            if !undecided.isEmpty { parts.append("\(undecided.count) expectation\(undecided.count == 1 ? "" : "s")") }
            let open = baseline?.comparison.undecided.count ?? 0
            if open > 0 { parts.append("\(open) figure\(open == 1 ? "" : "s") against the baseline") }
            lines.append("INCONCLUSIVE: \(parts.joined(separator: " and ")) undecided at \(Formatting.counted(n, "replication")) (the cap, --max-replications); raise it, or move the threshold or the tolerance away from the value")
        default:
            lines.append(baseline == nil ? "passed: every expectation met"
                         : expectations.isEmpty ? "passed: no figure worse than the baseline" : "passed: every expectation met and no figure worse than the baseline")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A figure's value in the unit its name implies: times as durations, shares in percent
    /// (changes in percentage points), everything else as a number.
    static func figureText(_ key: String, _ x: Double, signed: Bool = false) -> String {
        let sign = signed && x >= 0 ? "+" : signed ? "−" : ""
        let v = signed ? abs(x) : x
        switch FigureKind(key: key) {
        case .share: return signed ? sign + Formatting.number(v * 100) + "pp" : Formatting.percent(v)
        case .time: return sign + Formatting.duration(v)
        case .rate: return sign + Formatting.ratePerDay(v)
        case .count: break
        }
        // Small queue lengths and counts keep two significant digits rather than rounding to 0.00.
        return sign + (v != 0 && v < 0.1 ? String(format: "%.2g", v) : Formatting.number(v))
    }

    /// A p-value as the table shows it; one that is zero for lack of noise is not "0".
    static func pText(_ p: Double) -> String { p < 1e-9 ? "<1e-9" : String(format: "%.2g", p) }

    /// A tolerance as written: a share's in percentage points, a relative one with its amount.
    static func allowanceText(_ f: BaselineComparison.Figure) -> String {
        let amount = FigureKind(key: f.key) == .share ? String(format: "%g", f.allowance * 100) + "pp" : figureText(f.key, f.allowance)
        if case .relative(let share) = f.rule.tolerance { return "\(amount) (\(String(format: "%g", share * 100))%)" }
        return amount
    }

    /// The `procsim.check/1` entry of this scenario.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("scenario", .string(scenario.file)),
            ("variant", scenario.variant.map { .string($0) } ?? .null),
            ("outcome", .string(outcomeName)),
            ("exit_code", .integer(Int(exitCode))),
            ("provenance", provenance.jsonValue),
            ("looks_allowed", .integer(looks)),
            ("confidence", .number(confidence)),
            ("expectations", .array(expectations.map { v in
                .object([
                    ("expectation", .string(v.expectation.source)),
                    ("threshold", .number(v.expectation.threshold)),
                    ("value", v.estimate.jsonValue),
                    ("decision_interval", v.decisionInterval.map { .array([.number($0.low), .number($0.high)]) } ?? .null),
                    ("verdict", .string(["met": "met", "violated": "violated", "undecided": stoppedEarly ? "undecided" : "inconclusive"][v.verdict.rawValue]!)),
                ])
            })),
        ]
        if let b = baseline {
            fields.append(("baseline", .object([
                ("file", .string(b.file)),
                ("pairing", .string(b.comparison.pairing.rawValue)),
                ("seed", .unsigned(b.recorded.seed)),
                ("replications", .integer(b.recorded.replications)),
                ("scenario_changed", .bool(b.scenarioChanged)),
                ("alpha", .number(b.comparison.alpha)),
                ("figures", .array(b.comparison.figures.map { f in
                    let tolerance: JSONValue = switch f.rule.tolerance {
                    case .relative(let x): .object([("relative", .number(x))])
                    case .absolute(let x): .object([("absolute", .number(x))])
                    case .ignored: .null
                    }
                    return .object([
                        ("figure", .string(f.key)),
                        ("worse_if", .string(f.rule.worseIfHigher ? "higher" : "lower")),
                        ("tolerance", tolerance),
                        ("allowance", .number(f.allowance)),
                        ("base", f.base.jsonValue),
                        ("current", f.current.jsonValue),
                        ("change", f.change.jsonValue),
                        ("p_worse", .number(f.pWorse)),
                        ("p_within", .number(f.pWithin)),
                        ("p_better", .number(f.pBetter)),
                        ("verdict", .string(f.verdict.rawValue)),
                    ])
                })),
            ])))
        } else {
            fields.append(("baseline", .null))
        }
        return .object(fields)
    }

    /// One JUnit test case per expectation and per baseline figure judged.
    public var junitCases: [JUnitReport.Case] {
        var cases: [JUnitReport.Case] = expectations.map { v in
            let value = v.valueText
            switch v.verdict {
            case .met: return .init(name: v.expectation.source, outcome: .passed)
            case .violated: return .init(name: v.expectation.source, outcome: .failed("violated: \(v.expectation.source) is \(value) (95% interval; decision interval \(v.decisionText) at \(String(format: "%.2f", confidence * 100))%) after \(Formatting.counted(provenance.replications, "replication"))"))
            case .undecided: return .init(name: v.expectation.source, outcome: .skipped("undecided at \(Formatting.counted(provenance.replications, "replication"))\(stoppedEarly ? " (the check stopped at a failure)" : " (the cap)"): \(value)"))
            }
        }
        for f in baseline?.comparison.figures ?? [] {
            let name = "baseline: \(f.key)"
            if f.verdict == .worse {
                let change = f.change.estimate.map { Self.figureText(f.key, $0, signed: true) } ?? "–"
                let interval = f.change.ci95.map { ", 95% interval [\(Self.figureText(f.key, $0.low, signed: true)), \(Self.figureText(f.key, $0.high, signed: true))]" } ?? ""
                cases.append(.init(name: name, outcome: .failed("worse than the baseline: \(f.base.estimate.map { Self.figureText(f.key, $0) } ?? "–") → \(f.current.estimate.map { Self.figureText(f.key, $0) } ?? "–") (change \(change)\(interval)), beyond the tolerance of \(Self.allowanceText(f)); Holm-adjusted p = \(Self.pText(f.pWorse)) after \(Formatting.counted(provenance.replications, "replication"))")))
            } else if f.verdict == .undecided {
                cases.append(.init(name: name, outcome: .skipped("undecided at \(Formatting.counted(provenance.replications, "replication")): change \(f.change.estimate.map { Self.figureText(f.key, $0, signed: true) } ?? "–") against a tolerance of \(Self.allowanceText(f))")))
            } else {
                cases.append(.init(name: name, outcome: .passed))
            }
        }
        return cases
    }
}


/// The JUnit XML dialect CI systems read (GitLab, GitHub test reporters, Jenkins), valid against
/// the widely used JUnit XSD (`Tests/ProcsimCLITests/Resources/JUnit.xsd`).
public enum JUnitReport {
    public struct Case: Sendable {
        public enum Outcome: Sendable { case passed, failed(String), skipped(String), error(String) }
        public var name: String
        public var outcome: Outcome
        public init(name: String, outcome: Outcome) {
            self.name = name
            self.outcome = outcome
        }
    }

    /// One `testsuite` per scenario checked, in a `testsuites` root.
    public static func xml(_ suites: [(name: String, cases: [Case], seconds: Double)], timestamp: Date = Date()) -> String {
        let escape: (String) -> String = { $0.xmlEscaped }
        func count(_ cases: [Case], _ which: (Case.Outcome) -> Bool) -> Int { cases.filter { which($0.outcome) }.count }
        let isFailure: (Case.Outcome) -> Bool = { if case .failed = $0 { true } else { false } }
        let isError: (Case.Outcome) -> Bool = { if case .error = $0 { true } else { false } }
        let isSkipped: (Case.Outcome) -> Bool = { if case .skipped = $0 { true } else { false } }
        var stamps = Timestamps(start: timestamp, zone: TimeZone(identifier: "UTC")!, fractional: false)
        let stamp = stamps.string(0).replacingOccurrences(of: "Z", with: "")
        let host = ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        // The XSD allows no attributes on the root; the totals are the suites'.
        xml += "<testsuites>\n"
        for (id, suite) in suites.enumerated() {
            let c = suite.cases
            xml += "  <testsuite name=\"\(escape(suite.name))\" package=\"procsim\" id=\"\(id)\" timestamp=\"\(stamp)\" hostname=\"\(escape(host))\" tests=\"\(c.count)\" failures=\"\(count(c, isFailure))\" errors=\"\(count(c, isError))\" skipped=\"\(count(c, isSkipped))\" time=\"\(String(format: "%.3f", suite.seconds))\">\n"
            xml += "    <properties/>\n"
            for item in c {
                xml += "    <testcase name=\"\(escape(item.name))\" classname=\"\(escape(suite.name))\" time=\"0\""
                switch item.outcome {
                case .passed: xml += "/>\n"
                case .failed(let m): xml += ">\n      <failure message=\"\(escape(m))\" type=\"procsim.check\">\(escape(m))</failure>\n    </testcase>\n"
                case .error(let m): xml += ">\n      <error message=\"\(escape(m))\" type=\"procsim.check\">\(escape(m))</error>\n    </testcase>\n"
                case .skipped(let m): xml += ">\n      <skipped message=\"\(escape(m))\"/>\n    </testcase>\n"
                }
            }
            xml += "    <system-out/>\n    <system-err/>\n  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }
}
