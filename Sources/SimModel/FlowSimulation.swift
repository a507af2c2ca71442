import SimKernel
import SimStatistics

/// Settings of one replication that are not part of the model.
public struct ReplicationOptions: Sendable {
    public var seed: UInt64
    public var replication: Int
    /// Lead times kept exactly, per recorder, before switching to a histogram. Waits and work
    /// times per step always go to a histogram: their means and maxima are exact regardless.
    public var exactLimit: Int
    /// How many points the work-in-progress time series has over the horizon.
    public var seriesPoints: Int
    /// Record every service (item, step, area, start, end) for an event log. Off in
    /// experiments: it allocates per event.
    public var trace = false

    /// Waits, work and handoff times kept exactly per step and replication before a histogram.
    public static let stepExactLimit = 100_000

    /// Lead times kept exactly per replication unless told otherwise: ten million, about 80 MB.
    public static let defaultExactLimit = 10_000_000

    public init(seed: UInt64, replication: Int, exactLimit: Int = defaultExactLimit, seriesPoints: Int = 100) {
        self.seed = seed
        self.replication = replication
        self.exactLimit = exactLimit
        self.seriesPoints = seriesPoints
    }
}

/// One event of an event log: which item (numbered in order of arrival from 0), its demand
/// type, what happened and when (elapsed seconds). A service has its step (index over all
/// journeys' steps in order), its area and its start; the others happen at an instant.
public struct ServiceRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case arrival, service, failed, rejected, abandoned, delivered }
    public var kind: Kind = .service
    /// For the arrival of an item another one caused (a complaint, a contact about a late
    /// delivery): that item's number; −1 otherwise.
    public var parent = -1
    public var item: Int
    public var demand: Int
    public var step: Int
    public var area: Int
    public var start: Double
    public var end: Double
}

/// What one replication yields.
public struct ReplicationOutput: Sendable {
    /// The figures, in the order of the model's `MetricLayout`; NaN where undefined
    /// (no item completed, an unlimited area has no utilisation).
    public var metrics: [Double]
    /// Work in progress sampled at `seriesTimes` (from time zero, warm-up included).
    public var wipSeries: [Double]
    public var seriesTimes: [Double]
    /// Per area, sampled with the work in progress (`[sample * areas + area]`): staff busy,
    /// items waiting, staff on duty (−1: unlimited). A campaign's surge and the backlog it
    /// leaves show here.
    public var areaBusySeries: [Double] = []
    public var areaQueueSeries: [Double] = []
    public var areaStaffSeries: [Double] = []
    /// The middle of each interval the area series average over (the WIP series' sample times
    /// bound the intervals; the last runs to the horizon).
    public var areaSeriesTimes: [Double] = []
    /// Events the kernel ran.
    public var events: Int
    /// The peers' yardstick: two per station visit (an arrival and a departure), whatever the
    /// implementation's own event count.
    public var modelEvents: Int
    /// Every service done, in the order they ended, when `ReplicationOptions.trace` is set.
    public var trace: [ServiceRecord] = []
    /// How lead-time percentiles were computed.
    public var leadTimeMethod: DurationRecorder.Method
    /// The share of lead times in each `DurationRecorder` bin; empty when they went to a histogram.
    public var leadTimeBins: [Double]
    /// The same per demand type, when there are several (empty otherwise).
    public var leadTimeBinsByDemand: [[Double]] = []
    /// How step percentiles (waits, work, handoffs) were computed: from a histogram when any
    /// step had more than `stepExactLimit` of them.
    public var stepMethod: DurationRecorder.Method
}

/// Runs one replication of a model: the event loop and the order-flow logic.
///
/// Items are slots in struct-of-arrays storage, recycled when an item leaves, so memory follows
/// the work in progress, not the number of arrivals. Every random draw is keyed as
/// `StreamKeying` describes. The loop allocates nothing per event except when a buffer doubles.
public struct FlowSimulation: ~Copyable {
    /// What an event means to this model; stored in the kernel's `Event.kind`.
    enum Kind: Int32 {
        case sample, warmupEnd, serviceEnd, arrival, staffChange
        /// An item's handoff into its next step is over.
        case handoffEnd
        /// A waiting customer's patience runs out (the event's kind carries the wait's token).
        case patience
        /// A contact caused by an item (a complaint) arrives.
        case contact

        /// At equal times, bookkeeping runs first (a sample or the end of warm-up sees the state
        /// before anything else happens at that instant), then departures, then changes of staff
        /// on duty, then arrivals, so an item that leaves frees its place for one that arrives at
        /// the same moment, and work finished as a shift ends counts within the shift.
        var priority: UInt8 {
            switch self {
            case .sample, .warmupEnd: return 0
            case .serviceEnd: return 1
            case .staffChange: return 2
            case .arrival, .handoffEnd, .contact: return 3
            // Served at the very instant patience runs out counts as served.
            case .patience: return 4
            }
        }
    }

    mutating func schedule(_ kind: Kind, at time: Double, subject: Int32 = 0, tag: UInt32 = 0) {
        events.schedule(at: time, kind: kind.rawValue | Int32(bitPattern: tag << 8), subject: subject, priority: kind.priority)
    }

    let model: Model
    let layout: MetricLayout
    let options: ReplicationOptions
    let horizon: Double

