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

    /// Solves v = e₀ + Pᵀv: the visits an item entering at step 0 makes to each step; `nil`
    /// when a loop reachable from the first step has no way out (the system is singular).
    ///
    /// One dense system for the whole journey would cost n² memory and n³ time (a journey of
    /// 20,000 steps needed 3.2 GB). Steps are taken instead one strongly connected component
    /// (a loop, or a single step) at a time, in the order work flows: the visits flowing into a
    /// component are known once every component before it is solved, so only loops are systems
    /// of their own. Loops up to `denseLoop` steps are solved exactly through LAPACK; larger ones
    /// by Gauss–Seidel sweeps within `iterationBudget` (see `iterate`).
    static func visits(_ journey: Journey) -> [Double]? {
        let n = journey.steps.count
        guard n > 0 else { return [] }
        // The step-to-step transitions that can happen, and where each step's visits come from.
        var successors = [[Int]](repeating: [], count: n)
        var incoming = [[(from: Int, p: Double)]](repeating: [], count: n)
        for from in 0..<n {
            for (destination, p) in journey.transitions(from: from) where p > 0 {
                if case .step(let to) = destination {
                    successors[from].append(to)
                    incoming[to].append((from, p))
                }
            }
        }
        var component = [Int](repeating: -1, count: n)
        var v = [Double](repeating: 0, count: n)
        for (c, members) in stronglyConnectedComponents(successors).enumerated() {
            for s in members { component[s] = c }
            // What flows in from the components already solved, and the item's entry at step 0.
            var inflow = members.map { s in
                incoming[s].reduce(s == 0 ? 1.0 : 0.0) { $0 + (component[$1.from] == c ? 0 : $1.p * v[$1.from]) }
            }
            // A part of the journey nothing reaches keeps zero visits, whatever its loops.
            guard inflow.contains(where: { $0 > 0 }) else { continue }
            if members.count == 1 {
                let s = members[0]
                let stay = incoming[s].reduce(0.0) { $0 + ($1.from == s ? $1.p : 0) }
                guard stay < 1 else { return nil }
                v[s] = inflow[0] / (1 - stay)
            } else if members.count <= denseLoop {
                guard let x = solveLoop(members, inflow: inflow, incoming: incoming, component: component, c) else { return nil }
                for (k, s) in members.enumerated() { v[s] = x[k] }
            } else {
                inflow = iterate(members, inflow: inflow, incoming: incoming, component: component, c)
                for (k, s) in members.enumerated() { v[s] = inflow[k] }
            }
        }
        return v
    }

    /// Loops of up to this many steps are solved as one dense system (≈ 1 ms at this size).
    static let denseLoop = 256
    /// Work allowed for the iterative solution of one large loop, in transitions visited.
    static let iterationBudget = 50_000_000

    /// (I − M)·x = inflow for the transitions M inside one loop, through LAPACK.
    static func solveLoop(_ members: [Int], inflow: [Double], incoming: [[(from: Int, p: Double)]], component: [Int], _ c: Int) -> [Double]? {
        let k = members.count
        var position: [Int: Int] = [:]
        for (i, s) in members.enumerated() { position[s] = i }
        var a = [Double](repeating: 0, count: k * k)  // I − M, row-major
        for (row, s) in members.enumerated() {
            a[row * k + row] += 1
            for (from, p) in incoming[s] where component[from] == c { a[row * k + position[from]!] -= p }
        }
        return LinearAlgebra.solve(a, inflow, n: k)
    }

    /// Gauss–Seidel sweeps in step order (so that a forward chain settles in one sweep) until
    /// the visits change by less than a relative 10⁻¹²; at most `iterationBudget` transitions.
    /// The sweeps start from the inflow and only ever increase, so when a loop recirculates
    /// so much that the budget runs out first, the visits are a lower bound (and so is the
    /// offered load computed from them).
    static func iterate(_ members: [Int], inflow: [Double], incoming: [[(from: Int, p: Double)]], component: [Int], _ c: Int) -> [Double] {
        let order = members.sorted()
        var x = [Double](repeating: 0, count: component.count)
        var base = [Double](repeating: 0, count: component.count)
        for (k, s) in members.enumerated() { base[s] = inflow[k]; x[s] = inflow[k] }
        let edges = max(1, order.reduce(0) { $0 + incoming[$1].count })
        for _ in 0..<max(1, iterationBudget / edges) {
            var change = 0.0, largest = 0.0
            for s in order {
                var value = base[s]
                for (from, p) in incoming[s] where component[from] == c { value += p * x[from] }
                change = max(change, abs(value - x[s]))
                largest = max(largest, value)
                x[s] = value
            }
            if !largest.isFinite || change <= 1e-12 * largest { break }
        }
        return members.map { x[$0] }
    }

    /// The strongly connected components of a graph given by successor lists, in topological
    /// order (a component comes before every component it leads to). Tarjan's algorithm with
    /// an explicit stack, so that a journey of a hundred thousand steps cannot exhaust the
    /// thread's stack.
    static func stronglyConnectedComponents(_ successors: [[Int]]) -> [[Int]] {
        let n = successors.count
        var index = [Int](repeating: -1, count: n), low = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int] = [], found: [[Int]] = []
        var counter = 0
        var work: [(node: Int, next: Int)] = []
        func discover(_ s: Int) {
            index[s] = counter; low[s] = counter; counter += 1
            stack.append(s); onStack[s] = true
            work.append((s, 0))
        }
        for root in 0..<n where index[root] < 0 {
            discover(root)
            while let (s, i) = work.last {
                if i < successors[s].count {
                    work[work.count - 1].next += 1
                    let t = successors[s][i]
                    if index[t] < 0 { discover(t) } else if onStack[t] { low[s] = min(low[s], index[t]) }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { low[parent] = min(low[parent], low[s]) }
                guard low[s] == index[s] else { continue }
                var members: [Int] = []
                while let t = stack.popLast() {
                    onStack[t] = false
                    members.append(t)
                    if t == s { break }
                }
                found.append(members)
            }
        }
        // Tarjan finds a component after every component it leads to.
        return found.reversed()
    }

    /// Steps from which no sequence of possible branches reaches an exit or a cancellation:
    /// an item that gets there circles for ever. Found backwards from the ways out, each
    /// transition looked at once (a sweep until nothing changes took n sweeps on a long chain).
    public static func trappingSteps(_ journey: Journey) -> [Int] {
        let n = journey.steps.count
        var canLeave = Array(repeating: false, count: n)
        var predecessors = [[Int]](repeating: [], count: n)
        var settled: [Int] = []
        for s in 0..<n {
            for (destination, p) in journey.transitions(from: s) where p > 0 {
                switch destination {
                case .exit, .cancel:
                    if !canLeave[s] { canLeave[s] = true; settled.append(s) }
                case .step(let t):
                    predecessors[t].append(s)
                }
            }
        }
        while let t = settled.popLast() {
            for s in predecessors[t] where !canLeave[s] {
                canLeave[s] = true
                settled.append(s)
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
