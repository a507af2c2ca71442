import SimStatistics

/// Static facts about a model, computed without simulating: expected visits per step (the traffic
/// equations), offered load per area, steps an item can never leave, steps never reached.
public struct FlowAnalysis: Sendable {
    /// For each journey, the expected number of visits one item makes to each step.
    public let expectedVisits: [[Double]]
    /// For each area, the mean number of busy staff the demand asks for (λ·E[S] summed over visits).
    public let offeredLoad: [Double]
    /// For each demand type, the mean arrival rate per second, complaints created by other items included.
    public let arrivalRates: [Double]

    public init(model: Model) {
        var visits: [[Double]] = []
        for journey in model.journeys {
            visits.append(Self.visits(journey) ?? Array(repeating: .infinity, count: journey.steps.count))
        }
        // Arrival rates, with the complaints that untold failures create (and complaints of
        // complaints, a few generations deep). Late contacts depend on the simulation and are
        // not counted: the load is then a lower bound.
        let own = model.demands.map { $0.arrivals.meanRate(until: model.horizon) }
        var rates = own
        for _ in 0..<4 {
            var next = own
            for (d, demand) in model.demands.enumerated() {
                for (s, step) in model.journeys[demand.journey].steps.enumerated() {
                    guard let failure = step.failure, !failure.customerTold, let complaint = failure.complaint else { continue }
                    next[complaint.demand] += rates[d] * visits[demand.journey][s] * failure.probability * complaint.probability
                }
            }
            rates = next
        }
        var load = Array(repeating: 0.0, count: model.areas.count)
        for (d, demand) in model.demands.enumerated() {
            let journey = model.journeys[demand.journey]
            for (s, step) in journey.steps.enumerated() {
                for a in step.areas { load[a] += rates[d] * visits[demand.journey][s] * step.duration.mean }
            }
        }
        expectedVisits = visits
        offeredLoad = load
        arrivalRates = rates
    }

    /// The areas whose offered load reaches their mean staff on duty: their queues grow without
    /// bound. An area with a queue limit is never among them: it turns the excess away instead (a
    /// loss system). With working hours, the load is in working time and the staff are averaged
    /// over the horizon (elapsed time), so an office open 45 hours a week has about a quarter of
    /// its headcount on average.
    /// An area where waiting items may give up (patience on a step there, or on a demand type
    /// that visits it) is never among them either: abandonment bounds its queue.
    public func unstableAreas(of model: Model) -> [Int] {
        var patient = Set<Int>()
        for demand in model.demands {
            for step in model.journeys[demand.journey].steps where demand.patience != nil || step.patience != nil {
                patient.formUnion(step.areas)
            }
        }
        return model.areas.indices.filter { a in
            model.areas[a].queueLimit == nil && !patient.contains(a)
                && (Self.capacity(of: model.areas[a], in: model).map { offeredLoad[a] >= $0 } ?? false)
        }
    }

    /// The mean staff an area can put to work: on duty (hours and shifts), times the share of
    /// time its systems are up, plus everyone a call-in rule may bring; `nil` when unlimited.
    public static func capacity(of area: Area, in model: Model) -> Double? {
        guard var staff = area.meanStaff(until: model.horizon) else { return nil }
        for s in area.systems {
            let system = model.systems[s]
            staff *= system.up.mean / (system.up.mean + system.down.mean)
        }
        if let rule = area.callIn { staff += Double(rule.upTo) }
        return staff
    }

    /// Solves v = e₀ + Pᵀv through LAPACK: the visits an item entering at step 0 makes to each step.
    static func visits(_ journey: Journey) -> [Double]? {
        let n = journey.steps.count
        var a = [Double](repeating: 0, count: n * n)  // I − Pᵀ, row-major
        for i in 0..<n { a[i * n + i] = 1 }
        for from in 0..<n {
            for (destination, p) in journey.transitions(from: from) {
                if case .step(let to) = destination { a[to * n + from] -= p }
            }
        }
        var e0 = [Double](repeating: 0, count: n)
        e0[0] = 1
        return LinearAlgebra.solve(a, e0, n: n)
    }

    /// Steps from which no sequence of possible branches reaches an exit or a cancellation:
    /// an item that gets there circles for ever.
    public static func trappingSteps(_ journey: Journey) -> [Int] {
        let n = journey.steps.count
        var canLeave = Array(repeating: false, count: n)
        var changed = true
        while changed {
            changed = false
            for s in 0..<n where !canLeave[s] {
                for (destination, p) in journey.transitions(from: s) where p > 0 {
                    let leaves: Bool
                    switch destination {
                    case .exit, .cancel: leaves = true
                    case .step(let t): leaves = canLeave[t]
                    }
                    if leaves { canLeave[s] = true; changed = true; break }
                }
            }
        }
        return (0..<n).filter { !canLeave[$0] }
    }

    /// Steps no item can reach from the first step.
    public static func unreachableSteps(_ journey: Journey) -> [Int] {
        let n = journey.steps.count
        var reached = Array(repeating: false, count: n)
        var stack = [0]
        reached[0] = true
        while let s = stack.popLast() {
            for (destination, p) in journey.transitions(from: s) where p > 0 {
                if case .step(let t) = destination, !reached[t] { reached[t] = true; stack.append(t) }
            }
        }
        return (0..<n).filter { !reached[$0] }
    }
}