    // Flattened step tables, indexed by global step (journey base + local index).
    let stepArea: [Int32]
    let stepLocal: [Int32]
    let stepKey: [UInt64]
    let stepDuration: [Distribution]
    let stepRejectProbability: [Double]
    let stepRejectTo: [Int32]         // local step, or exitCode / cancelCode
    let stepRouteStart: [Int32]
    let stepRouteCount: [Int32]
    let stepDefaultNext: [Int32]
    let routeCumulative: [Double]
    let routeTo: [Int32]
    let journeyBase: [Int32]
    /// Visit counters per item slot: room for the longest journey.
    let journeyLength: Int
    let journeyStepCount: [Int]
    static let exitCode: Int32 = -1, cancelCode: Int32 = -2, continueCode: Int32 = -3
    let stepHandoff: [Handoff?]
    let stepPatience: [Distribution?]
    let stepFailureProbability: [Double]
    let stepFailureTo: [Int32]         // local step, cancelCode, or continueCode
    let stepComplaint: [Contact?]      // only when the customer is not told
    // Flags for the optional constructs, so that the common path tests a Bool instead of
    // copying an optional value (and retaining what it holds) on every event.
    let stepHasHandoff: [Bool]
    let stepHasPatience: [Bool]
    let areaHasJoints: [Bool]
    let areaHasSetup: [Bool]
    let areaHasHours: [Bool]
    let demandHasPatience: [Bool]
    /// Whether anyone may give up: only then are waits tracked for patience events.
    let anyPatience: Bool
    let tracing: Bool
    var itemCase: [Int] = []            // by slot, when tracing: the item's number in arrival order
    var itemServiceStart: [Double] = [] // by slot, when tracing
    var admittedCount = 0
    var trace: [ServiceRecord] = []
    var contactParent: [Int] = []       // by contact, when tracing: the case that caused it
    var admittingParent = -1            // the case causing the item being admitted, when tracing
    let areaHasCallIn: [Bool]
    // Conditional branches (`when:`), flattened: tried in order; none holds → stepDefaultNext.
    let stepConditionStart: [Int32]
    let stepConditionCount: [Int32]
    let conditions: [Condition]
    let conditionTo: [Int32]
    // Steps that need several areas at once: each has a FIFO queue of its own.
    let stepJoint: [Int32]             // index into jointAreas, or -1
    let jointAreas: [[Int]]
    let areaJoints: [[Int]]            // the joint steps each area takes part in
    var jointQueues: Slots<IndexRing>
    /// When every area of a joint step is at work: its work pauses whenever any of them stops
    /// (hours, shifts, a breakdown); `nil` when all work around the clock.
    let jointHours: [Timetable?]
    // Attributes.
    let attributeCount: Int
    let attributeKey: [UInt64]
    let demandAttributes: [[AttributeDraw]]
    let demandPriorityRules: [[(condition: Condition?, priorityClass: Int32)]]

    // Demand.
    let demandJourney: [Int32]
    let demandClass: [Int32]
    let demandKey: [UInt64]
    let demandGaps: [Distribution]
    let demandArrivals: [ArrivalProcess]
    /// Whether gaps come from `demandGaps` (the common case, kept on the fast path).
    let demandRenewal: [Bool]
    let demandBusinessHours: [Timetable?]
    let demandBusinessPromise: [Bool]
    let demandPatience: [Distribution?]
    let demandLateContact: [Contact?]
    let demandLimit: [Int]
    let demandPromise: [Double]       // +inf when none
    let classCount: Int

    // Kernel.
    var events = EventList(capacity: 4096)
    var now = 0.0
    var eventCount = 0
    var modelEvents = 0
    var observing: Bool

    // Items (struct of arrays), recycled through a free list.
    var itemArrival = Slots<Double>(repeating: 0, count: 0)
    var itemEnter = Slots<Double>(repeating: 0, count: 0)
    var itemKey = Slots<UInt64>(repeating: 0, count: 0)
    var itemDemand = Slots<Int32>(repeating: 0, count: 0)
    var itemStep = Slots<Int32>(repeating: 0, count: 0)
    var itemVisits = Slots<UInt32>(repeating: 0, count: 0)
    var itemAlive = Slots<Bool>(repeating: false, count: 0)
    var itemAttributes = Slots<Double>(repeating: .nan, count: 0)   // attributeCount per slot
    var itemClass = Slots<Int32>(repeating: 0, count: 0)
    /// End-to-end patience: the instant the customer gives up if still waiting (+inf: never).
    var itemDeadline = Slots<Double>(repeating: .infinity, count: 0)
    /// Incremented each time the item starts to wait, so a patience event for an earlier wait
    /// is recognised as stale.
    var itemToken = Slots<UInt32>(repeating: 0, count: 0)
    var itemWaiting = Slots<Bool>(repeating: false, count: 0)
    /// Gave up while waiting: its slot still sits in a queue and is freed when it comes out.
    var itemAbandoned = Slots<Bool>(repeating: false, count: 0)
    // Contacts on their way (a complaint after a delay): demand type and item key.
    var contactDemand: [Int32] = []
    var contactKey: [UInt64] = []
    var contactFree: [Int32] = []
    var freeSlots = Slots<Int32>(repeating: 0, count: 0)
    var freeCount = 0
    var wip = 0

    // Areas.
    var areaStaff: Slots<Int32>        // on duty now; -1: unlimited
    /// When each area's staff work, for areas whose staff changes; `nil` entries work always.
    let areaHours: [Timetable?]
    let areaSchedule: [StaffSchedule?]
    let areaCallIn: [CallIn?]
    var areaExtra: Slots<Int32>        // staff called in on top of the schedule
    let areaSetup: [Distribution?]
    var areaLastDemand: Slots<Int32>   // demand type of the last item started; -1: none yet
    var areaSetups: Slots<Int>
    var areaNextChange: Slots<Int>     // index into the schedule of the next change
    var areaCapacityIntegral: Slots<Double>
    var areaLimit: Slots<Int32>        // -1: none
    var areaBusy: Slots<Int32>
    var areaQueued: Slots<Int32>
    var areaLast: Slots<Double>
    var areaBusyIntegral: Slots<Double>
    var areaQueueIntegral: Slots<Double>
    var areaTurnedAway: Slots<Int>
    var queues: Slots<IndexRing>       // area * classCount + class

