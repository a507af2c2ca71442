import SimKernel

/// A validated operation, ready to simulate: areas, demand and journeys, addressed by index.
///
/// Times are in seconds; rates per second. Names are kept for reports and random-stream keys.
/// A `Model` is produced by the scenario loader, which has already checked every reference and
/// range, so the engine trusts it.
public struct Model: Sendable, Equatable {
    public var name: String
    /// The end of the simulated period; `nil` runs until every demand stream has reached its
    /// `maxArrivals` and the last item has left.
    public var horizon: Double?
    /// The initial period excluded from statistics.
    public var warmup: Double
    public var areas: [Area]
    public var demands: [Demand]
    public var journeys: [Journey]
    /// Systems that break down (an ERP, a conveyor); areas that need one stop while it is down.
    public var systems: [System] = []
    /// The attributes items may carry, across all demand types.
    public var attributes: [Attribute] = []
    /// Whether the scenario lives on a real calendar (a start date, working hours): only then
    /// do business lead times mean something. Abstract queueing models have no weekdays.
    public var calendarTime: Bool
    /// The campaigns, as the file writes them; their multipliers are already in the demand
    /// types' rate profiles (see `withCampaign(_:multiplier:)`).
    public var campaigns: [Campaign] = []

    public init(name: String, horizon: Double?, warmup: Double, areas: [Area], demands: [Demand], journeys: [Journey], calendarTime: Bool = false) {
        self.name = name
        self.horizon = horizon
        self.warmup = warmup
        self.areas = areas
        self.demands = demands
        self.journeys = journeys
        self.calendarTime = calendarTime
    }
}

/// A pool of identical staff with one queue, FIFO within a priority class, higher classes first.
public struct Area: Sendable, Equatable {
    public var name: String
    /// The number of staff; `nil` for unlimited (a pure delay, such as transit).
    public var staff: Int?
    /// The most items that may wait; an item that finds the queue full is turned away.
    public var queueLimit: Int?
    /// Staff on duty over time, when it varies (working hours, shifts, hiring); `nil` when
    /// `staff` work around the clock. Work in progress pauses while nobody is on duty.
    public var schedule: StaffSchedule?
    /// Systems the area needs (indices into `Model.systems`): while one is down, nobody works.
    public var systems: [Int] = []
    /// Extra staff called in while the queue is long.
    public var callIn: CallIn?
    /// Extra work when the area starts an item of another demand type than the one before.
    public var setup: Distribution?
    /// What one person costs per second of elapsed time (`cost: 3200/month`); `nil` when unknown.
    public var costPerSecond: Double?
    /// Who is employed when, whatever their hours: the base staff for the whole run and each
    /// shift from its start to its end. Costs are paid on this, not on hours on duty.
    public var roster: [Hire] = []
    /// The base staff and each shift as the file writes them, summed into `schedule`; empty
    /// when the staff never change. Kept so that a plan can restaff one (`withShift`).
    public var shifts: [Shift] = []

    /// People employed from `from` until `until` (elapsed seconds).
    public struct Hire: Sendable, Equatable {
        public var staff: Int
        public var from: Double
        public var until: Double

        public init(staff: Int, from: Double, until: Double) {
            self.staff = staff
            self.from = from
            self.until = until
        }
    }

    /// Mean people employed over `[0, horizon)`; `nil` when unlimited. The people a call-in
    /// rule may bring are counted as employed: they must be there to be called.
    public func meanHeadcount(until horizon: Double) -> Double? {
        guard let staff else { return nil }
        let pool = Double(callIn?.upTo ?? 0)
        if roster.isEmpty { return Double(staff) + pool }
        return roster.reduce(0) { $0 + Double($1.staff) * max(0, min($1.until, horizon) - max($1.from, 0)) } / horizon + pool
    }

    public init(name: String, staff: Int?, queueLimit: Int? = nil, schedule: StaffSchedule? = nil) {
        self.name = name
        self.staff = staff
        self.queueLimit = queueLimit
        self.schedule = schedule
    }

    /// Mean staff on duty over `[0, horizon)`; `nil` when unlimited.
    public func meanStaff(until horizon: Double?) -> Double? {
        guard let schedule else { return staff.map(Double.init) }
        return schedule.meanStaff(until: horizon ?? schedule.times.last! + 7 * 86_400)
    }
}

/// A state-dependent staffing rule: when more than `above` items wait, one more person is called
/// in (up to `upTo` extra); when fewer than `below` wait and an extra person is idle, one goes back.
public struct CallIn: Sendable, Equatable {
    public var above: Int
    public var below: Int
    public var upTo: Int

