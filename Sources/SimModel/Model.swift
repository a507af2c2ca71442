import SimKernel

/// A validated operation, ready to simulate: areas, demand and journeys, addressed by index.
///
/// Times are in seconds; rates per second. Names are kept for reports and random-stream keys.
/// A `Model` is produced by the scenario loader, which has already checked every reference and
/// range, so the engine trusts it.
public struct Model: Sendable {
    public var name: String
    /// The end of the simulated period; `nil` runs until every demand stream has reached its
    /// `maxArrivals` and the last item has left.
    public var horizon: Double?
    /// The initial period excluded from statistics.
    public var warmup: Double
    public var areas: [Area]
    public var demands: [Demand]
    public var journeys: [Journey]

    public init(name: String, horizon: Double?, warmup: Double, areas: [Area], demands: [Demand], journeys: [Journey]) {
        self.name = name
        self.horizon = horizon
        self.warmup = warmup
        self.areas = areas
        self.demands = demands
        self.journeys = journeys
    }
}

/// A pool of identical staff with one queue, FIFO within a priority class, higher classes first.
public struct Area: Sendable, Equatable {
    public var name: String
    /// The number of staff; `nil` for unlimited (a pure delay, such as transit).
    public var staff: Int?
    /// The most items that may wait; an item that finds the queue full is turned away.
    public var queueLimit: Int?

    public init(name: String, staff: Int?, queueLimit: Int? = nil) {
        self.name = name
        self.staff = staff
        self.queueLimit = queueLimit
    }
}

/// How the gaps between arrivals of one demand stream are drawn.
public enum ArrivalProcess: Sendable, Equatable {
    /// A Poisson process with `rate` arrivals per second.
    case poisson(rate: Double)
    /// A renewal process whose gaps follow a distribution.
    case renewal(Distribution)

    /// The long-run arrival rate per second.
    public var rate: Double {
        switch self {
        case .poisson(let rate): return rate
        case .renewal(let gaps): return 1 / gaps.mean
        }
    }

    var gapDistribution: Distribution {
        switch self {
        case .poisson(let rate): return .exponential(mean: 1 / rate)
        case .renewal(let gaps): return gaps
        }
    }
}

/// One kind of request: how it arrives, which journey it takes, what was promised.
public struct Demand: Sendable, Equatable {
    public var name: String
    public var arrivals: ArrivalProcess
    public var journey: Int
    /// Higher classes are served first in every area; equal classes in arrival order.
    public var priority: Int
    /// The promised lead time in seconds, if any: the on-time share is measured against it.
    public var promise: Double?
    /// Stop after this many arrivals (a fixed-size experiment, as the peer benchmarks run).
    public var maxArrivals: Int?

    public init(name: String, arrivals: ArrivalProcess, journey: Int, priority: Int = 0, promise: Double? = nil, maxArrivals: Int? = nil) {
        self.name = name
        self.arrivals = arrivals
        self.journey = journey
        self.priority = priority
        self.promise = promise
        self.maxArrivals = maxArrivals
    }
}

/// The ordered steps one kind of request goes through.
public struct Journey: Sendable, Equatable {
    public var name: String
    public var steps: [Step]

    public init(name: String, steps: [Step]) {
        self.name = name
        self.steps = steps
    }
}

/// Where an item goes after a step.
public enum Destination: Sendable, Equatable, Hashable {
    /// To the step with this index in the same journey.
    case step(Int)
    /// Done: the item has been delivered.
    case exit
    /// Dropped without delivery (a rejected order that is not reworked).
    case cancel
}

/// A probabilistic branch: with `probability`, go to `destination`.
public struct Route: Sendable, Equatable {
    public var destination: Destination
    public var probability: Double

    public init(to destination: Destination, probability: Double) {
        self.destination = destination
        self.probability = probability
    }
}

/// An approval: the step's area decides, and rejects with a probability.
public struct Approval: Sendable, Equatable {
    public var rejectProbability: Double
    /// Where a rejected item goes: back to an earlier step (rework) or `.cancel`.
    public var onReject: Destination

    public init(rejectProbability: Double, onReject: Destination) {
        self.rejectProbability = rejectProbability
        self.onReject = onReject
    }
}

/// One step of a journey: work in one area for a sampled duration, then a decision where to go.
public struct Step: Sendable, Equatable {
    public var name: String
    public var area: Int
    public var duration: Distribution
    public var approval: Approval?
    /// Branches taken after the work (and after approval, when approved). Empty: the next step
    /// in the journey, or exit after the last. Probabilities sum to one.
    public var routes: [Route]

    public init(name: String, area: Int, duration: Distribution, approval: Approval? = nil, routes: [Route] = []) {
        self.name = name
        self.area = area
        self.duration = duration
        self.approval = approval
        self.routes = routes
    }
}

extension Journey {
    /// The branches leaving step `index`, with their probabilities, in decision order: a
    /// rejection first, then the routes (scaled by the approval probability).
    public func transitions(from index: Int) -> [(Destination, Double)] {
        let step = steps[index]
        var out: [(Destination, Double)] = []
        var pass = 1.0
        if let approval = step.approval {
            out.append((approval.onReject, approval.rejectProbability))
            pass = 1 - approval.rejectProbability
        }
        if step.routes.isEmpty {
            out.append((index + 1 < steps.count ? .step(index + 1) : .exit, pass))
        } else {
            for route in step.routes { out.append((route.destination, pass * route.probability)) }
        }
        return out
    }
}