    // Observations since the end of warm-up.
    var wipIntegral = 0.0
    var wipLast = 0.0
    var observedFrom = 0.0
    var arrivalsSoFar: Slots<Int>      // all arrivals, for keys and limits
    var nextItemKey: Slots<UInt64>     // the key of each stream's next arrival, hashed once
    var arrivals: Slots<Int>
    var completed: Slots<Int>
    var onTime: Slots<Int>
    var rework: Slots<Int>
    var cancelled: Slots<Int>
    var turnedAway: Slots<Int>
    var stepVisits: Slots<Int>
    var stepServices: Slots<DurationRecorder>
    var stepWaited: Slots<Int>
    var stepWaits: Slots<DurationRecorder>
    var stepHandoffs: Slots<DurationRecorder>
    var stepAbandoned: Slots<Int>
    var stepFailed: Slots<Int>
    var abandoned: Slots<Int>
    var leadTimes: Slots<DurationRecorder>   // [0]: all items; [1 + d]: demand d, when there are several
    var businessLeadTimes: Slots<DurationRecorder>   // as leadTimes; empty without calendar time
    var wipSeries: [Double] = []
    var seriesTimes: [Double] = []
    var areaBusySeries: [Double] = []
    var areaQueueSeries: [Double] = []
    var areaStaffSeries: [Double] = []
    // Where the area integrals stood when the last series interval closed: each point of the
    // series is the average over the interval since the previous one (the integrals' growth),
    // so that a sample taken at night neither drops out nor aliases a daily cycle into a
    // weekly one. The events themselves keep only the integrals the figures need.
    var seriesBusyMark: Slots<Double>
    var seriesQueueMark: Slots<Double>
    var seriesCapacityMark: Slots<Double>
    var seriesLastTime = 0.0
    var areaSeriesTimes: [Double] = []
    let seriesStep: Double

