import SimKernel
import SimStatistics

/// Settings of one replication that are not part of the model.
public struct ReplicationOptions: Sendable {
    public var seed: UInt64
    public var replication: Int
    /// Lead times kept exactly, per recorder, before switching to a histogram. Waits and work
    /// times per step always go to a histogram past `stepExactLimit`: their means and maxima are
    /// exact regardless.
    public var exactLimit: Int
    /// How many points the work-in-progress time series has over the horizon.
    /// Samples of work in progress and of each area over the horizon; 0 for none.
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

/// The state of one replication of a compiled model, and the engine that runs it.
///
/// All storage is flat and owned here: items are slots in struct-of-arrays storage, recycled
/// when an item leaves, so memory follows the work in progress, not the number of arrivals.
/// A worker keeps one `Replication` for all the replications it runs: `run` resets the state
/// (counters to zero, queues and the event list emptied, buffers kept) instead of building it
/// again, and a reset state runs exactly as a new one would, so results do not depend on which
/// worker ran which replication.
///
/// The engine is spread over files by concern: `EventLoop.swift` (the loop and event kinds),
/// `Arrivals`, `Service`, `Routing`, `Patience`, `Staffing` (shifts, call-ins, breakdowns),
/// `Handoffs` (handoffs and the contacts items cause), `SeveralAreas`, `Observations` (time
/// averages and series) and `Figures` (the replication's output).
public struct Replication: ~Copyable {
    let plan: CompiledModel
    var options: ReplicationOptions
    var tracing = false

    // Streams and timetables of this replication.
    /// Each demand type's key under this replication's seed: the parent of its items' keys.
    var demandKey: [UInt64]
    /// Staff schedules and hours: the compiled model's, or masked by this replication's breakdowns.
    var areaSchedule: [StaffSchedule?]
    var areaHours: [Timetable?]
    var areaHasHours: [Bool]
    var jointHours: [Timetable?]

    // Kernel.
    var events = EventList(capacity: 4096)
    var now = 0.0
    var eventCount = 0
    var modelEvents = 0
    var observing = false

    // Items (struct of arrays), recycled through a free list.
    var itemArrival = Slots<Double>(repeating: 0, count: 0)
    var itemEnter = Slots<Double>(repeating: 0, count: 0)
    var itemKey = Slots<UInt64>(repeating: 0, count: 0)
    var itemDemand = Slots<Int32>(repeating: 0, count: 0)
    var itemStep = Slots<Int32>(repeating: 0, count: 0)
    var itemVisits = Slots<UInt32>(repeating: 0, count: 0)   // journeyLength per slot
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
    var freeSlots = Slots<Int32>(repeating: 0, count: 0)
    var freeCount = 0
    var wip = 0
    // Contacts on their way (a complaint after a delay): demand type and item key.
    var contactDemand: [Int32] = []
    var contactKey: [UInt64] = []
    var contactFree: [Int32] = []

    // For an event log, when tracing.
    var itemCase: [Int] = []            // by slot: the item's number in arrival order
    var itemServiceStart: [Double] = [] // by slot
    var admittedCount = 0
    var trace: [ServiceRecord] = []
    var contactParent: [Int] = []       // by contact: the case that caused it
    var admittingParent = -1            // the case causing the item being admitted

    // Areas.
    var areaStaff: Slots<Int32>        // on duty now; -1: unlimited
    var areaExtra: Slots<Int32>        // staff called in on top of the schedule
    var areaLastDemand: Slots<Int32>   // demand type of the last item started; -1: none yet
    var areaSetups: Slots<Int>
    var areaNextChange: Slots<Int>     // index into the schedule of the next change
    var areaBusy: Slots<Int32>
    var areaQueued: Slots<Int32>
    var areaTurnedAway: Slots<Int>
    var queues: Slots<IndexRing>       // area * classCount + class
    var jointQueues: Slots<IndexRing>  // one FIFO per joint step

    // Time averages since the end of warm-up.
    var areaLast: Slots<Double>
    var areaBusyIntegral: Slots<Double>
    var areaQueueIntegral: Slots<Double>
    var areaCapacityIntegral: Slots<Double>
    var wipIntegral = 0.0
    var wipLast = 0.0
    var observedFrom = 0.0

    // Counts and durations since the end of warm-up.
    var arrivalsSoFar: Slots<Int>      // all arrivals, for keys and limits
    var nextItemKey: Slots<UInt64>     // the key of each stream's next arrival, hashed once
    var arrivals: Slots<Int>
    var completed: Slots<Int>
    var onTime: Slots<Int>
    var rework: Slots<Int>
    var cancelled: Slots<Int>
    var turnedAway: Slots<Int>
    var abandoned: Slots<Int>
    var stepVisits: Slots<Int>
    var stepWaited: Slots<Int>
    var stepAbandoned: Slots<Int>
    var stepFailed: Slots<Int>
    var stepServices: Slots<DurationRecorder>
    var stepWaits: Slots<DurationRecorder>
    var stepHandoffs: Slots<DurationRecorder>
    var leadTimes: Slots<DurationRecorder>           // [0]: all items; [1 + d]: demand d, when there are several
    var businessLeadTimes: Slots<DurationRecorder>   // as leadTimes; empty without calendar time
    var exactLimit = -1

