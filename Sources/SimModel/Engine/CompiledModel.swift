import SimKernel

/// A model compiled for the event loop, once per experiment: flat tables indexed by global step
/// (a journey's base plus the step's index in it), demand type and area, with names already
/// hashed into stream keys and every optional construct reduced to a flag the loop can test.
///
/// Immutable and `Sendable`: one compiled model is shared by every replication and thread of an
/// experiment. What differs between replications (the streams' run key, the up and down times
/// of systems) is derived in `Replication.reset`.
public struct CompiledModel: Sendable {
    public let model: Model
    public let layout: MetricLayout
    /// The end of the run; +∞ for a run that ends when its demand is exhausted.
    let horizon: Double

    // Steps, by global step. The plain data a visit reads sits in one record per step; what
    // holds arrays (distributions, handoffs) sits beside it, read only where a flag says so.
    let steps: [StepPlan]
    let stepDuration: [Distribution]
    let stepHandoff: [Handoff?]
    let stepPatience: [Distribution?]
    /// The complaint a failure causes when the customer is not told; `nil` otherwise.
    let stepComplaint: [Contact?]
    /// Probabilistic branches, flattened: the cumulative probability and the destination.
    let routeCumulative: [Double]
    let routeTo: [Int32]
    /// Conditional branches (`when:`), flattened: tried in order; none holds → `defaultNext`.
    let conditions: [Condition]
    let conditionTo: [Int32]
    let journeyBase: [Int32]
    let journeyStepCount: [Int]
    /// Visit counters per item slot: room for the longest journey.
    let journeyLength: Int
    /// Steps that need several areas at once: the areas of each, and the joint steps of each area.
    let jointAreas: [[Int]]
    let areaJoints: [[Int]]

    // Demand, by demand type.
    let demands: [DemandPlan]
    let demandNameKey: [UInt64]
    let demandGaps: [Distribution]
    let demandArrivals: [ArrivalProcess]
    let demandBusinessHours: [Timetable?]
    let demandPatience: [Distribution?]
    let demandLateContact: [Contact?]
    let demandAttributes: [[AttributeDraw]]
    let demandPriorityRules: [[PriorityClassRule]]
    /// Priority classes, highest first; each area has one queue per class.
    let classCount: Int
    let attributeCount: Int
    let attributeKey: [UInt64]
    /// Whether anyone may give up: only then are waits tracked for patience events.
    let anyPatience: Bool
    /// About how many items a replication delivers (room for lead times is reserved up front).
    let expectedDeliveries: Double

    // Areas.
    let areas: [AreaPlan]
    let areaCallIn: [CallIn?]
    let areaSetup: [Distribution?]
    /// Staff schedules, working hours and the hours of joint steps when no system can break
    /// down; with systems they are drawn per replication (`Breakdowns.swift`).
    let areaSchedule: [StaffSchedule?]
    let areaHours: [Timetable?]
    let jointHours: [Timetable?]
    let systemKey: [UInt64]

    static let exitCode: Int32 = -1, cancelCode: Int32 = -2, continueCode: Int32 = -3