    public init(model: Model, options: ReplicationOptions) {
        self.model = model
        self.options = options
        layout = MetricLayout(model: model)
        horizon = model.horizon ?? .infinity

        var base: [Int32] = [], area: [Int32] = [], local: [Int32] = [], key: [UInt64] = []
        var duration: [Distribution] = [], rejectP: [Double] = [], rejectTo: [Int32] = []
        var routeStart: [Int32] = [], routeCount: [Int32] = [], defaultNext: [Int32] = []
        var cumulative: [Double] = [], to: [Int32] = []
        var handoffs: [Handoff?] = [], patiences: [Distribution?] = [], failP: [Double] = [], failTo: [Int32] = []
        var complaints: [Contact?] = []
        var condStart: [Int32] = [], condCount: [Int32] = [], conds: [Condition] = [], condTo: [Int32] = []
        func code(_ d: Destination) -> Int32 {
            switch d {
            case .step(let s): return Int32(s)
            case .exit: return Self.exitCode
            case .cancel: return Self.cancelCode
            }
        }
        var longest = 1
        for journey in model.journeys {
            base.append(Int32(area.count))
            longest = max(longest, journey.steps.count)
            for (s, step) in journey.steps.enumerated() {
                area.append(Int32(step.area))
                local.append(Int32(s))
                key.append(StreamKeying.combine(StreamKeying.hash(journey.name), StreamKeying.hash(step.name)))
                duration.append(step.duration)
                handoffs.append(step.handoff)
                patiences.append(step.patience)
                failP.append(step.failure?.probability ?? 0)
                failTo.append(step.failure?.then.map(code) ?? Self.continueCode)
                complaints.append(step.failure.flatMap { $0.customerTold ? nil : $0.complaint })
                rejectP.append(step.approval?.rejectProbability ?? 0)
                rejectTo.append(step.approval.map { code($0.onReject) } ?? Self.cancelCode)
                routeStart.append(Int32(cumulative.count))
                let conditional = step.routes.contains { $0.condition != nil }
                condStart.append(Int32(conds.count))
                condCount.append(conditional ? Int32(step.routes.filter { $0.condition != nil }.count) : 0)
                if conditional {
                    for route in step.routes { if let c = route.condition { conds.append(c); condTo.append(code(route.destination)) } }
                }
                // A single branch (`next: pack`) is no decision: it needs no draw.
                let branches = step.routes.count > 1 && !conditional ? step.routes : []
                routeCount.append(Int32(branches.count))
                var sum = 0.0
                for route in branches {
                    sum += route.probability
                    cumulative.append(sum)
                    to.append(code(route.destination))
                }
                if conditional, let otherwise = step.routes.last(where: { $0.condition == nil }) {
                    defaultNext.append(code(otherwise.destination))
                } else if let only = step.routes.first, step.routes.count == 1 {
                    defaultNext.append(code(only.destination))
                } else {
                    defaultNext.append(s + 1 < journey.steps.count ? Int32(s + 1) : Self.exitCode)
                }
            }
        }
        stepArea = area; stepLocal = local; stepKey = key; stepDuration = duration
        stepRejectProbability = rejectP; stepRejectTo = rejectTo
        stepRouteStart = routeStart; stepRouteCount = routeCount; stepDefaultNext = defaultNext
        routeCumulative = cumulative; routeTo = to
        stepHandoff = handoffs; stepPatience = patiences
        stepHasHandoff = handoffs.map { $0 != nil }; stepHasPatience = patiences.map { $0 != nil }
        stepFailureProbability = failP; stepFailureTo = failTo; stepComplaint = complaints
        stepConditionStart = condStart; stepConditionCount = condCount; conditions = conds; conditionTo = condTo
        var joints: [[Int]] = [], stepJointIndex: [Int32] = []
        for journey in model.journeys {
            for step in journey.steps {
                if step.extraAreas.isEmpty { stepJointIndex.append(-1) } else {
                    stepJointIndex.append(Int32(joints.count))
                    joints.append(step.areas)
                }
            }
        }
        stepJoint = stepJointIndex
        jointAreas = joints
        areaJoints = model.areas.indices.map { a in joints.indices.filter { joints[$0].contains(a) } }
        areaHasJoints = areaJoints.map { !$0.isEmpty }
        jointQueues = Slots(count: joints.count) { _ in IndexRing(capacity: 64) }
        attributeCount = model.attributes.count
        attributeKey = model.attributes.map { StreamKeying.hash("attribute:" + $0.name) }
        demandAttributes = model.demands.map(\.attributes)
        journeyBase = base; journeyLength = longest
        journeyStepCount = model.journeys.map(\.steps.count)

        let priorities = Array(Set(model.demands.map(\.priority) + model.demands.flatMap { $0.priorityRules.map(\.priority) })).sorted(by: >)
        demandPriorityRules = model.demands.map { d in
            d.priorityRules.map { ($0.condition, Int32(priorities.firstIndex(of: $0.priority)!)) }
        }
        classCount = max(priorities.count, 1)
        let runKey = StreamKeying.combine(
            StreamKeying.combine(StreamKeying.hash("procsim"), options.seed), UInt64(options.replication))
        demandJourney = model.demands.map { Int32($0.journey) }
        demandClass = model.demands.map { d in Int32(priorities.firstIndex(of: d.priority)!) }
        demandKey = model.demands.map { StreamKeying.combine(runKey, StreamKeying.hash($0.name)) }
        demandGaps = model.demands.map { $0.arrivals.gapDistribution }
        demandArrivals = model.demands.map(\.arrivals)
        demandRenewal = model.demands.map {
            switch $0.arrivals {
            case .poisson, .renewal: return true
            case .varying, .scheduled, .triggered: return false
            }
        }
        demandBusinessHours = model.demands.map { model.calendarTime ? $0.businessHours : nil }
        demandBusinessPromise = model.demands.map { $0.promiseClock == .business }
        demandPatience = model.demands.map(\.patience)
        demandHasPatience = model.demands.map { $0.patience != nil }
        tracing = options.trace
        anyPatience = model.demands.contains { $0.patience != nil } || model.journeys.contains { $0.steps.contains { $0.patience != nil } }
        demandLateContact = model.demands.map(\.lateContact)
        demandLimit = model.demands.map { d in
            if case .scheduled(let times) = d.arrivals { return min(times.count, d.maxArrivals ?? .max) }
            return d.maxArrivals ?? Int.max
        }
        demandPromise = model.demands.map { $0.promise ?? .infinity }

        let areas = model.areas.count, demands = model.demands.count, steps = area.count
        areaStaff = Slots(repeating: 0, count: areas)
        areaLimit = Slots(repeating: -1, count: areas)
        for (a, spec) in model.areas.enumerated() {
            areaStaff[a] = spec.schedule.map { Int32($0.levels[0]) } ?? spec.staff.map(Int32.init) ?? -1
            if !spec.systems.isEmpty { areaStaff[a] = 0 }   // set from the masked schedule below
            areaLimit[a] = spec.queueLimit.map(Int32.init) ?? -1
        }
        // Breakdowns: each system's up and down times over the horizon, drawn once per
        // replication and keyed by (system, occurrence); an area that needs a system has nobody
        // on duty while it is down, so its work pauses and resumes as with working hours.
        let end = model.horizon ?? 0   // the loader requires a horizon with systems
        let systemUp: [Timetable] = model.systems.map { system in
            let key = StreamKeying.combine(runKey, StreamKeying.hash("system:" + system.name))
            var intervals: [(start: Double, end: Double)] = []
            var t = 0.0, occurrence: UInt32 = 0
            while t < end && occurrence < 10_000_000 {
                occurrence += 1
                var stream = RandomStream(key: StreamKeying.drawKey(item: key, step: 0, visit: occurrence, purpose: .breakdown))
                let up = system.up.sample(&stream), down = system.down.sample(&stream)
                intervals.append((t, t + up))
                t += up + down
            }
            return Timetable(intervals: intervals)
        }
        let schedules: [StaffSchedule?] = model.areas.map { area in
            guard !area.systems.isEmpty else { return area.schedule }
            var schedule = area.schedule ?? .constant(area.staff ?? -1)
            for s in area.systems { schedule = schedule.masked(by: systemUp[s]) }
            return schedule
        }
        areaSchedule = schedules
        areaHours = schedules.map { $0?.open }
        areaHasHours = schedules.map { $0 != nil }
        jointHours = jointAreas.map { areas in
            // An area that works around the clock is open throughout: only the timed ones cut.
            let timed = areas.compactMap { schedules[$0]?.open }
            guard var hours = timed.first else { return nil }
            for other in timed.dropFirst() { hours = hours.intersection(other) }
            return hours
        }
        areaCallIn = model.areas.map(\.callIn)
        areaHasCallIn = model.areas.map { $0.callIn != nil }
        areaExtra = Slots(repeating: 0, count: areas)
        areaSetup = model.areas.map(\.setup)
        areaHasSetup = model.areas.map { $0.setup != nil }
        areaLastDemand = Slots(repeating: -1, count: areas)
        areaSetups = Slots(repeating: 0, count: areas)
        areaNextChange = Slots(repeating: 1, count: areas)
        for a in 0..<areas { if let schedule = areaSchedule[a] { areaStaff[a] = Int32(schedule.levels[0]) } }
        areaCapacityIntegral = Slots(repeating: 0, count: areas)
        areaBusy = Slots(repeating: 0, count: areas)
        areaQueued = Slots(repeating: 0, count: areas)
        areaLast = Slots(repeating: 0, count: areas)
        areaBusyIntegral = Slots(repeating: 0, count: areas)
        areaQueueIntegral = Slots(repeating: 0, count: areas)
        seriesBusyMark = Slots(repeating: 0, count: areas)
        seriesQueueMark = Slots(repeating: 0, count: areas)
        seriesCapacityMark = Slots(repeating: 0, count: areas)
        areaTurnedAway = Slots(repeating: 0, count: areas)
        queues = Slots(count: areas * max(priorities.count, 1)) { _ in IndexRing(capacity: 64) }

        arrivalsSoFar = Slots(repeating: 0, count: demands)
        nextItemKey = Slots(repeating: 0, count: demands)
        arrivals = Slots(repeating: 0, count: demands)
        completed = Slots(repeating: 0, count: demands)
        onTime = Slots(repeating: 0, count: demands)
        rework = Slots(repeating: 0, count: demands)
        cancelled = Slots(repeating: 0, count: demands)
        turnedAway = Slots(repeating: 0, count: demands)
        stepVisits = Slots(repeating: 0, count: steps)
        // Per-step times are kept exactly up to a limit, as lead times are: exact percentiles for
        // ordinary runs, and no histogram to build and scan per replication (percentiles of a
        // histogram went through unspecialised generic code and dominated short replications).
        let stepLimit = min(options.exactLimit, ReplicationOptions.stepExactLimit)
        stepServices = Slots(count: steps) { _ in DurationRecorder(exactLimit: stepLimit) }
        stepWaited = Slots(repeating: 0, count: steps)
        stepWaits = Slots(count: steps) { _ in DurationRecorder(exactLimit: stepLimit) }
        stepHandoffs = Slots(count: steps) { _ in DurationRecorder(exactLimit: stepLimit) }
        stepAbandoned = Slots(repeating: 0, count: steps)
        stepFailed = Slots(repeating: 0, count: steps)
        abandoned = Slots(repeating: 0, count: demands)
        // Room for the lead times a run expects, so that keeping millions of them never regrows.
        let expected = model.demands.reduce(0.0) { total, d in
            total + min(Double(d.maxArrivals ?? .max), d.arrivals.meanRate(until: model.horizon) * (model.horizon ?? .infinity) * 1.1)
        }
        // At most 10 million up front; beyond, the array grows as lead times come.
        let reserve = expected.isFinite ? Int(min(expected, Double(options.exactLimit), 1e7)) : 0
        leadTimes = Slots(count: demands > 1 ? demands + 1 : 1) { r in
            DurationRecorder(exactLimit: options.exactLimit, expectedCount: r == 0 ? reserve : 0)
        }
        businessLeadTimes = Slots(count: model.calendarTime ? (demands > 1 ? demands + 1 : 1) : 0) { _ in
            DurationRecorder(exactLimit: options.exactLimit)
        }
        observing = model.warmup <= 0
        seriesStep = model.horizon.map { $0 / Double(max(options.seriesPoints, 1)) } ?? 0
    }