    public init(above: Int, below: Int, upTo: Int) {
        self.above = above
        self.below = below
        self.upTo = upTo
    }
}

/// A system that fails at random and is repaired after a random time; both are elapsed time,
/// drawn per replication and keyed by the system and the occurrence.
public struct System: Sendable, Equatable {
    public var name: String
    public var up: Distribution
    public var down: Distribution

    public init(name: String, up: Distribution, down: Distribution) {
        self.name = name
        self.up = up
        self.down = down
    }
}

/// How the gaps between arrivals of one demand stream are drawn.
public enum ArrivalProcess: Sendable, Equatable {
    /// A Poisson process with `rate` arrivals per second.
    case poisson(rate: Double)
    /// A renewal process whose gaps follow a distribution.
    case renewal(Distribution)
    /// No arrivals of its own: items are created by other items (complaints).
    case triggered
    /// A Poisson process whose rate changes over time (hours of the day, weekdays, campaigns).
    case varying(RateProfile)
    /// Arrivals at fixed instants (an order book replayed), sorted.
    case scheduled([Double])

    /// The mean arrival rate per second over `[0, horizon)`; the long-run rate without a horizon.
    public func meanRate(until horizon: Double?) -> Double {
        switch self {
        case .poisson(let rate): return rate
        case .renewal(let gaps): return 1 / gaps.mean
        case .varying(let profile):
            return profile.meanRate(until: horizon ?? max(profile.times.last!, 1) * 2)
        case .scheduled(let times):
            guard let last = times.last, last > 0 else { return 0 }
            let span = horizon ?? last
            return Double(times.filter { $0 < span }.count) / span
        case .triggered:
            return 0
        }
    }

    /// The same process with `factor` times the rate, or `nil` when it has no rate to scale
    /// (a replayed order book, gaps from a distribution, items created by others). Arrival
    /// draws are keyed by index, so the scaled process keeps common random numbers with this one.
    public func scaled(by factor: Double) -> ArrivalProcess? {
        switch self {
        case .poisson(let rate): return .poisson(rate: rate * factor)
        case .varying(let profile): return .varying(RateProfile(times: profile.times, rates: profile.rates.map { $0 * factor }))
        case .renewal, .scheduled, .triggered: return nil
        }
    }

    var gapDistribution: Distribution {
        switch self {
        case .poisson(let rate): return .exponential(mean: 1 / rate)
        case .renewal(let gaps): return gaps
        case .varying, .scheduled, .triggered: return .exponential(mean: 1)
        }
    }
}

/// Which clock a promise is measured on.
public enum PromiseClock: String, Sendable, Equatable {
    /// Calendar time from arrival to delivery.
    case elapsed
    /// Working time of the promise's calendar.
    case business
}

/// One kind of request: how it arrives, which journey it takes, what was promised.
public struct Demand: Sendable, Equatable {
    public var name: String
    public var arrivals: ArrivalProcess
    public var journey: Int
    /// Higher classes are served first in every area; equal classes in arrival order.
    public var priority: Int
    /// The promised lead time in seconds of `promiseClock`, if any: the on-time share is
    /// measured against it.
    public var promise: Double?
    public var promiseClock: PromiseClock
    /// The working hours business lead times are counted in (the promise's calendar); `nil`
    /// when the model has no calendar time.
    public var businessHours: Timetable?
    /// Stop after this many arrivals (a fixed-size experiment, as the peer benchmarks run).
    public var maxArrivals: Int?
    /// End-to-end patience: a customer still waiting in a queue this long after arriving gives up.
    public var patience: Distribution?
    /// A late delivery (past the promise) makes the customer contact the business.
    public var lateContact: Contact?
    /// How this demand type draws each attribute (index into `Model.attributes`).
    public var attributes: [AttributeDraw] = []
    /// Priorities that depend on attributes; empty: `priority` for every item.
    public var priorityRules: [PriorityRule] = []
    /// The Poisson rate shaped by the pattern, before campaigns, when `arrivals` is one made
    /// from them: what a campaign's new multiplier is applied to.
    public var shape: DemandShape?
    /// The `rate` as the file writes it (per second; the weekly mean when a pattern shapes
    /// it, campaigns not included), so that an answer can be typed back into the file.
    public var writtenRate: Double?