    // Series over the horizon.
    var seriesStep = 0.0
    var wipSeries: [Double] = []
    var seriesTimes: [Double] = []
    var areaBusySeries: [Double] = []
    var areaQueueSeries: [Double] = []
    var areaStaffSeries: [Double] = []
    var areaSeriesTimes: [Double] = []
    // Where the area integrals stood when the last series interval closed: each point of the
    // series is the average over the interval since the previous one (the integrals' growth),
    // so that a sample taken at night neither drops out nor aliases a daily cycle into a
    // weekly one. The events themselves keep only the integrals the figures need.
    var seriesBusyMark: Slots<Double>
    var seriesQueueMark: Slots<Double>
    var seriesCapacityMark: Slots<Double>
    var seriesLastTime = 0.0

    /// Storage for replications of `plan`; each `run` starts from a clean state.
    public init(_ plan: CompiledModel) {
        self.plan = plan
        options = ReplicationOptions(seed: 0, replication: 0)
        let areas = plan.areas.count, demands = plan.demands.count, steps = plan.steps.count
        demandKey = [UInt64](repeating: 0, count: demands)
        areaSchedule = plan.areaSchedule
        areaHours = plan.areaHours
        areaHasHours = plan.areaHours.map { $0 != nil }
        jointHours = plan.jointHours
        areaStaff = Slots(repeating: 0, count: areas)
        areaExtra = Slots(repeating: 0, count: areas)
        areaLastDemand = Slots(repeating: -1, count: areas)
        areaSetups = Slots(repeating: 0, count: areas)
        areaNextChange = Slots(repeating: 1, count: areas)
        areaBusy = Slots(repeating: 0, count: areas)
        areaQueued = Slots(repeating: 0, count: areas)
        areaTurnedAway = Slots(repeating: 0, count: areas)
        queues = Slots(count: areas * plan.classCount) { _ in IndexRing(capacity: 64) }
        jointQueues = Slots(count: plan.jointAreas.count) { _ in IndexRing(capacity: 64) }
        areaLast = Slots(repeating: 0, count: areas)
        areaBusyIntegral = Slots(repeating: 0, count: areas)
        areaQueueIntegral = Slots(repeating: 0, count: areas)
        areaCapacityIntegral = Slots(repeating: 0, count: areas)
        seriesBusyMark = Slots(repeating: 0, count: areas)
        seriesQueueMark = Slots(repeating: 0, count: areas)
        seriesCapacityMark = Slots(repeating: 0, count: areas)
        arrivalsSoFar = Slots(repeating: 0, count: demands)
        nextItemKey = Slots(repeating: 0, count: demands)
        arrivals = Slots(repeating: 0, count: demands)
        completed = Slots(repeating: 0, count: demands)
        onTime = Slots(repeating: 0, count: demands)
        rework = Slots(repeating: 0, count: demands)
        cancelled = Slots(repeating: 0, count: demands)
        turnedAway = Slots(repeating: 0, count: demands)
        abandoned = Slots(repeating: 0, count: demands)
        stepVisits = Slots(repeating: 0, count: steps)
        stepWaited = Slots(repeating: 0, count: steps)
        stepAbandoned = Slots(repeating: 0, count: steps)
        stepFailed = Slots(repeating: 0, count: steps)
        stepServices = Slots(count: 0) { _ in DurationRecorder(exactLimit: 0) }
        stepWaits = Slots(count: 0) { _ in DurationRecorder(exactLimit: 0) }
        stepHandoffs = Slots(count: 0) { _ in DurationRecorder(exactLimit: 0) }
        leadTimes = Slots(count: 0) { _ in DurationRecorder(exactLimit: 0) }
        businessLeadTimes = Slots(count: 0) { _ in DurationRecorder(exactLimit: 0) }
    }

    deinit {
        for q in 0..<queues.count { queues[q].release() }
        for q in 0..<jointQueues.count { jointQueues[q].release() }
    }