    deinit {
        for q in 0..<queues.count { queues[q].release() }
        for q in 0..<jointQueues.count { jointQueues[q].release() }
    }

    // MARK: - The run loop

    /// Runs to the horizon (or until the system drains) and returns the replication's figures.
    public consuming func run() -> ReplicationOutput {
        for d in 0..<model.demands.count where demandLimit[d] > 0 {
            scheduleArrival(of: d, index: 0, after: 0)
        }
        if model.warmup > 0 { schedule(.warmupEnd, at: model.warmup) }
        for a in 0..<model.areas.count {
            if let times = areaSchedule[a]?.times, times.count > 1 {
                schedule(.staffChange, at: times[1], subject: Int32(a))
            }
        }
        if seriesStep > 0 { schedule(.sample, at: 0) }

        while let event = events.popNext() {
            if event.time >= horizon { break }
            now = event.time
            eventCount &+= 1
            switch Kind(rawValue: event.kind & 0xFF)! {
            case .arrival: arrive(demand: Int(event.subject))
            case .handoffEnd: endHandoff(slot: Int(event.subject))
            case .patience: runOutOfPatience(slot: Int(event.subject), token: UInt32(bitPattern: event.kind) >> 8)
            case .contact: contactArrives(Int(event.subject))
            case .serviceEnd: finishService(slot: Int(event.subject))
            case .warmupEnd: startObserving()
            case .sample: takeSample()
            case .staffChange: changeStaff(area: Int(event.subject))
            }
        }
        if horizon.isFinite {
            now = horizon
            if seriesStep > 0 { closeSeriesInterval() }
        }
        return finish()
    }

    // MARK: - Arrivals

    mutating func scheduleArrival(of demand: Int, index: Int, after time: Double) {
        let item = StreamKeying.itemKey(demand: demandKey[demand], index: index)
        nextItemKey[demand] = item
        var stream = RandomStream(key: StreamKeying.arrivalKey(item: item))
        if demandRenewal[demand] {
            schedule(.arrival, at: time + demandGaps[demand].sample(&stream), subject: Int32(demand))
            return
        }
        let at: Double
        switch demandArrivals[demand] {
        case .varying(let profile):
            // Inversion: the next arrival is where Λ has grown by a unit exponential.
            let e = Distribution.exponential(mean: 1).sample(&stream)
            at = profile.instant(whenExpected: profile.expectedArrivals(before: time) + e)
        case .scheduled(let times):
            at = times[index]
        case .poisson, .renewal, .triggered:
            at = .infinity
        }
        if at.isFinite { schedule(.arrival, at: at, subject: Int32(demand)) }
    }

    mutating func arrive(demand d: Int) {
        let index = arrivalsSoFar[d]
        arrivalsSoFar[d] = index + 1
        let key = nextItemKey[d]
        if index + 1 < demandLimit[d] { scheduleArrival(of: d, index: index + 1, after: now) }
        admit(demand: d, key: key)
    }

    /// A new item of demand type `d` enters its journey: from the demand's own arrivals, or
    /// created by another item (a complaint).
    @inline(__always)
    mutating func admit(demand d: Int, key: UInt64) {
        if observing { arrivals[d] += 1 }
        let slot = allocateSlot()
        if tracing {
            while itemCase.count <= slot { itemCase.append(0); itemServiceStart.append(0) }
            itemCase[slot] = admittedCount
            trace.append(ServiceRecord(kind: .arrival, parent: admittingParent, item: admittedCount, demand: d, step: -1, area: -1, start: now, end: now))
            admittedCount += 1
        }
        itemArrival[slot] = now
        itemKey[slot] = key
        itemDemand[slot] = Int32(d)
        itemDeadline[slot] = .infinity
        if demandHasPatience[d], let patience = demandPatience[d] {
            var stream = RandomStream(key: StreamKeying.drawKey(item: key, step: 0, visit: 0, purpose: .patience))
            itemDeadline[slot] = now + patience.sample(&stream)
        }
        let visitBase = slot * journeyLength
        for s in 0..<journeyStepCount[Int(demandJourney[d])] { itemVisits[visitBase + s] = 0 }
        itemClass[slot] = demandClass[d]
        if attributeCount > 0 {
            let base = slot * attributeCount
            for a in 0..<attributeCount { itemAttributes[base + a] = .nan }
            for draw in demandAttributes[d] {
                var stream = RandomStream(key: StreamKeying.drawKey(item: key, step: attributeKey[draw.attribute], visit: 0, purpose: .attribute))
                itemAttributes[base + draw.attribute] = draw.source.sample(&stream)
            }
            for rule in demandPriorityRules[d] where rule.condition.map({ holds($0, slot: slot) }) ?? true {
                itemClass[slot] = rule.priorityClass
                break
            }
        }
        touchWIP()
        wip += 1
        enter(slot: slot, step: Int(journeyBase[Int(demandJourney[d])]))
    }

