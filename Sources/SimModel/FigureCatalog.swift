/// What kind of quantity a figure or a value is. Values are always held in SI units, so the
/// dimension is what lets the expression language refuse `p95(lead_time) <= 95%` instead of
/// comparing seconds with a share, and what tells a report how to print a figure.
public enum Dimension: Sendable {
    /// Seconds.
    case duration
    /// A share in [0, 1], such as `on_time` or `utilisation`.
    case fraction
    /// Per second, such as `arrival_rate` or `20/day`.
    case rate
    /// A number of items (or a time-averaged number of items, such as `queue.mean`).
    case count
    /// A plain number without unit: a ratio of two like quantities, or a literal such as `0.02`.
    case number
}

/// What a figure can be measured for. `system` is the figure for all items together.
public enum ScopeKind: String, CaseIterable, Sendable {
    case system, demand, area, step

    /// The word for messages: "per demand type".
    public var noun: String {
        switch self {
        case .system: return "the system"
        case .demand: return "demand type"
        case .area: return "area"
        case .step: return "step"
        }
    }

    /// The keys a user may write before a colon, in the order messages list them.
    public static let keys: [ScopeKind] = [.demand, .area, .step]
}

/// A statistic of a figure that is a distribution over items or time: `lead_time.p95`.
public enum Statistic: String, CaseIterable, Sendable {
    case mean, p50, p90, p95, p99, max

    /// The percentile's level (0.95 for `p95`); `nil` for the mean and the maximum.
    public var level: Double? {
        switch self {
        case .p50: return 0.50
        case .p90: return 0.90
        case .p95: return 0.95
        case .p99: return 0.99
        case .mean, .max: return nil
        }
    }
}

/// One figure procsim reports, with everything the rest of the code needs to know about it:
/// its name, dimension, scopes, statistics, which way it gets worse and whether a check judges
/// it by default. The metric vector's layout, the expression language's catalogue, the
/// tolerances of `check`, the planner and the reports all read this one table.
public struct Figure: Sendable, Hashable {
    /// Which way a figure gets worse for a customer; figures without one (utilisation, work per
    /// step, arrivals) are neither better nor worse when they grow.
    public enum Direction: Sendable { case worseIfHigher, worseIfLower }

    /// The base name: `lead_time`, `utilisation`. A distribution's fields are `name.statistic`.
    public let name: String
    public let dimension: Dimension
    /// The scopes it is measured in, in the order of the metric vector's blocks.
    public let scopes: [ScopeKind]
    /// The scope a positional name argument resolves to (`utilisation(logistics)` → area);
    /// `nil` for a figure of the system only.
    public let natural: ScopeKind?
    /// Its statistics; empty for a figure that is one number per replication (`on_time`).
    public let statistics: [Statistic]
    public let direction: Direction?
    /// The tolerance a check allows by default: times and counts 2% relative, shares one
    /// percentage point.
    public let tolerance: Tolerance
    /// The least a relative tolerance allows, as a share of the scope's arrivals: for losses,
    /// so that a baseline of none does not tolerate a single one.
    public let arrivalsFloor: Double
    /// Whether `check` judges it when the scenario names no tolerance for it: what customers
    /// feel (lead times, on-time shares, items lost, throughput), for the system and per demand
    /// type. What explains a change inside the process (queues, waits, rework) and what is too
    /// noisy for a gate (maxima, what is unfinished at the horizon) is reported, not judged.
    public let judgedByDefault: Bool

    init(_ name: String, _ dimension: Dimension, _ scopes: [ScopeKind], natural: ScopeKind?, statistics: [Statistic] = [],
         direction: Direction? = nil, tolerance: Tolerance = .relative(0.02), arrivalsFloor: Double = 0, judged: Bool = false) {
        self.name = name
        self.dimension = dimension
        self.scopes = scopes
        self.natural = natural
        self.statistics = statistics
        self.direction = direction
        self.tolerance = tolerance
        self.arrivalsFloor = arrivalsFloor
        self.judgedByDefault = judged
    }

    public static func == (a: Figure, b: Figure) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    public var isDistribution: Bool { !statistics.isEmpty }

    /// The values it can take: shares lie in [0, 1]; everything else is non-negative.
    public var range: ClosedRange<Double> { dimension == .fraction ? 0...1 : 0...Double.infinity }

    /// The field name (JSON, `MetricLayout`) of the figure, with a statistic when it has them.
    public func field(_ statistic: Statistic?) -> String {
        statistic.map { "\(name).\($0.rawValue)" } ?? name
    }

    /// Its fields in the metric vector: one per statistic, or the bare name.
    public var fields: [String] { isDistribution ? statistics.map { field($0) } : [name] }

    // MARK: - The catalogue

    static let outcome: [ScopeKind] = [.system, .demand]
    static let all: [Statistic] = Statistic.allCases