    /// Back to time zero for replication `options.replication`: every counter and integral to
    /// zero, queues and the event list emptied, the item slots all free in the order a new
    /// state would hand them out. Buffers keep their size.
    mutating func reset(_ options: ReplicationOptions) {
        self.options = options
        tracing = options.trace
        let runKey = StreamKeying.combine(
            StreamKeying.combine(StreamKeying.hash("procsim"), options.seed), UInt64(options.replication))
        for d in plan.demands.indices { demandKey[d] = StreamKeying.combine(runKey, plan.demandNameKey[d]) }
        if !plan.model.systems.isEmpty { drawBreakdowns(runKey: runKey) }

        events.removeAll()
        now = 0
        eventCount = 0
        modelEvents = 0
        observing = plan.model.warmup <= 0

        itemAlive.fill(false)
        itemWaiting.fill(false)
        itemAbandoned.fill(false)
        itemToken.fill(0)
        // Free slots are handed out from the end of the list: slot 0 first, as in a new state.
        freeCount = 0
        for s in stride(from: freeSlots.count - 1, through: 0, by: -1) {
            freeSlots[freeCount] = Int32(s)
            freeCount += 1
        }
        wip = 0
        contactDemand.removeAll(keepingCapacity: true)
        contactKey.removeAll(keepingCapacity: true)
        contactFree.removeAll(keepingCapacity: true)
        itemCase.removeAll(keepingCapacity: true)
        itemServiceStart.removeAll(keepingCapacity: true)
        admittedCount = 0
        trace = []
        contactParent.removeAll(keepingCapacity: true)
        admittingParent = -1

        for a in plan.areas.indices {
            areaStaff[a] = areaSchedule[a].map { Int32($0.levels[0]) } ?? plan.areas[a].staff
        }
        areaExtra.fill(0)
        areaLastDemand.fill(-1)
        areaSetups.fill(0)
        areaNextChange.fill(1)
        areaBusy.fill(0)
        areaQueued.fill(0)
        areaTurnedAway.fill(0)
        for q in 0..<queues.count { queues[q].removeAll() }
        for q in 0..<jointQueues.count { jointQueues[q].removeAll() }
        areaLast.fill(0)
        areaBusyIntegral.fill(0)
        areaQueueIntegral.fill(0)
        areaCapacityIntegral.fill(0)
        wipIntegral = 0
        wipLast = 0
        observedFrom = 0

        arrivalsSoFar.fill(0)
        nextItemKey.fill(0)
        arrivals.fill(0)
        completed.fill(0)
        onTime.fill(0)
        rework.fill(0)
        cancelled.fill(0)
        turnedAway.fill(0)
        abandoned.fill(0)
        stepVisits.fill(0)
        stepWaited.fill(0)
        stepAbandoned.fill(0)
        stepFailed.fill(0)
        resetRecorders(exactLimit: options.exactLimit)

        // No series at all for 0 points (a study reads only the figures).
        seriesStep = options.seriesPoints > 0 ? plan.model.horizon.map { $0 / Double(options.seriesPoints) } ?? 0 : 0
        wipSeries = []
        seriesTimes = []
        areaBusySeries = []
        areaQueueSeries = []
        areaStaffSeries = []
        areaSeriesTimes = []
        seriesBusyMark.fill(0)
        seriesQueueMark.fill(0)
        seriesCapacityMark.fill(0)
        seriesLastTime = 0
    }

    /// Empties the duration recorders, or makes them anew for another exact limit.
    mutating func resetRecorders(exactLimit limit: Int) {
        let steps = plan.steps.count, demands = plan.demands.count
        let recorders = demands > 1 ? demands + 1 : 1
        guard limit == exactLimit else {
            exactLimit = limit
            // Per-step times are kept exactly up to a limit, as lead times are: exact
            // percentiles for ordinary runs, and a flat histogram past it.
            let stepLimit = min(limit, ReplicationOptions.stepExactLimit)
            stepServices = Slots(count: steps) { _ in DurationRecorder(exactLimit: stepLimit) }
            stepWaits = Slots(count: steps) { _ in DurationRecorder(exactLimit: stepLimit) }
            stepHandoffs = Slots(count: steps) { _ in DurationRecorder(exactLimit: stepLimit) }
            // Room for the lead times a run expects, so that keeping millions of them never
            // regrows: at most 10 million up front; beyond, the buffer grows as lead times come.
            let expected = plan.expectedDeliveries
            let reserve = expected.isFinite ? Int(min(expected, Double(limit), 1e7)) : 0
            leadTimes = Slots(count: recorders) { r in
                DurationRecorder(exactLimit: limit, expectedCount: r == 0 ? reserve : 0)
            }
            businessLeadTimes = Slots(count: plan.model.calendarTime ? recorders : 0) { _ in DurationRecorder(exactLimit: limit) }
            return
        }
        for s in 0..<steps {
            stepServices[s].reset()
            stepWaits[s].reset()
            stepHandoffs[s].reset()
        }
        for r in 0..<leadTimes.count { leadTimes[r].reset() }
        for r in 0..<businessLeadTimes.count { businessLeadTimes[r].reset() }
    }
}