    mutating func allocateSlot() -> Int {
        if freeCount > 0 {
            freeCount -= 1
            let slot = Int(freeSlots[freeCount])
            itemAlive[slot] = true
            return slot
        }
        let slot = itemArrival.count
        let grown = max(1024, slot * 2)
        itemArrival.grow(to: grown, filling: 0)
        itemEnter.grow(to: grown, filling: 0)
        itemKey.grow(to: grown, filling: 0)
        itemDemand.grow(to: grown, filling: 0)
        itemStep.grow(to: grown, filling: 0)
        itemAlive.grow(to: grown, filling: false)
        itemDeadline.grow(to: grown, filling: .infinity)
        itemAttributes.grow(to: grown * max(attributeCount, 1), filling: .nan)
        itemClass.grow(to: grown, filling: 0)
        itemToken.grow(to: grown, filling: 0)
        itemWaiting.grow(to: grown, filling: false)
        itemAbandoned.grow(to: grown, filling: false)
        itemVisits.grow(to: grown * journeyLength, filling: 0)
        freeSlots.grow(to: grown, filling: 0)
        for s in stride(from: grown - 1, to: slot, by: -1) {
            freeSlots[freeCount] = Int32(s)
            freeCount += 1
        }
        itemAlive[slot] = true
        return slot
    }

    /// The item leaves the operation: delivered, cancelled, turned away.
    @inline(__always)
    mutating func release(slot: Int) {
        itemAlive[slot] = false
        freeSlots[freeCount] = Int32(slot)
        freeCount += 1
        touchWIP()
        wip -= 1
    }

    // MARK: - Areas

    /// The item joins a step's area: it starts at once if staff is free, waits in its class's
    /// queue otherwise (with its patience running), or is turned away when the queue is full.
    mutating func join(slot: Int, step: Int) {
        itemEnter[slot] = now
        if stepJoint[step] >= 0 {
            joinJoint(slot: slot, step: step, joint: Int(stepJoint[step]))
            return
        }
        let a = Int(stepArea[step])
        let staff = areaStaff[a]
        if staff < 0 || areaBusy[a] < staff {
            startService(slot: slot, step: step, area: a)
            return
        }
        let limit = areaLimit[a]
        if limit >= 0 && areaQueued[a] >= limit {
            if observing {
                areaTurnedAway[a] += 1
                turnedAway[Int(itemDemand[slot])] += 1
            }
            release(slot: slot)
            return
        }
        guard let givesUp = patience(slot: slot, step: step) else { return }
        touchArea(a)
        areaQueued[a] += 1
        queues[a * classCount + Int(itemClass[slot])].push(Int32(slot))
        beginWait(slot: slot, until: givesUp)
        if areaHasCallIn[a], let rule = areaCallIn[a] { callIn(area: a, rule) }
    }

    /// When a customer about to wait at `step` gives up: the step's own patience, or what is
    /// left of the end-to-end one. `nil` when it has already run out: the customer is gone.
    @inline(__always)
    mutating func patience(slot: Int, step: Int) -> Double? {
        var givesUp = itemDeadline[slot]
        if stepHasPatience[step], let patience = stepPatience[step] {
            var stream = drawStream(slot: slot, step: step, purpose: .patience)
            givesUp = min(givesUp, now + patience.sample(&stream))
        }
        if givesUp <= now {
            abandon(slot: slot, step: step)
            return nil
        }
        return givesUp
    }

    /// The item is now in a queue: its patience runs, when anyone in the model has some.
    @inline(__always)
    mutating func beginWait(slot: Int, until givesUp: Double) {
        guard anyPatience else { return }
        itemWaiting[slot] = true
        // Every wait gets a new token, with patience or not: a patience event left over from an
        // earlier occupant of this slot must not find a token it recognises.
        itemToken[slot] &+= 1
        if givesUp.isFinite {
            schedule(.patience, at: givesUp, subject: Int32(slot), tag: itemToken[slot] & 0xFF_FFFF)
        }
    }

    /// A waiting customer's patience runs out: gone, unless this wait is already over.
    mutating func runOutOfPatience(slot: Int, token: UInt32) {
        guard itemWaiting[slot], itemToken[slot] & 0xFF_FFFF == token else { return }
        let step = Int(itemStep[slot])
        if stepJoint[step] >= 0 {
            for a in jointAreas[Int(stepJoint[step])] {
                touchArea(a)
                areaQueued[a] -= 1
            }
        } else {
            let a = Int(stepArea[step])
            touchArea(a)
            areaQueued[a] -= 1
        }
        itemWaiting[slot] = false
        // The slot stays in the queue until it comes out; only then is it free for reuse.
        itemAbandoned[slot] = true
        abandon(slot: slot, step: step, keepSlot: true)
    }

    /// Counts an abandonment at `step` and takes the item out of the operation.
    mutating func abandon(slot: Int, step: Int, keepSlot: Bool = false) {
        if tracing {
            trace.append(ServiceRecord(kind: .abandoned, item: itemCase[slot], demand: Int(itemDemand[slot]), step: step, area: Int(stepArea[step]), start: now, end: now))
        }
        if observing {
            abandoned[Int(itemDemand[slot])] += 1
            stepAbandoned[step] += 1
        }
        if keepSlot {
            itemAlive[slot] = false
            touchWIP()
            wip -= 1
        } else {
            release(slot: slot)
        }
    }

    /// The next live item of an area's queues, highest class first; abandoned ones are freed
    /// on the way. `nil` when only abandoned ones were left.
    @inline(__always)
    mutating func nextWaiting(area a: Int) -> Int? {
        guard let head = liveHead(ofArea: a) else { return nil }
        _ = queues[head.queue].pop()
        return head.slot
    }

    /// An abandoned item has come out of its queue: its slot is free at last.
    @inline(__always)
    mutating func freeAbandoned(_ slot: Int) {
        itemAbandoned[slot] = false
        freeSlots[freeCount] = Int32(slot)
        freeCount += 1
    }

