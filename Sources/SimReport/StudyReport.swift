import Foundation
import SimExperiment
import SimExpressions

/// `procsim study` as text, as the `procsim.study/1` document, as HTML and as CSV.
public struct StudyReport: Sendable {
    public let result: StudyResult
    /// Per factor, the unit its range was written in (`/day`; empty for a plain number).
    public let units: [String]
    /// The figures explained, as written, and parsed.
    public let targets: [String]
    public let figures: [MetricExpression]
    /// `full` or `lhs`.
    public let design: String
    public let provenance: Provenance

    public init(result: StudyResult, units: [String], targets: [String], figures: [MetricExpression], design: String, provenance: Provenance) {
        self.result = result
        self.units = units
        self.targets = targets
        self.figures = figures
        self.design = design
        self.provenance = provenance
    }

    var factors: [Study.Factor] { result.factors }

    public var json: JSONValue {
        .object([
            ("schema", .string("procsim.study/1")),
            ("provenance", provenance.jsonValue),
            ("design", .string(design)),
            ("factors", .array(zip(factors, units).map { f, unit in
                .object([("path", .string(f.path)), ("low", .number(f.low)), ("high", .number(f.high)), ("unit", .string(unit))])
            })),
            ("points", .array(zip(result.values, result.figures).map { v, y in .object([("values", .array(v.map { .number($0) })), ("figures", .array(y.map { .number($0) }))]) })),
            ("metamodels", .array(zip(targets, result.fits).map { text, fit in
                .object([
                    ("figure", .string(text)),
                    ("intercept", .number(fit?.intercept)),
                    ("residual_degrees", fit.map { .integer($0.residualDegrees) } ?? .null),
                    ("effects", .array(factors.indices.map { i in
                        let e = fit?.effects[i]
                        return .object([
                            ("factor", .string(factors[i].path)),
                            ("effect", .number(e?.estimate)),
                            ("ci95", e?.ci95.map { .array([.number($0.low), .number($0.high)]) } ?? .null),
                        ])
                    })),
                ])
            })),
        ])
    }

    /// Factor `i` with its range, as written: `areas.logistics.staff 2..5`.
    func range(_ i: Int) -> String {
        "\(factors[i].path) \(Self.show(factors[i].low))\(units[i])..\(Self.show(factors[i].high))\(units[i])"
    }

    public var text: String {
        let n = result.settings.replications
        var lines = ["Study · \(provenance.scenarioFile) · \(Formatting.counted(result.design.count, "design point")) (\(design)) · \(Formatting.counted(n, "replication")) each · seed \(result.settings.seed), common random numbers"]
        lines.append("effects are the change of a figure across a factor's whole range (linear metamodel, least squares), with 95% intervals")
        for ((text, fit), expression) in zip(zip(targets, result.fits), figures) {
            let show: (Double) -> String = switch expression.dimension {
            case .duration: { Formatting.duration($0) }
            case .fraction: { Formatting.percent($0) }
            case .rate: { Formatting.ratePerDay($0) }
            default: { Self.show($0) }
            }
            lines.append("")
            guard let fit else { lines.append("\(text): too few design points to fit"); continue }
            lines.append(text)
            let order = fit.effects.indices.sorted { abs(fit.effects[$0].estimate ?? 0) > abs(fit.effects[$1].estimate ?? 0) }
            for (rank, i) in order.enumerated() {
                let e = fit.effects[i]
                let signed: (Double) -> String = { $0 < 0 ? "−" + show(-$0) : "+" + show($0) }
                let ci = e.ci95.map { "  [\(signed($0.low)), \(signed($0.high))]" } ?? ""
                lines.append("  \(rank + 1). \(range(i)): \(signed(e.estimate ?? .nan))\(ci)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public var html: String {
        HTMLReport.study(
            title: "procsim study · \(provenance.scenarioFile)", provenance: provenance, text: text, data: json,
            effects: zip(zip(targets, result.fits), figures).compactMap { pair, expression in
                let (text, fit) = pair
                guard let fit else { return nil }
                let format: @Sendable (Double) -> String = switch expression.dimension {
                case .duration: { Formatting.duration($0) }
                case .fraction: { String(format: "%.1fpp", $0 * 100) }
                case .rate: { Formatting.ratePerDay($0) }
                default: { String(format: "%.3g", $0) }
                }
                let effects: [(name: String, effect: Double, low: Double, high: Double)] = factors.indices.compactMap { i in
                    guard let x = fit.effects[i].estimate else { return nil }
                    let ci = fit.effects[i].ci95 ?? (x, x)
                    return (name: range(i), effect: x, low: ci.low, high: ci.high)
                }
                return (target: text, format: format, factors: effects)
            })
    }

    /// `points.csv`: a row per design point, its factor values and figures.
    public var csv: [(file: String, text: String)] {
        var csv = (zip(factors, units).map { f, unit in CSVExport.field(f.path + (unit.isEmpty ? "" : " (\(unit))")) } + targets.map(CSVExport.field)).joined(separator: ",") + "\n"
        for (v, y) in zip(result.values, result.figures) { csv += (v + y).map { CSVExport.value($0) }.joined(separator: ",") + "\n" }
        return [("points.csv", csv)]
    }

    static func show(_ x: Double) -> String { abs(x) >= 1000 || x == x.rounded() ? String(Int(x.rounded())) : String(format: "%.4g", x) }
}
