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

    /// Lead times kept exactly per replication unless told otherwise: ten million, about 80 MB.
    public static let defaultExactLimit = 10_000_000

    public init(seed: UInt64, replication: Int, exactLimit: Int = defaultExactLimit, seriesPoints: Int = 100) {
        self.seed = seed
        self.replication = replication
        self.exactLimit = exactLimit
        self.seriesPoints = seriesPoints
    }
}

/// What one replication yields.
public struct ReplicationOutput: Sendable {
    /// The figures, in the order of the model's `MetricLayout`; NaN where undefined
    /// (no item completed, an unlimited area has no utilisation).
    public var metrics: [Double]
    /// Work in progress sampled at `seriesTimes` (from time zero, warm-up included).
    public var wipSeries: [Double]
    public var seriesTimes: [Double]
    /// Events the kernel ran.
    public var events: Int
    /// The peers' yardstick: two per station visit (an arrival and a departure), whatever the
    /// implementation's own event count.
    public var modelEvents: Int
    /// How lead-time percentiles were computed.
    public var leadTimeMethod: DurationRecorder.Method
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

        /// At equal times, bookkeeping runs first (a sample or the end of warm-up sees the state
        /// before anything else happens at that instant), then departures, then changes of staff
        /// on duty, then arrivals, so an item that leaves frees its place for one that arrives at
        /// the same moment, and work finished as a shift ends counts within the shift.
        var priority: UInt8 {
            switch self {
            case .sample, .warmupEnd: return 0
            case .serviceEnd: return 1
            case .staffChange: return 2
            case .arrival: return 3
            }
        }
    }

    mutating func schedule(_ kind: Kind, at time: Double, subject: Int32 = 0) {
        events.schedule(at: time, kind: kind.rawValue, subject: subject, priority: kind.priority)
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
    static let exitCode: Int32 = -1, cancelCode: Int32 = -2

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
    var freeSlots = Slots<Int32>(repeating: 0, count: 0)
    var freeCount = 0
    var wip = 0

    // Areas.
    var areaStaff: Slots<Int32>        // on duty now; -1: unlimited
    /// When each area's staff work, for areas whose staff changes; `nil` entries work always.
    let areaHours: [Timetable?]
    let areaSchedule: [StaffSchedule?]
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
    var leadTimes: Slots<DurationRecorder>   // [0]: all items; [1 + d]: demand d, when there are several
    var businessLeadTimes: Slots<DurationRecorder>   // as leadTimes; empty without calendar time
    var wipSeries: [Double] = []
    var seriesTimes: [Double] = []
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
                rejectP.append(step.approval?.rejectProbability ?? 0)
                rejectTo.append(step.approval.map { code($0.onReject) } ?? Self.cancelCode)
                routeStart.append(Int32(cumulative.count))
                // A single branch (`next: pack`) is no decision: it needs no draw.
                let branches = step.routes.count > 1 ? step.routes : []
                routeCount.append(Int32(branches.count))
                var sum = 0.0
                for route in branches {
                    sum += route.probability
                    cumulative.append(sum)
                    to.append(code(route.destination))
                }
                if let only = step.routes.first, step.routes.count == 1 {
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
        journeyBase = base; journeyLength = longest
        journeyStepCount = model.journeys.map(\.steps.count)

        let priorities = Array(Set(model.demands.map(\.priority))).sorted(by: >)
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
            case .varying, .scheduled: return false
            }
        }
        demandBusinessHours = model.demands.map { model.calendarTime ? $0.businessHours : nil }
        demandBusinessPromise = model.demands.map { $0.promiseClock == .business }
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
            areaLimit[a] = spec.queueLimit.map(Int32.init) ?? -1
        }
        areaSchedule = model.areas.map(\.schedule)
        areaHours = model.areas.map { $0.schedule?.open }
        areaNextChange = Slots(repeating: 1, count: areas)
        areaCapacityIntegral = Slots(repeating: 0, count: areas)
        areaBusy = Slots(repeating: 0, count: areas)
        areaQueued = Slots(repeating: 0, count: areas)
        areaLast = Slots(repeating: 0, count: areas)
        areaBusyIntegral = Slots(repeating: 0, count: areas)
        areaQueueIntegral = Slots(repeating: 0, count: areas)
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
        stepServices = Slots(count: steps) { _ in DurationRecorder(exactLimit: 0) }
        stepWaited = Slots(repeating: 0, count: steps)
        stepWaits = Slots(count: steps) { _ in DurationRecorder(exactLimit: 0) }
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
            switch Kind(rawValue: event.kind)! {
            case .arrival: arrive(demand: Int(event.subject))
            case .serviceEnd: finishService(slot: Int(event.subject))
            case .warmupEnd: startObserving()
            case .sample: takeSample()
            case .staffChange: changeStaff(area: Int(event.subject))
            }
        }
        if horizon.isFinite { now = horizon }
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
        case .poisson, .renewal:
            at = .infinity
        }
        if at.isFinite { schedule(.arrival, at: at, subject: Int32(demand)) }
    }

    mutating func arrive(demand d: Int) {
        let index = arrivalsSoFar[d]
        arrivalsSoFar[d] = index + 1
        let key = nextItemKey[d]
        if index + 1 < demandLimit[d] { scheduleArrival(of: d, index: index + 1, after: now) }
        if observing { arrivals[d] += 1 }

        let slot = allocateSlot()
        itemArrival[slot] = now
        itemKey[slot] = key
        itemDemand[slot] = Int32(d)
        let visitBase = slot * journeyLength
        for s in 0..<journeyStepCount[Int(demandJourney[d])] { itemVisits[visitBase + s] = 0 }
        touchWIP()
        wip += 1
        join(slot: slot, step: Int(journeyBase[Int(demandJourney[d])]))
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
        itemVisits.grow(to: grown * journeyLength, filling: 0)
        freeSlots.grow(to: grown, filling: 0)
        for s in stride(from: grown - 1, to: slot, by: -1) {
            freeSlots[freeCount] = Int32(s)
            freeCount += 1
        }
        itemAlive[slot] = true
        return slot
    }

    mutating func release(slot: Int) {
        itemAlive[slot] = false
        freeSlots[freeCount] = Int32(slot)
        freeCount += 1
        touchWIP()
        wip -= 1
    }

    // MARK: - Areas

    /// The item joins a step: it starts at once if staff is free, waits in its class's queue
    /// otherwise, or is turned away when the queue is at its limit.
    mutating func join(slot: Int, step: Int) {
        itemStep[slot] = Int32(step)
        itemEnter[slot] = now
        itemVisits[slot * journeyLength + Int(stepLocal[step])] &+= 1
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
        touchArea(a)
        areaQueued[a] += 1
        queues[a * classCount + Int(demandClass[Int(itemDemand[slot])])].push(Int32(slot))
    }

    mutating func startService(slot: Int, step: Int, area a: Int) {
        touchArea(a)
        areaBusy[a] += 1
        var stream = drawStream(slot: slot, step: step, purpose: .duration)
        let duration = stepDuration[step].sample(&stream)
        if observing {
            stepVisits[step] += 1
            stepServices[step].record(duration)
            let wait = now - itemEnter[slot]
            if wait > 0 { stepWaited[step] += 1 }
            stepWaits[step].record(wait)
        }
        if let hours = areaHours[a] {
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
        areaStaff[a] = Int32(schedule.levels[i])
        areaNextChange[a] = i + 1
        if i + 1 < schedule.times.count { self.schedule(.staffChange, at: schedule.times[i + 1], subject: Int32(a)) }
        startWaiting(area: a)
    }

    /// Starts queued items, highest class first, while staff are free.
    mutating func startWaiting(area a: Int) {
        while areaQueued[a] > 0 && (areaStaff[a] < 0 || areaBusy[a] < areaStaff[a]) {
            for c in 0..<classCount where !queues[a * classCount + c].isEmpty {
                let next = Int(queues[a * classCount + c].pop())
                areaQueued[a] -= 1
                startService(slot: next, step: Int(itemStep[next]), area: a)
                break
            }
        }
    }

    mutating func finishService(slot: Int) {
        let step = Int(itemStep[slot])
        let a = Int(stepArea[step])
        modelEvents &+= 2
        touchArea(a)
        areaBusy[a] -= 1
        if areaQueued[a] > 0 && (areaStaff[a] < 0 || areaBusy[a] < areaStaff[a]) {
            for c in 0..<classCount where !queues[a * classCount + c].isEmpty {
                let next = Int(queues[a * classCount + c].pop())
                areaQueued[a] -= 1
                startService(slot: next, step: Int(itemStep[next]), area: a)
                break
            }
        }
        route(slot: slot, from: step)
    }

    /// Decides where the item goes after `step`: an approval first, then the branches.
    mutating func route(slot: Int, from step: Int) {
        var next = stepDefaultNext[step]
        var rejected = false
        if stepRejectProbability[step] > 0 {
            var stream = drawStream(slot: slot, step: step, purpose: .approve)
            if stream.nextOpenUnit() < stepRejectProbability[step] {
                next = stepRejectTo[step]
                rejected = true
            }
        }
        if !rejected && stepRouteCount[step] > 0 {
            var stream = drawStream(slot: slot, step: step, purpose: .route)
            let u = stream.nextOpenUnit()
            let start = Int(stepRouteStart[step]), end = start + Int(stepRouteCount[step])
            next = routeTo[end - 1]
            for r in start..<end where u < routeCumulative[r] {
                next = routeTo[r]
                break
            }
        }
        let d = Int(itemDemand[slot])
        if next >= 0 {
            if next <= stepLocal[step] && observing { rework[d] += 1 }
            join(slot: slot, step: Int(journeyBase[Int(demandJourney[d])] + next))
        } else if next == Self.exitCode {
            if observing {
                let lead = now - itemArrival[slot]
                completed[d] += 1
                leadTimes[0].record(lead)
                if leadTimes.count > 1 { leadTimes[1 + d].record(lead) }
                var business = Double.nan
                if let hours = demandBusinessHours[d] {
                    business = hours.openTime(before: now) - hours.openTime(before: itemArrival[slot])
                    businessLeadTimes[0].record(business)
                    if businessLeadTimes.count > 1 { businessLeadTimes[1 + d].record(business) }
                }
                if (demandBusinessPromise[d] ? business : lead) <= demandPromise[d] { onTime[d] += 1 }
            }
            release(slot: slot)
        } else {
            if observing { cancelled[d] += 1 }
            release(slot: slot)
        }
    }

    /// The stream for one draw of one item at one step: (item key, journey-qualified step, visit, purpose).
    @inline(__always)
    func drawStream(slot: Int, step: Int, purpose: DrawPurpose) -> RandomStream {
        let visit = itemVisits[slot * journeyLength + Int(stepLocal[step])]
        return RandomStream(key: StreamKeying.drawKey(item: itemKey[slot], step: stepKey[step], visit: visit, purpose: purpose))
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
            areaBusyIntegral[a] = 0; areaQueueIntegral[a] = 0; areaCapacityIntegral[a] = 0; areaTurnedAway[a] = 0
        }
        touchWIP()
        wipIntegral = 0
    }

    mutating func takeSample() {
        seriesTimes.append(now)
        wipSeries.append(Double(wip))
        // k·step rather than now + step: repeated addition drifts, and the count of points must not.
        let next = Double(seriesTimes.count) * seriesStep
        if next < horizon { schedule(.sample, at: next) }
    }

    // MARK: - Figures

    /// The figures of a duration recorder, in the order of `durationFigures`.
    static func figures(_ r: borrowing DurationRecorder) -> [Double?] {
        [r.mean] + r.percentiles([0.50, 0.90, 0.95, 0.99]) + [r.count > 0 ? r.maximum : nil]
    }

    /// The suffixes of the duration figures in `MetricLayout` (`lead_time.p95`, `wait.max`, …).
    static let durationFigures = ["mean", "p50", "p90", "p95", "p99", "max"]

    consuming func finish() -> ReplicationOutput {
        for a in 0..<model.areas.count { touchArea(a) }
        touchWIP()
        // Nothing is observed when the warm-up outlasts the run: time averages are then undefined.
        let window = observing ? now - observedFrom : 0
        var m = [Double](repeating: .nan, count: layout.count)
        func put(_ name: String, _ scope: MetricScope, _ value: Double?) {
            if let value, let i = layout.index(name, scope) { m[i] = value }
        }

        // Items still in the system, by demand type.
        let demands = model.demands.count
        var openCount = [Int](repeating: 0, count: demands)
        var openAgeSum = [Double](repeating: 0, count: demands)
        var openAgeMax = [Double](repeating: -.infinity, count: demands)
        for slot in 0..<itemAlive.count where itemAlive[slot] {
            let d = Int(itemDemand[slot]), age = now - itemArrival[slot]
            openCount[d] += 1
            openAgeSum[d] += age
            openAgeMax[d] = max(openAgeMax[d], age)
        }

        func outcome(_ scope: MetricScope, leadTimes lead: [Double?], businessLeadTimes business: [Double?], demandsIn ds: [Int]) {
            for (name, value) in zip(Self.durationFigures, lead) { put("lead_time." + name, scope, value) }
            for (name, value) in zip(Self.durationFigures, business) { put("business_lead_time." + name, scope, value) }
            let promised = ds.filter { demandPromise[$0].isFinite }
            let promisedDone = promised.reduce(0) { $0 + completed[$1] }
            put("on_time", scope, promisedDone > 0 ? Double(promised.reduce(0) { $0 + onTime[$1] }) / Double(promisedDone) : nil)
            let done = ds.reduce(0) { $0 + completed[$1] }
            put("throughput", scope, window > 0 ? Double(done) / window : nil)
            put("arrival_rate", scope, window > 0 ? Double(ds.reduce(0) { $0 + arrivals[$1] }) / window : nil)
            put("arrivals", scope, Double(ds.reduce(0) { $0 + arrivals[$1] }))
            put("completed", scope, Double(done))
            put("rework", scope, Double(ds.reduce(0) { $0 + rework[$1] }))
            put("cancelled", scope, Double(ds.reduce(0) { $0 + cancelled[$1] }))
            put("turned_away", scope, Double(ds.reduce(0) { $0 + turnedAway[$1] }))
            let open = ds.reduce(0) { $0 + openCount[$1] }
            put("unfinished", scope, Double(open))
            put("unfinished_age.mean", scope, open > 0 ? ds.reduce(0) { $0 + openAgeSum[$1] } / Double(open) : nil)
            put("unfinished_age.max", scope, open > 0 ? ds.map { openAgeMax[$0] }.max() : nil)
        }
        let overall = Self.figures(leadTimes[0])
        let none = [Double?](repeating: nil, count: Self.durationFigures.count)
        let overallBusiness = businessLeadTimes.count > 0 ? Self.figures(businessLeadTimes[0]) : none
        outcome(.system, leadTimes: overall, businessLeadTimes: overallBusiness, demandsIn: Array(0..<demands))
        for d in 0..<demands {
            outcome(
                .demand(d), leadTimes: leadTimes.count > 1 ? Self.figures(leadTimes[1 + d]) : overall,
                businessLeadTimes: businessLeadTimes.count > 1 ? Self.figures(businessLeadTimes[1 + d]) : overallBusiness,
                demandsIn: [d])
        }
        put("wip.mean", .system, window > 0 ? wipIntegral / window : nil)

        for a in 0..<model.areas.count {
            put("utilisation", .area(a), window > 0 && areaCapacityIntegral[a] > 0 ? areaBusyIntegral[a] / areaCapacityIntegral[a] : nil)
            put("busy.mean", .area(a), window > 0 ? areaBusyIntegral[a] / window : nil)
            put("queue.mean", .area(a), window > 0 ? areaQueueIntegral[a] / window : nil)
            put("turned_away", .area(a), Double(areaTurnedAway[a]))
        }
        for (j, journey) in model.journeys.enumerated() {
            for s in 0..<journey.steps.count {
                let g = Int(journeyBase[j]) + s, scope = MetricScope.step(journey: j, step: s)
                let visits = stepVisits[g]
                put("visits", scope, Double(visits))
                put("waited", scope, visits > 0 ? Double(stepWaited[g]) / Double(visits) : nil)
                for (name, value) in zip(Self.durationFigures, Self.figures(stepWaits[g])) { put("wait." + name, scope, value) }
                for (name, value) in zip(Self.durationFigures, Self.figures(stepServices[g])) { put("service." + name, scope, value) }
            }
        }
        return ReplicationOutput(
            metrics: m, wipSeries: wipSeries, seriesTimes: seriesTimes, events: eventCount,
            modelEvents: modelEvents, leadTimeMethod: leadTimes[0].method)
    }
}