    public static let leadTime = Figure("lead_time", .duration, outcome, natural: .demand, statistics: all, direction: .worseIfHigher, judged: true)
    public static let businessLeadTime = Figure("business_lead_time", .duration, outcome, natural: .demand, statistics: all, direction: .worseIfHigher, judged: true)
    public static let onTime = Figure("on_time", .fraction, outcome, natural: .demand, direction: .worseIfLower, tolerance: .absolute(0.01), judged: true)
    public static let throughput = Figure("throughput", .rate, outcome, natural: .demand, direction: .worseIfLower, judged: true)
    public static let arrivalRate = Figure("arrival_rate", .rate, outcome, natural: .demand)
    public static let arrivals = Figure("arrivals", .count, outcome, natural: .demand)
    public static let completed = Figure("completed", .count, outcome, natural: .demand, direction: .worseIfLower)
    public static let rework = Figure("rework", .count, outcome, natural: .demand, direction: .worseIfHigher)
    public static let cancelled = Figure("cancelled", .count, outcome, natural: .demand, direction: .worseIfHigher, arrivalsFloor: 0.001, judged: true)
    public static let utilisation = Figure("utilisation", .fraction, [.area], natural: .area)
    public static let busy = Figure("busy", .count, [.area], natural: .area, statistics: [.mean])
    public static let queue = Figure("queue", .count, [.area], natural: .area, statistics: [.mean], direction: .worseIfHigher)
    public static let onDuty = Figure("on_duty", .count, [.area], natural: .area, statistics: [.mean])
    public static let turnedAway = Figure("turned_away", .count, [.system, .demand, .area], natural: .demand, direction: .worseIfHigher, arrivalsFloor: 0.001, judged: true)
    public static let setups = Figure("setups", .count, [.area], natural: .area)
    public static let visits = Figure("visits", .count, [.step], natural: .step)
    public static let waited = Figure("waited", .fraction, [.step], natural: .step, direction: .worseIfHigher, tolerance: .absolute(0.01))
    public static let wait = Figure("wait", .duration, [.step], natural: .step, statistics: all, direction: .worseIfHigher)
    /// Work per step is what the process takes, not what the customer suffers: no direction.
    public static let service = Figure("service", .duration, [.step], natural: .step, statistics: all)
    public static let handoff = Figure("handoff", .duration, [.step], natural: .step, statistics: all, direction: .worseIfHigher)
    public static let abandoned = Figure("abandoned", .count, [.system, .demand, .step], natural: .demand, direction: .worseIfHigher, arrivalsFloor: 0.001, judged: true)
    public static let failed = Figure("failed", .count, [.step], natural: .step, direction: .worseIfHigher)
    public static let unfinished = Figure("unfinished", .count, outcome, natural: .demand, direction: .worseIfHigher)
    public static let unfinishedAge = Figure("unfinished_age", .duration, outcome, natural: .demand, statistics: [.mean, .max], direction: .worseIfHigher)
    public static let wip = Figure("wip", .count, [.system], natural: nil, statistics: [.mean], direction: .worseIfHigher)
}

/// Every figure, in the order of the metric vector: within each scope's block, figures come in
/// this order (so the JSON output lists them so too).
public enum FigureCatalog {
    public static let figures: [Figure] = [
        .leadTime, .businessLeadTime, .onTime, .throughput, .arrivalRate, .arrivals, .completed, .rework, .cancelled,
        .utilisation, .busy, .queue, .onDuty, .turnedAway, .setups,
        .visits, .waited, .wait, .service, .handoff, .abandoned, .failed,
        .unfinished, .unfinishedAge, .wip,
    ]

    private static let byName: [String: Figure] = Dictionary(uniqueKeysWithValues: figures.map { ($0.name, $0) })

    public static func named(_ name: String) -> Figure? { byName[name] }

    /// The figures measured in a scope, in vector order.
    public static func figures(in scope: ScopeKind) -> [Figure] { figures.filter { $0.scopes.contains(scope) } }

    /// The fields of a scope's block of the metric vector.
    public static func fields(in scope: ScopeKind) -> [String] { figures(in: scope).flatMap(\.fields) }

    /// The figure and statistic a field or a figure key ends with: `lead_time.p95`,
    /// `demand.orders.on_time`, `steps.order/pick.wait.mean`. Read from the end, so names of
    /// demand types, areas and steps may hold anything.
    public static func figure(ofKey key: String) -> (figure: Figure, statistic: Statistic?)? {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard let last = parts.last else { return nil }
        if parts.count >= 2, let statistic = Statistic(rawValue: String(last)),
           let figure = byName[String(parts[parts.count - 2])], figure.statistics.contains(statistic) {
            return (figure, statistic)
        }
        if let figure = byName[String(last)], !figure.isDistribution { return (figure, nil) }
        return nil
    }
}
