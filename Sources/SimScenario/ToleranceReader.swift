import SimModel
import Yams

/// `tolerances:` — how much worse than its baseline a figure may get before `check` counts it.
extension ModelBuilder {
    mutating func tolerances(_ node: Node?, model: Model) -> ToleranceTable {
        guard let node else { return ToleranceTable() }
        guard case .mapping(let mapping) = node else {
            reader.error(node, "tolerances", "expected a mapping from figure names to tolerances, such as 'lead_time.p95: 5%', found \(NodeReader.describe(node))")
            return ToleranceTable()
        }
        let keys = MetricLayout.figures(of: model).map(\.key)
        var table = ToleranceTable()
        for (keyNode, valueNode) in mapping {
            guard let pattern = keyNode.scalar?.string, !pattern.isEmpty else { continue }
            guard let text = valueNode.scalar?.string else {
                reader.error(valueNode, "tolerances.\(pattern)", "expected a tolerance such as '5%', '2pp', '30m', a number or 'ignore', found \(NodeReader.describe(valueNode))")
                continue
            }
            switch Self.entry(pattern, text, keys: keys) {
            case .success(let tolerance): table.entries.append((pattern, tolerance))
            case .failure(let problem): reader.error(problem.inKey ? keyNode : valueNode, "tolerances.\(pattern)", problem.message)
            }
        }
        return table
    }

    /// One entry: the figures its name matches, and its value read for them.
    static func entry(_ pattern: String, _ text: String, keys: [String]) -> Result<Tolerance, ToleranceProblem> {
        let named = keys.filter { ToleranceTable.matches(pattern, $0) }
        let matched = named.filter { FigureRule.direction(for: $0) != nil }
        if !named.isEmpty && matched.isEmpty {
            return .failure(.init(message: "'\(named[0])' is not judged against baselines (more of it is neither better nor worse for a customer), so it takes no tolerance; judged figures are times, queues, losses, on-time shares and throughput", inKey: true))
        }
        guard !matched.isEmpty else {
            let hint = Names.nearest(pattern, among: keys).map { "; did you mean '\($0)'?" } ?? " (figure names are those `check` reports, such as 'lead_time.p95', 'areas.NAME.queue.mean', 'steps.JOURNEY/STEP.wait.p95'; '*' matches any characters)"
            return .failure(.init(message: "no figure is named '\(pattern)'\(hint)", inKey: true))
        }
        return tolerance(text, for: matched)
    }

    struct ToleranceProblem: Error {
        var message: String
        /// The problem is the figure's name, not the value.
        var inKey = false
    }

    /// Reads one tolerance for the figures it will apply to: `5%` relative to the baseline;
    /// `2pp` percentage points, for shares; a duration, for times; a plain number, for counts
    /// and queue lengths; `ignore`. A unit that does not fit a figure is refused rather than
    /// guessed: "1%" of an on-time share would be a hundredth of it, not one point.
    static func tolerance(_ text: String, for figures: [String]) -> Result<Tolerance, ToleranceProblem> {
        let value = text.trimmingCharacters(in: .whitespaces)
        func kind(_ key: String) -> String {
            switch FigureKind(key: key) {
            case .time: "time"
            case .share: "share"
            case .count: "count"
            case .rate: "rate"
            }
        }
        let kinds = Set(figures.map(kind))
        func refuse(_ unit: String, _ expected: String) -> Result<Tolerance, ToleranceProblem> {
            let example = figures.first { kind($0) != expected } ?? figures[0]
            let more = ["share": " or percentage points such as '2pp'", "time": " or a duration such as '30m'", "count": " or a number of items such as '2'", "rate": ""][kind(example)]!
            return .failure(ToleranceProblem(message: "'\(value)' is \(unit), which does not fit '\(example)' (a \(kind(example))); write a relative tolerance such as '5%'\(more)"))
        }
        if value == "ignore" { return .success(.ignored) }
        if value.hasSuffix("%"), let x = Double(value.dropLast().trimmingCharacters(in: .whitespaces)), x >= 0, x.isFinite {
            return .success(.relative(x / 100))
        }
        if value.hasSuffix("pp"), let x = Double(value.dropLast(2).trimmingCharacters(in: .whitespaces)), x >= 0, x <= 100 {
            return kinds == ["share"] ? .success(.absolute(x / 100)) : refuse("in percentage points", "share")
        }
        if let x = Double(value), x >= 0, x.isFinite {
            return kinds == ["count"] ? .success(.absolute(x)) : refuse("a plain number", "count")
        }
        if let seconds = Quantities.duration(value), seconds >= 0 {
            return kinds == ["time"] ? .success(.absolute(seconds)) : refuse("a duration", "time")
        }
        return .failure(ToleranceProblem(message: "expected a tolerance such as '5%' (of the baseline), '2pp' (percentage points, for shares), '30m' (for times), a number (for counts) or 'ignore', found '\(value)'"))
    }
}

extension ScenarioLoader {
    /// `--tolerance FIGURE=VALUE` arguments, read as `tolerances:` entries are, for a model; the
    /// message of the first bad one otherwise.
    /// `skipUnmatched`: with a folder of scenarios, an entry may name figures of only some of
    /// them; those without a match skip it.
    public static func tolerances(_ arguments: [String], for model: Model, skipUnmatched: Bool = false) -> Result<ToleranceTable, ToleranceArgumentError> {
        let keys = MetricLayout.figures(of: model).map(\.key)
        var table = ToleranceTable()
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                return .failure(.init(description: "--tolerance \(argument): expected FIGURE=TOLERANCE, such as lead_time.p95=5%"))
            }
            let pattern = String(argument[..<equals]), text = String(argument[argument.index(after: equals)...])
            if skipUnmatched && !keys.contains(where: { ToleranceTable.matches(pattern, $0) }) { continue }
            switch ModelBuilder.entry(pattern, text, keys: keys) {
            case .success(let tolerance): table.entries.append((pattern, tolerance))
            case .failure(let problem): return .failure(.init(description: "--tolerance \(argument): \(problem.message)"))
            }
        }
        return .success(table)
    }
}

public struct ToleranceArgumentError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