    public init(_ model: Model) {
        self.model = model
        layout = MetricLayout(model: model)
        horizon = model.horizon ?? .infinity

        func code(_ d: Destination) -> Int32 {
            switch d {
            case .step(let s): return Int32(s)
            case .exit: return Self.exitCode
            case .cancel: return Self.cancelCode
            }
        }
        var steps: [StepPlan] = [], durations: [Distribution] = [], handoffs: [Handoff?] = []
        var patiences: [Distribution?] = [], complaints: [Contact?] = []
        var cumulative: [Double] = [], to: [Int32] = [], conds: [Condition] = [], condTo: [Int32] = []
        var base: [Int32] = [], joints: [[Int]] = []
        var longest = 1
        for journey in model.journeys {
            base.append(Int32(steps.count))
            longest = max(longest, journey.steps.count)
            for (s, step) in journey.steps.enumerated() {
                var plan = StepPlan(
                    area: Int32(step.area), local: Int32(s),
                    key: StreamKeying.combine(StreamKeying.hash(journey.name), StreamKeying.hash(step.name)))
                durations.append(step.duration)
                handoffs.append(step.handoff)
                patiences.append(step.patience)
                complaints.append(step.failure.flatMap { $0.customerTold ? nil : $0.complaint })
                plan.hasHandoff = step.handoff != nil
                plan.hasPatience = step.patience != nil
                plan.failureProbability = step.failure?.probability ?? 0
                plan.failureTo = step.failure?.then.map(code) ?? Self.continueCode
                plan.rejectProbability = step.approval?.rejectProbability ?? 0
                plan.rejectTo = step.approval.map { code($0.onReject) } ?? Self.cancelCode
                if !step.extraAreas.isEmpty {
                    plan.joint = Int32(joints.count)
                    joints.append(step.areas)
                }
                let conditional = step.routes.contains { $0.condition != nil }
                plan.conditionStart = Int32(conds.count)
                if conditional {
                    for route in step.routes { if let c = route.condition { conds.append(c); condTo.append(code(route.destination)) } }
                }
                plan.conditionCount = Int32(conds.count) - plan.conditionStart
                // A single branch (`next: pack`) is no decision: it needs no draw.
                let branches = step.routes.count > 1 && !conditional ? step.routes : []
                plan.routeStart = Int32(cumulative.count)
                plan.routeCount = Int32(branches.count)
                var sum = 0.0
                for route in branches {
                    sum += route.probability
                    cumulative.append(sum)
                    to.append(code(route.destination))
                }
                if conditional, let otherwise = step.routes.last(where: { $0.condition == nil }) {
                    plan.defaultNext = code(otherwise.destination)
                } else if let only = step.routes.first, step.routes.count == 1 {
                    plan.defaultNext = code(only.destination)
                } else {
                    plan.defaultNext = s + 1 < journey.steps.count ? Int32(s + 1) : Self.exitCode
                }
                steps.append(plan)
            }
        }
        self.steps = steps
        stepDuration = durations; stepHandoff = handoffs; stepPatience = patiences; stepComplaint = complaints
        routeCumulative = cumulative; routeTo = to; conditions = conds; conditionTo = condTo
        journeyBase = base; journeyLength = longest
        journeyStepCount = model.journeys.map(\.steps.count)
        jointAreas = joints
        areaJoints = model.areas.indices.map { a in joints.indices.filter { joints[$0].contains(a) } }

        let priorities = Array(Set(model.demands.map(\.priority) + model.demands.flatMap { $0.priorityRules.map(\.priority) })).sorted(by: >)
        classCount = max(priorities.count, 1)
        demands = model.demands.map { d in
            var limit = d.maxArrivals ?? Int.max
            if case .scheduled(let times) = d.arrivals { limit = min(times.count, d.maxArrivals ?? .max) }
            let renewal: Bool
            switch d.arrivals {
            case .poisson, .renewal: renewal = true
            case .varying, .scheduled, .triggered: renewal = false
            }
            return DemandPlan(
                firstStep: base[d.journey], stepCount: model.journeys[d.journey].steps.count,
                priorityClass: Int32(priorities.firstIndex(of: d.priority)!), limit: limit,
                promise: d.promise ?? .infinity, businessPromise: d.promiseClock == .business,
                renewal: renewal, hasPatience: d.patience != nil)
        }
        demandNameKey = model.demands.map { StreamKeying.hash($0.name) }
        demandGaps = model.demands.map { $0.arrivals.gapDistribution }
        demandArrivals = model.demands.map(\.arrivals)
        demandBusinessHours = model.demands.map { model.calendarTime ? $0.businessHours : nil }
        demandPatience = model.demands.map(\.patience)
        demandLateContact = model.demands.map(\.lateContact)
        demandAttributes = model.demands.map(\.attributes)
        demandPriorityRules = model.demands.map { d in
            d.priorityRules.map { PriorityClassRule(condition: $0.condition, priorityClass: Int32(priorities.firstIndex(of: $0.priority)!)) }
        }
        attributeCount = model.attributes.count
        attributeKey = model.attributes.map { StreamKeying.hash("attribute:" + $0.name) }
        anyPatience = model.demands.contains { $0.patience != nil } || model.journeys.contains { $0.steps.contains { $0.patience != nil } }
        expectedDeliveries = model.demands.reduce(0.0) { total, d in
            total + min(Double(d.maxArrivals ?? .max), d.arrivals.meanRate(until: model.horizon) * (model.horizon ?? .infinity) * 1.1)
        }

        areas = model.areas.enumerated().map { a, spec in
            AreaPlan(
                limit: spec.queueLimit.map(Int32.init) ?? -1, hasSetup: spec.setup != nil, hasCallIn: spec.callIn != nil,
                hasJoints: joints.contains { $0.contains(a) }, staff: spec.staff.map(Int32.init) ?? -1)
        }
        areaCallIn = model.areas.map(\.callIn)
        areaSetup = model.areas.map(\.setup)
        systemKey = model.systems.map { StreamKeying.hash("system:" + $0.name) }
        areaSchedule = model.areas.map(\.schedule)
        areaHours = areaSchedule.map { $0?.open }
        jointHours = Self.hours(ofJoints: joints, schedules: areaSchedule)
    }