    public init(
        name: String, arrivals: ArrivalProcess, journey: Int, priority: Int = 0, promise: Double? = nil,
        promiseClock: PromiseClock = .elapsed, businessHours: Timetable? = nil, maxArrivals: Int? = nil,
        patience: Distribution? = nil, lateContact: Contact? = nil
    ) {
        self.name = name
        self.arrivals = arrivals
        self.journey = journey
        self.priority = priority
        self.promise = promise
        self.promiseClock = promiseClock
        self.businessHours = businessHours
        self.maxArrivals = maxArrivals
        self.patience = patience
        self.lateContact = lateContact
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

/// A branch: with `probability`, or when `condition` holds, go to `destination`.
///
/// Conditional branches are tried in order and the first that holds is taken; the last branch of
/// such a list has no condition (otherwise). Their probabilities are estimates, for the traffic
/// equations only.
public struct Route: Sendable, Equatable {
    public var destination: Destination
    public var probability: Double
    public var condition: Condition?

    public init(to destination: Destination, probability: Double, condition: Condition? = nil) {
        self.destination = destination
        self.probability = probability
        self.condition = condition
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
    /// How work reaches this step from the previous one: a delay, or a batch collected at set times.
    public var handoff: Handoff?
    /// How long a customer waits in this step's queue before giving up.
    public var patience: Distribution?
    /// The work fails with a probability, and what follows.
    public var failure: Failure?
    /// Other areas whose staff the work needs at the same time as `area`'s (a salesperson and a
    /// warehouse hand together): all are seized at once or none, and released together.
    public var extraAreas: [Int] = []

    /// Every area the step needs.
    public var areas: [Int] { [area] + extraAreas }

    public init(name: String, area: Int, duration: Distribution, approval: Approval? = nil, routes: [Route] = [],
                handoff: Handoff? = nil, patience: Distribution? = nil, failure: Failure? = nil) {
        self.name = name
        self.area = area
        self.duration = duration
        self.approval = approval
        self.routes = routes
        self.handoff = handoff
        self.patience = patience
        self.failure = failure
    }
}

/// The passage of work into a step: information that takes time to pass, or a pile collected at
/// set times (the warehouse picks up new orders at 10:00 and 15:00).
public struct Handoff: Sendable, Equatable {
    /// A delay drawn per item, elapsed time.
    public var delay: Distribution?
    /// The instants at which waiting work is collected, sorted; the item then moves on at the
    /// first one at or after its delay is over.
    public var releases: [Double]

    public init(delay: Distribution? = nil, releases: [Double] = []) {
        self.delay = delay
        self.releases = releases
    }
}

/// A step whose work fails (a delivery that does not arrive, a wrong invoice).
public struct Failure: Sendable, Equatable {
    public var probability: Double
    /// Where a failed item goes: back to a step (rework) or cancelled; `nil`: on through the
    /// journey as if nothing happened (the failure shows only as a complaint).
    public var then: Destination?
    /// Whether the customer is told. If not, the customer finds out and complains: `complaint`.
    public var customerTold: Bool
    public var complaint: Contact?

    public init(probability: Double, then: Destination?, customerTold: Bool, complaint: Contact?) {
        self.probability = probability
        self.then = then
        self.customerTold = customerTold
        self.complaint = complaint
    }
}

/// A customer contact caused by an item: an item of another demand type, after a delay.
public struct Contact: Sendable, Equatable {
    public var demand: Int
    /// The share of cases that lead to a contact.
    public var probability: Double
    public var delay: Distribution

    public init(demand: Int, probability: Double = 1, delay: Distribution) {
        self.demand = demand
        self.probability = probability
        self.delay = delay
    }
}

extension Journey {
    /// The branches leaving step `index`, with their probabilities, in decision order: a
    /// rejection first, then the routes (scaled by the approval probability).
    public func transitions(from index: Int) -> [(Destination, Double)] {
        let step = steps[index]
        var out: [(Destination, Double)] = []
        var pass = 1.0
        // A failure is decided first (the work itself went wrong), then the approval, then the branches.
        if let failure = step.failure, let then = failure.then {
            out.append((then, failure.probability))
            pass = 1 - failure.probability
        }
        if let approval = step.approval {
            out.append((approval.onReject, pass * approval.rejectProbability))
            pass *= 1 - approval.rejectProbability
        }
        if step.routes.isEmpty {
            out.append((index + 1 < steps.count ? .step(index + 1) : .exit, pass))
        } else {
            for route in step.routes { out.append((route.destination, pass * route.probability)) }
        }
        return out
    }
}