    mutating func startService(slot: Int, step: Int, area a: Int) {
        if tracing { itemServiceStart[slot] = now }
        touchArea(a)
        areaBusy[a] += 1
        if anyPatience { itemWaiting[slot] = false }
        var stream = drawStream(slot: slot, step: step, purpose: .duration)
        var duration = stepDuration[step].sample(&stream)
        let d = itemDemand[slot]
        if areaHasSetup[a], let setup = areaSetup[a] {
            // Switching to another demand type costs a set-up before the work.
            if areaLastDemand[a] >= 0 && areaLastDemand[a] != d {
                var setupStream = drawStream(slot: slot, step: step, purpose: .setup)
                duration += setup.sample(&setupStream)
                if observing { areaSetups[a] += 1 }
            }
            areaLastDemand[a] = d
        }
        if observing {
            stepVisits[step] += 1
            stepServices[step].record(duration)
            let wait = now - itemEnter[slot]
            if wait > 0 { stepWaited[step] += 1 }
            stepWaits[step].record(wait)
        }
        if stepJoint[step] >= 0, let hours = jointHours[Int(stepJoint[step])] {
            let end = hours.instant(after: duration, from: now)
            if end.isFinite { schedule(.serviceEnd, at: end, subject: Int32(slot)) }
        } else if areaHasHours[a], let hours = areaHours[a] {
            // Work in progress pauses while nobody is on duty and resumes with the next shift.
            let end = hours.instant(after: duration, from: now)
            if end.isFinite { schedule(.serviceEnd, at: end, subject: Int32(slot)) }
        } else {
            schedule(.serviceEnd, at: now + duration, subject: Int32(slot))
        }
    }

    /// Staff on duty change (a shift starts or ends, hiring from a date): waiting work starts
    /// as far as the new staff allows. Work already in progress carries on when fewer come on
    /// duty than are busy: the shift hands it over; only new work waits.
    mutating func changeStaff(area a: Int) {
        guard let schedule = areaSchedule[a] else { return }
        touchArea(a)
        let i = areaNextChange[a]
        let level = Int32(schedule.levels[i])
        // Staff called in stay while the area is open; nobody works while it is closed.
        areaStaff[a] = level > 0 ? level + areaExtra[a] : level
        areaNextChange[a] = i + 1
        if i + 1 < schedule.times.count { self.schedule(.staffChange, at: schedule.times[i + 1], subject: Int32(a)) }
        startWaiting(area: a)
    }

    /// The queue is longer than the rule allows: call in one more person at a time, up to the
    /// limit, while the area is open. (A queue that is still too long calls the next.)
    mutating func callIn(area a: Int, _ rule: CallIn) {
        while Int(areaQueued[a]) > rule.above && Int(areaExtra[a]) < rule.upTo && areaStaff[a] > 0 {
            touchArea(a)
            areaExtra[a] += 1
            areaStaff[a] += 1
            startWaiting(area: a)
        }
    }

    /// The queue is short again: extra people who are idle go back, one at a time.
    mutating func sendBack(area a: Int, _ rule: CallIn) {
        while Int(areaQueued[a]) < rule.below && areaExtra[a] > 0 && areaStaff[a] > 0 && areaBusy[a] < areaStaff[a] {
            touchArea(a)
            areaExtra[a] -= 1
            areaStaff[a] -= 1
        }
    }

    /// Starts queued items, highest class first, while staff are free.
    mutating func startWaiting(area a: Int) {
        if areaHasJoints[a] {
            dispatch(area: a)
            return
        }
        while areaQueued[a] > 0 && (areaStaff[a] < 0 || areaBusy[a] < areaStaff[a]) {
            guard let next = nextWaiting(area: a) else { return }
            areaQueued[a] -= 1
            startService(slot: next, step: Int(itemStep[next]), area: a)
        }
    }

    mutating func finishService(slot: Int) {
        let step = Int(itemStep[slot])
        let a = Int(stepArea[step])
        modelEvents &+= 2
        if tracing {
            trace.append(ServiceRecord(item: itemCase[slot], demand: Int(itemDemand[slot]), step: step, area: a,
                                       start: itemServiceStart[slot], end: now))
        }
        if stepJoint[step] >= 0 {
            // Released together; each area then serves whoever has waited longest.
            let areas = jointAreas[Int(stepJoint[step])]
            for b in areas {
                touchArea(b)
                areaBusy[b] -= 1
            }
            for b in areas { dispatch(area: b) }
            route(slot: slot, from: step)
            return
        }
        touchArea(a)
        areaBusy[a] -= 1
        if areaHasJoints[a] {
            dispatch(area: a)
            if areaHasCallIn[a], let rule = areaCallIn[a] { sendBack(area: a, rule) }
            route(slot: slot, from: step)
            return
        }
        if areaQueued[a] > 0 && (areaStaff[a] < 0 || areaBusy[a] < areaStaff[a]), let next = nextWaiting(area: a) {
            areaQueued[a] -= 1
            startService(slot: next, step: Int(itemStep[next]), area: a)
        }
        if areaHasCallIn[a], let rule = areaCallIn[a] { sendBack(area: a, rule) }
        route(slot: slot, from: step)
    }

