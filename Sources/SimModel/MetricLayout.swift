/// What a figure describes: the whole system, one demand type, one area or one step.
public enum MetricScope: Hashable, Sendable {
    case system
    case demand(Int)
    case area(Int)
    case step(journey: Int, step: Int)
}

/// The figures one replication yields, as a flat vector in a fixed order.
///
/// Every replication of a model fills the same layout, so the replications form a matrix whose
/// columns the statistics reduce in one BLAS pass. Names are the metric names of the expression
/// language and of the JSON output (`lead_time.p95`, `utilisation`, `wait.mean`).
public struct MetricLayout: Sendable {
    /// Figures about delivered items, for the system and for each demand type.
    /// `waited` (per step) is the share of visits that had to queue at all.
    public static let outcome = [
        "lead_time.mean", "lead_time.p50", "lead_time.p90", "lead_time.p95", "lead_time.p99", "lead_time.max",
        "business_lead_time.mean", "business_lead_time.p50", "business_lead_time.p90", "business_lead_time.p95",
        "business_lead_time.p99", "business_lead_time.max",
        "on_time", "throughput", "arrival_rate", "arrivals", "completed", "rework", "cancelled", "turned_away", "abandoned",
        "unfinished", "unfinished_age.mean", "unfinished_age.max",
    ]
    public static let systemOnly = ["wip.mean"]
    public static let area = ["utilisation", "busy.mean", "queue.mean", "on_duty.mean", "turned_away", "setups"]
    public static let step = [
        "visits", "waited", "wait.mean", "wait.p50", "wait.p90", "wait.p95", "wait.p99", "wait.max",
        "service.mean", "service.p50", "service.p90", "service.p95", "service.p99", "service.max",
        "handoff.mean", "handoff.p50", "handoff.p90", "handoff.p95", "handoff.p99", "handoff.max",
        "abandoned", "failed",
    ]

    public let demandCount: Int
    public let areaCount: Int
    /// The first metric index of each journey's steps; steps of one journey are contiguous.
    public let stepBase: [Int]
    public let stepCount: Int

    public init(model: Model) {
        demandCount = model.demands.count
        areaCount = model.areas.count
        var bases: [Int] = []
        var total = 0
        for journey in model.journeys {
            bases.append(total)
            total += journey.steps.count
        }
        stepBase = bases
        stepCount = total
    }

    var demandStart: Int { Self.outcome.count + Self.systemOnly.count }
    var areaStart: Int { demandStart + demandCount * Self.outcome.count }
    var stepStart: Int { areaStart + areaCount * Self.area.count }

    /// The values a figure can take: shares lie in [0, 1]; every other figure (times, counts,
    /// rates, queue lengths) is non-negative.
    public static func range(of name: String) -> ClosedRange<Double> {
        FigureKind(key: name) == .share ? 0...1 : 0...Double.infinity
    }

    /// The range of every figure, in vector order.
    public var ranges: [ClosedRange<Double>] {
        var out: [ClosedRange<Double>] = []
        out += (Self.outcome + Self.systemOnly).map(Self.range(of:))
        for _ in 0..<demandCount { out += Self.outcome.map(Self.range(of:)) }
        for _ in 0..<areaCount { out += Self.area.map(Self.range(of:)) }
        for _ in 0..<stepCount { out += Self.step.map(Self.range(of:)) }
        return out
    }

    /// The number of figures per replication.
    public var count: Int { stepStart + stepCount * Self.step.count }

    /// The position of a figure in the vector, or `nil` when the scope has no such figure.
    public func index(_ name: String, _ scope: MetricScope = .system) -> Int? {
        switch scope {
        case .system:
            if let i = Self.outcome.firstIndex(of: name) { return i }
            return Self.systemOnly.firstIndex(of: name).map { Self.outcome.count + $0 }
        case .demand(let d):
            return Self.outcome.firstIndex(of: name).map { demandStart + d * Self.outcome.count + $0 }
        case .area(let a):
            return Self.area.firstIndex(of: name).map { areaStart + a * Self.area.count + $0 }
        case .step(let j, let s):
            return Self.step.firstIndex(of: name).map { stepStart + (stepBase[j] + s) * Self.step.count + $0 }
        }
    }
}
