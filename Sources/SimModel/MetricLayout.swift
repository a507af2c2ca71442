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
    /// The fields of each block, in vector order, from `FigureCatalog`: the figures of each
    /// demand type (the system has the same and `wip.mean`), of each area, of each step.
    /// `waited` (per step) is the share of visits that had to queue at all.
    public static let outcome = FigureCatalog.fields(in: .demand)
    public static let systemOnly = FigureCatalog.fields(in: .system).filter { !outcome.contains($0) }
    public static let area = FigureCatalog.fields(in: .area)
    public static let step = FigureCatalog.fields(in: .step)

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
        FigureCatalog.figure(ofKey: name)?.figure.range ?? 0...Double.infinity
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

    /// The position of a figure's field in the vector, or `nil` when the scope has no such figure.
    public func index(_ figure: Figure, _ statistic: Statistic? = nil, _ scope: MetricScope = .system) -> Int? {
        index(figure.field(statistic), scope)
    }

    /// The position of a field in the vector, or `nil` when the scope has no such figure.
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