    /// Decides where the item goes after `step`: a failure first (the work went wrong), then an
    /// approval, then the branches.
    mutating func route(slot: Int, from step: Int) {
        var next = stepDefaultNext[step]
        var decided = false
        let d = Int(itemDemand[slot])
        if stepFailureProbability[step] > 0 {
            var stream = drawStream(slot: slot, step: step, purpose: .failure)
            if stream.nextOpenUnit() < stepFailureProbability[step] {
                if observing { stepFailed[step] += 1 }
                if tracing { trace.append(ServiceRecord(kind: .failed, item: itemCase[slot], demand: d, step: step, area: Int(stepArea[step]), start: now, end: now)) }
                if let complaint = stepComplaint[step] {
                    // Nobody told the customer: they find out, and some of them complain.
                    var contact = drawStream(slot: slot, step: step, purpose: .contact)
                    if contact.nextOpenUnit() < complaint.probability {
                        let key = StreamKeying.mix(StreamKeying.drawKey(item: itemKey[slot], step: stepKey[step], visit: itemVisits[slot * journeyLength + Int(stepLocal[step])], purpose: .contact))
                        scheduleContact(demand: complaint.demand, key: key, after: complaint.delay.sample(&contact), from: slot)
                    }
                }
                if stepFailureTo[step] != Self.continueCode {
                    next = stepFailureTo[step]
                    decided = true
                }
            }
        }
        if !decided && stepRejectProbability[step] > 0 {
            var stream = drawStream(slot: slot, step: step, purpose: .approve)
            if stream.nextOpenUnit() < stepRejectProbability[step] {
                if tracing { trace.append(ServiceRecord(kind: .rejected, item: itemCase[slot], demand: d, step: step, area: Int(stepArea[step]), start: now, end: now)) }
                next = stepRejectTo[step]
                decided = true
            }
        }
        if !decided && stepConditionCount[step] > 0 {
            // Conditions on the item's attributes: the first that holds; else the otherwise branch.
            let start = Int(stepConditionStart[step])
            for c in start..<start + Int(stepConditionCount[step]) where holds(conditions[c], slot: slot) {
                next = conditionTo[c]
                break
            }
            decided = true
        }
        if !decided && stepRouteCount[step] > 0 {
            var stream = drawStream(slot: slot, step: step, purpose: .route)
            let u = stream.nextOpenUnit()
            let start = Int(stepRouteStart[step]), end = start + Int(stepRouteCount[step])
            next = routeTo[end - 1]
            for r in start..<end where u < routeCumulative[r] {
                next = routeTo[r]
                break
            }
        }
        if next >= 0 {
            if next <= stepLocal[step] && observing { rework[d] += 1 }
            enter(slot: slot, step: Int(journeyBase[Int(demandJourney[d])] + next))
        } else if next == Self.exitCode {
            deliver(slot: slot, demand: d)
        } else {
            if observing { cancelled[d] += 1 }
            release(slot: slot)
        }
    }

    /// The item is delivered: its lead times, whether it was on time, and, if late, whether the
    /// customer contacts the business about it.
    @inline(__always)
    mutating func deliver(slot: Int, demand d: Int) {
        if tracing { trace.append(ServiceRecord(kind: .delivered, item: itemCase[slot], demand: d, step: -1, area: -1, start: now, end: now)) }
        let lead = now - itemArrival[slot]
        var business = Double.nan
        if let hours = demandBusinessHours[d] {
            business = hours.openTime(before: now) - hours.openTime(before: itemArrival[slot])
        }
        let late = !((demandBusinessPromise[d] ? business : lead) <= demandPromise[d])
        if observing {
            completed[d] += 1
            leadTimes[0].record(lead)
            if leadTimes.count > 1 { leadTimes[1 + d].record(lead) }
            if !business.isNaN {
                businessLeadTimes[0].record(business)
                if businessLeadTimes.count > 1 { businessLeadTimes[1 + d].record(business) }
            }
            if !late { onTime[d] += 1 }
        }
        if late, let contact = demandLateContact[d] {
            var stream = RandomStream(key: StreamKeying.drawKey(item: itemKey[slot], step: 0, visit: 0, purpose: .contact))
            if stream.nextOpenUnit() < contact.probability {
                let key = StreamKeying.mix(StreamKeying.drawKey(item: itemKey[slot], step: 0, visit: 0, purpose: .contact))
                scheduleContact(demand: contact.demand, key: key, after: contact.delay.sample(&stream), from: slot)
            }
        }
        release(slot: slot)
    }

    // MARK: - Time averages

    @inline(__always)
    mutating func touchArea(_ a: Int) {
        let dt = now - areaLast[a]
        let staff = areaStaff[a]
        // Work in progress is paused while nobody is on duty; handed-over work beyond the staff
        // on duty counts as full use, not more.
        areaBusyIntegral[a] += Double(staff < 0 ? areaBusy[a] : min(areaBusy[a], staff)) * dt
        areaCapacityIntegral[a] += Double(max(staff, 0)) * dt
        areaQueueIntegral[a] += Double(areaQueued[a]) * dt
        areaLast[a] = now
    }

    @inline(__always)
    mutating func touchWIP() {
        wipIntegral += Double(wip) * (now - wipLast)
        wipLast = now
    }

    /// The end of warm-up: everything observed so far is forgotten; items in progress stay.
    mutating func startObserving() {
        observing = true
        observedFrom = now
        for a in 0..<model.areas.count {
            touchArea(a)
            // The series marks move with the reset, so the open interval keeps what it gathered.
            seriesBusyMark[a] -= areaBusyIntegral[a]
            seriesQueueMark[a] -= areaQueueIntegral[a]
            seriesCapacityMark[a] -= areaCapacityIntegral[a]
            areaBusyIntegral[a] = 0; areaQueueIntegral[a] = 0; areaCapacityIntegral[a] = 0; areaTurnedAway[a] = 0
            areaSetups[a] = 0
        }
        touchWIP()
        wipIntegral = 0
    }

    /// Averages each area's busy staff, queue and staff on duty over the interval since the
    /// last one closed, placed at its middle.
    mutating func closeSeriesInterval() {
        let span = now - seriesLastTime
        guard span > 0 else { return }
        for a in 0..<model.areas.count {
            touchArea(a)
            areaBusySeries.append((areaBusyIntegral[a] - seriesBusyMark[a]) / span)
            areaQueueSeries.append((areaQueueIntegral[a] - seriesQueueMark[a]) / span)
            // Unlimited staff (−1) stays unlimited for the whole run.
            areaStaffSeries.append(areaStaff[a] < 0 ? -1 : (areaCapacityIntegral[a] - seriesCapacityMark[a]) / span)
            seriesBusyMark[a] = areaBusyIntegral[a]
            seriesQueueMark[a] = areaQueueIntegral[a]
            seriesCapacityMark[a] = areaCapacityIntegral[a]
        }
        areaSeriesTimes.append((seriesLastTime + now) / 2)
        seriesLastTime = now
    }

    mutating func takeSample() {
        seriesTimes.append(now)
        wipSeries.append(Double(wip))
        closeSeriesInterval()
        // k·step rather than now + step: repeated addition drifts, and the count of points must not.
        let next = Double(seriesTimes.count) * seriesStep
        if next < horizon { schedule(.sample, at: next) }
    }

}