    /// When every area of a joint step is at work: its work pauses whenever any of them stops
    /// (hours, shifts, a breakdown); `nil` when all work around the clock.
    static func hours(ofJoints joints: [[Int]], schedules: [StaffSchedule?]) -> [Timetable?] {
        joints.map { areas in
            // An area that works around the clock is open throughout: only the timed ones cut.
            let timed = areas.compactMap { schedules[$0]?.open }
            guard var hours = timed.first else { return nil }
            for other in timed.dropFirst() { hours = hours.intersection(other) }
            return hours
        }
    }
}

/// What a visit to a step reads: plain data, one record per step.
struct StepPlan: Sendable {
    var area: Int32
    /// The step's index within its journey.
    var local: Int32
    /// The step's name, qualified by its journey, hashed: the step component of its draws' keys.
    var key: UInt64
    /// Where the item goes when no branch decides: a local step, `exitCode` or `cancelCode`.
    var defaultNext: Int32 = CompiledModel.exitCode
    var routeStart: Int32 = 0, routeCount: Int32 = 0
    var conditionStart: Int32 = 0, conditionCount: Int32 = 0
    var rejectProbability = 0.0
    var rejectTo: Int32 = CompiledModel.cancelCode
    var failureProbability = 0.0
    /// A local step, `cancelCode`, or `continueCode` (the item carries on as if it had not failed).
    var failureTo: Int32 = CompiledModel.continueCode
    /// The index into `jointAreas` of a step that needs several areas; −1 otherwise.
    var joint: Int32 = -1
    var hasHandoff = false
    var hasPatience = false

    init(area: Int32, local: Int32, key: UInt64) {
        self.area = area
        self.local = local
        self.key = key
    }
}

/// What an arrival of a demand type reads.
struct DemandPlan: Sendable {
    /// The global step its journey starts with, and the journey's length.
    var firstStep: Int32
    var stepCount: Int
    var priorityClass: Int32
    /// Arrivals after which the stream stops (`max_arrivals`, or the end of a schedule).
    var limit: Int
    /// The promised lead time; +∞ when none.
    var promise: Double
    var businessPromise: Bool
    /// Whether gaps come from `demandGaps` (the common case, kept on the fast path).
    var renewal: Bool
    var hasPatience: Bool
}

struct PriorityClassRule: Sendable {
    var condition: Condition?
    var priorityClass: Int32
}

/// An area's constants.
struct AreaPlan: Sendable {
    /// The longest queue allowed; −1: none.
    var limit: Int32
    var hasSetup: Bool
    var hasCallIn: Bool
    /// Whether the area takes part in steps that need several areas.
    var hasJoints: Bool
    /// The staff of an area without a schedule; −1: unlimited.
    var staff: Int32
}
