import SimExperiment
import SimKernel
import SimModel
import SimStatistics

/// The report of `procsim compare`: designs side by side, differences paired by replication.
public struct CompareReport: Sendable {
    public static let schema = "procsim.compare/1"

    public struct Design: Sendable {
        public var name: String
        public var file: String
        public var variant: String?
        public var scenarioHash: String

        public init(name: String, file: String, variant: String?, scenarioHash: String) {
            self.name = name
            self.file = file
            self.variant = variant
            self.scenarioHash = scenarioHash
        }
    }

    public let designs: [Design]
    public let results: [ExperimentResult]
    public let comparisons: [DesignComparison]
    public let provenance: Provenance

    public init(designs: [Design], results: [ExperimentResult], provenance: Provenance) {
        self.designs = designs
        self.results = results
        self.provenance = provenance
        comparisons = DesignComparison.compare(base: results[0], designs: zip(designs.dropFirst(), results.dropFirst()).map { ($0.name, $1) })
    }

    func json(_ m: DesignComparison.Metric) -> JSONValue {
        let fields: [(String, JSONValue)] = [
            ("metric", .string(m.key)),
            ("base", m.base.jsonValue),
            ("design", m.design.jsonValue),
            ("difference", m.difference.jsonValue),
            ("p", .number(m.pValue)),
            ("p_holm", .number(m.adjustedP)),
            ("significant", .bool(m.significant)),
            ("variance_ratio", .number(m.varianceRatio)),
        ]
        return .object(fields)
    }

    func json(_ d: Design) -> JSONValue {
        let fields: [(String, JSONValue)] = [
            ("name", .string(d.name)), ("scenario", .string(d.file)),
            ("variant", d.variant.map { .string($0) } ?? .null), ("scenario_hash", .string(d.scenarioHash)),
        ]
        return .object(fields)
    }

    func json(_ c: DesignComparison) -> JSONValue {
        let significant = c.metrics.filter { $0.significant }.count
        let fields: [(String, JSONValue)] = [
            ("design", .string(c.designName)),
            ("significant", .integer(significant)),
            ("metrics", .array(c.metrics.map { json($0) })),
        ]
        return .object(fields)
    }

    public var json: JSONValue {
        let fields: [(String, JSONValue)] = [
            ("schema", .string(Self.schema)),
            ("provenance", provenance.json),
            ("base", .string(designs[0].name)),
            ("designs", .array(designs.map { json($0) })),
            ("comparisons", .array(comparisons.map { json($0) })),
        ]
        return .object(fields)
    }

    /// The figures a reader looks at first; every other one is in the JSON.
    func headline(_ model: Model) -> [String] {
        var keys = ["lead_time.mean", "lead_time.p95"]
        if model.calendarTime { keys.append("business_lead_time.p95") }
        if model.demands.contains(where: { $0.promise != nil }) { keys.append("on_time") }
        keys += ["throughput", "wip.mean"]
        if model.demands.count > 1 { keys += model.demands.map { "demand.\($0.name).lead_time.mean" } }
        keys += model.areas.filter { $0.staff != nil }.flatMap { ["areas.\($0.name).utilisation", "areas.\($0.name).queue.mean"] }
        keys += model.journeys.flatMap { j in j.steps.map { "steps.\(j.name)/\($0.name).wait.mean" } }
        return keys
    }

    /// How a figure is shown; durations in one unit chosen from the base's value, as `run` does,
    /// so that a difference of an hour is not hidden in "1d 7h".
    static func format(_ key: String, scale: Double?) -> (Double?) -> String {
        switch FigureKind(key: key) {
        case .share: return Formatting.percent
        case .rate: return Formatting.ratePerDay
        case .time:
            let unit = Formatting.unit(for: abs(scale ?? 3600))
            return { Formatting.duration($0, unit: unit) }
        case .count: return Formatting.number
        }
    }

    static func isShare(_ key: String) -> Bool { FigureKind(key: key) == .share }

    func cell(_ e: Estimate, _ f: (Double?) -> String) -> String {
        guard let x = e.estimate else { return "–" }
        guard let ci = e.ci95 else { return f(x) }
        return "\(f(x))  [\(f(ci.low)), \(f(ci.high))]"
    }

    /// A difference keeps its sign: "+1.2h", "−3.0%".
    func signed(_ e: Estimate, _ f: @escaping (Double?) -> String) -> String {
        func s(_ x: Double?) -> String {
            guard let x else { return "–" }
            return x < 0 ? "−" + f(-x) : "+" + f(x)
        }
        return cell(e, s)
    }

    public var text: String {
        var lines: [String] = []
        lines.append("Compare · base: \(designs[0].name) (\(designs[0].file))")
        lines.append("seed \(provenance.seed) · \(Formatting.counted(provenance.replications, "replication")) per design, on common random numbers · stream keying v\(StreamKeying.version)")
        lines.append("differences are design − base, paired by replication, with 95% intervals; significant: Holm-adjusted p < 0.05 across \(comparisons.reduce(0) { $0 + $1.metrics.filter { $0.pValue != nil }.count }) tests")
        for (i, comparison) in comparisons.enumerated() {
            let design = designs[i + 1]
            lines.append("")
            lines.append("\(design.name)\(design.variant == nil ? " (\(design.file))" : "")")
            var rows = [["  metric", designs[0].name, design.name, "difference", "", "variance vs unpaired"]]
            var byKey: [String: DesignComparison.Metric] = [:]
            for m in comparison.metrics where byKey[m.key] == nil { byKey[m.key] = m }
            for key in headline(results[0].model) {
                guard let m = byKey[key], m.base.estimate != nil || m.design.estimate != nil else { continue }
                let f = Self.format(key, scale: m.base.estimate)
                // A difference of shares is in percentage points.
                let g: (Double?) -> String = Self.isShare(key) ? { $0.map { Formatting.number($0 * 100) + " pp" } ?? "–" } : f
                rows.append([
                    "  " + key, cell(m.base, f), cell(m.design, f), signed(m.difference, g),
                    m.significant ? "significant" : "",
                    m.varianceRatio.map { "\(Formatting.percent($0))" } ?? "–",
                ])
            }
            lines += RunReport.table(rows)
            let significant = comparison.metrics.filter { $0.significant }
            // Figures the change leaves the same in every replication (upstream of it, areas it does
            // not touch) have a ratio of 0: with them the median would say "0%" of nearly any change.
            let ratios = comparison.metrics.compactMap { $0.varianceRatio }.filter { $0 > 0 }.sorted()
            let median = ratios.isEmpty ? nil : ratios[ratios.count / 2]
            let tested = comparison.metrics.filter { $0.pValue != nil }.count
            lines.append("  \(significant.count) of \(tested) figures tested differ significantly\(median.map { "; on the \(Formatting.counted(ratios.count, "figure")) the change moves, common random numbers cut the variance of a difference to a median \(Formatting.percent($0)) of that of unpaired runs" } ?? "")")
            let removed = Set(DesignComparison.keys(results[0]).map(\.key)).subtracting(comparison.metrics.map(\.key))
            if !removed.isEmpty {
                let parts = Set(removed.map { key -> String in
                    let pieces = key.split(separator: ".")
                    return pieces.count > 2 ? pieces.prefix(2).joined(separator: ".") : key
                }).sorted()
                lines.append("  not in \(design.name): \(parts.joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
