/// How far a figure may move the wrong way, against a baseline, before a check counts it.
///
/// A process change that leaves the customer's experience alone still moves figures a little
/// (it changes the order in which work is served); a gate that fails on every such move would be
/// switched off within a week. A tolerance says how much worse counts as worse.
public enum Tolerance: Sendable, Equatable {
    /// A share of the baseline's mean: `0.02` is 2%.
    case relative(Double)
    /// In the figure's own unit: seconds for times, a fraction for shares (`0.01` is one
    /// percentage point), items for counts.
    case absolute(Double)
    /// The figure is not judged.
    case ignored

    /// The allowed worsening for a baseline whose mean is `base`; `nil` when not judged.
    public func allowance(base: Double) -> Double? {
        switch self {
        case .relative(let share): share * abs(base)
        case .absolute(let amount): amount
        case .ignored: nil
        }
    }
}

/// What a figure measures, read from its name: it decides the units a tolerance may be
/// written in and how reports show the figure.
public enum FigureKind: Sendable {
    /// Seconds: lead times, waits, work, handoffs, ages.
    case time
    /// A fraction in [0, 1]: on-time and waited shares, utilisation.
    case share
    /// Per second: throughput, arrival rates.
    case rate
    /// Everything else: counts, queue lengths.
    case count

    /// The kind of the figure a key names (`demand.orders.lead_time.p95`), from `FigureCatalog`.
    public init(key: String) {
        switch FigureCatalog.figure(ofKey: key)?.figure.dimension {
        case .duration: self = .time
        case .fraction: self = .share
        case .rate: self = .rate
        case .count, .number, nil: self = .count
        }
    }
}

/// Which way a figure gets worse, and by default how much worse counts.
public struct FigureRule: Sendable, Equatable {
    /// `true` for times, queues and losses; `false` for on-time shares and throughput.
    public var worseIfHigher: Bool
    public var tolerance: Tolerance
    /// The least a relative tolerance allows, as a share of the arrivals of the figure's scope:
    /// for losses, so that a baseline of none does not tolerate a single one.
    public var arrivalsFloor: Double

    public init(worseIfHigher: Bool, tolerance: Tolerance, arrivalsFloor: Double = 0) {
        self.worseIfHigher = worseIfHigher
        self.tolerance = tolerance
        self.arrivalsFloor = arrivalsFloor
    }

    /// Which way a figure gets worse, with its default tolerance, from `FigureCatalog`.
    /// Figures without a direction (utilisation, arrivals, visits, staff on duty, work per
    /// step) are `nil`: more of them is neither better nor worse for a customer.
    public static func direction(for key: String) -> FigureRule? {
        guard let figure = FigureCatalog.figure(ofKey: key)?.figure, let direction = figure.direction else { return nil }
        return .init(worseIfHigher: direction == .worseIfHigher, tolerance: figure.tolerance, arrivalsFloor: figure.arrivalsFloor)
    }

    /// The figures a check judges when the scenario names none (`Figure.judgedByDefault`), for
    /// the system and per demand type, maxima left out: one replication's worst item is too
    /// noisy for a gate. A `tolerances:` entry that names a figure makes it judged.
    public static func standard(for key: String) -> FigureRule? {
        if key.hasPrefix("areas.") || key.hasPrefix("steps.") { return nil }
        guard let (figure, statistic) = FigureCatalog.figure(ofKey: key), figure.judgedByDefault, statistic != .max else { return nil }
        return direction(for: key)
    }
}

/// Tolerances a scenario (`tolerances:`) or a command line (`--tolerance`) sets, by figure key;
/// `*` in a key matches any run of characters (`steps.*.wait.p99`). The last matching entry
/// wins, so a command line's entries, appended after the file's, override them.
public struct ToleranceTable: Sendable, Equatable {
    public var entries: [(pattern: String, tolerance: Tolerance)]

    public init(_ entries: [(pattern: String, tolerance: Tolerance)] = []) { self.entries = entries }

    public static func == (a: Self, b: Self) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.pattern == $1.pattern && $0.tolerance == $1.tolerance }
    }

    /// The rule for a figure: a matching entry's tolerance on the figure's direction (an entry
    /// makes any figure with a direction judged), else the standard rule of customer-facing
    /// figures. A figure without a direction stays unjudged whatever the table says.
    public func rule(for key: String) -> FigureRule? {
        if let entry = entries.last(where: { Self.matches($0.pattern, key) }) {
            guard var rule = FigureRule.direction(for: key), entry.tolerance != .ignored else { return nil }
            rule.tolerance = entry.tolerance
            return rule
        }
        return FigureRule.standard(for: key)
    }

    /// Glob matching with `*` only; keys contain `/` and `.`, which match themselves.
    public static func matches(_ pattern: String, _ key: String) -> Bool {
        let p = Array(pattern.utf8), k = Array(key.utf8)
        var pi = 0, ki = 0, star = -1, mark = 0
        while ki < k.count {
            if pi < p.count && p[pi] != UInt8(ascii: "*") && p[pi] == k[ki] {
                pi += 1; ki += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ki; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ki = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}

extension MetricLayout {
    /// Every figure of a model under its stable name, with its column: `lead_time.p95`,
    /// `demand.orders.on_time`, `areas.credit.utilisation`, `steps.order/pick.wait.mean`.
    /// Baselines, comparisons and tolerances all name figures this way.
    public static func figures(of model: Model) -> [(key: String, column: Int)] {
        let layout = MetricLayout(model: model)
        var out: [(String, Int)] = []
        for name in outcome + systemOnly {
            if let i = layout.index(name, .system) { out.append((name, i)) }
        }
        for (d, demand) in model.demands.enumerated() {
            for name in outcome { if let i = layout.index(name, .demand(d)) { out.append(("demand.\(demand.name).\(name)", i)) } }
        }
        for (a, area) in model.areas.enumerated() {
            for name in Self.area { if let i = layout.index(name, .area(a)) { out.append(("areas.\(area.name).\(name)", i)) } }
        }
        for (j, journey) in model.journeys.enumerated() {
            for (s, step) in journey.steps.enumerated() {
                for name in Self.step {
                    if let i = layout.index(name, .step(journey: j, step: s)) { out.append(("steps.\(journey.name)/\(step.name).\(name)", i)) }
                }
            }
        }
        return out
    }
}
