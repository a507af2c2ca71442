import Foundation
import SimExperiment
import SimExpressions
import SimModel
import SimStatistics

/// A staffing decision the planner varies: an area's staff, or its staff in a named period
/// (`areas.logistics.staff@spring-sale`: total staff during a campaign; `areas.support.staff@evening`:
/// the staff of the area's shift named `evening`).
public struct PlanFactor: Sendable, Equatable, CustomStringConvertible {
    public var area: String
    public var period: String?
    public var values: ClosedRange<Int>

    public init(area: String, period: String? = nil, values: ClosedRange<Int>) {
        self.area = area
        self.period = period
        self.values = values
    }

    /// `areas.logistics.staff=1..8`, `areas.logistics.staff@campaign=2..6`; `nil` otherwise.
    public init?(argument: String) {
        guard let eq = argument.firstIndex(of: "=") else { return nil }
        let path = argument[..<eq], range = argument[argument.index(after: eq)...].components(separatedBy: "..")
        let parts = path.split(separator: "@", maxSplits: 1)
        let segments = parts[0].split(separator: ".")
        guard segments.count == 3, segments[0] == "areas", segments[2] == "staff", range.count == 2,
              let low = Int(range[0].trimmingCharacters(in: .whitespaces)), let high = Int(range[1].trimmingCharacters(in: .whitespaces)),
              low >= 0, low <= high else { return nil }
        area = String(segments[1])
        period = parts.count == 2 ? String(parts[1]) : nil
        values = low...high
    }

    public var description: String { "areas.\(area).staff" + (period.map { "@\($0)" } ?? "") }
}

/// What a plan may spend and how sure it must be.
public struct PlanSettings: Sendable {
    public var seed: UInt64
    public var threads: Int
    /// The probability that every feasibility decision of the search is right at once, outside
    /// the tolerance: split evenly over the candidates and targets (Bonferroni).
    public var confidence: Double
    /// ε as a share of each target's threshold (times, counts, rates); shares (on-time,
    /// utilisation) take `shareTolerance` in absolute terms.
    public var relativeTolerance: Double
    public var shareTolerance: Double
    /// Replications of every design's first look (n₀ of the procedure).
    public var firstLook: Int
    /// Replications added per look to a design still undecided.
    public var batch: Int
    /// The most replications one design gets; still undecided then, it is reported so.
    public var maxReplications: Int
    /// Cost per person per second by area name, over the scenario's `cost:`.
    public var costs: [String: Double]
    /// Decide every candidate instead of searching (for comparison and benchmarks).
    public var exhaustive: Bool
    /// Replications of the confirmation run of the chosen design, on fresh seeds; 0: none.
    public var confirmation: Int

    public init(seed: UInt64 = 1, threads: Int = 1, confidence: Double = 0.95, relativeTolerance: Double = 0.02,
                shareTolerance: Double = 0.01, firstLook: Int = 10, batch: Int = 10, maxReplications: Int = 500,
                costs: [String: Double] = [:], exhaustive: Bool = false, confirmation: Int = 20) {
        self.seed = seed
        self.threads = threads
        self.confidence = confidence
        self.relativeTolerance = relativeTolerance
        self.shareTolerance = shareTolerance
        self.firstLook = firstLook
        self.batch = batch
        self.maxReplications = maxReplications
        self.costs = costs
        self.exhaustive = exhaustive
        self.confirmation = confirmation
    }
}

/// A plan that cannot be made as asked: bad usage (exit 64), with what to write instead.
public struct PlanError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One staffing the planner considered, and what became of it.
public struct PlanDesign: Sendable {
    public enum Status: String, Sendable {
        /// An area's offered load reaches its staff: its queue grows without bound.
        case unstable
        /// Fewer staff in a period than outside it: not a plan anyone would make.
        case inconsistent
        /// Below a design found infeasible: more staff never makes these targets worse.
        case dominated
        /// Not needed: a cheaper design was found feasible first.
        case skipped
        case feasible, infeasible, undecided
    }

    /// Staff per factor, in the factors' order.
    public var staff: [Int]
    public var costPerMonth: Double
    public var status: Status
    public var replications = 0
    /// Per target: the mean over replications with its 95% interval (evaluated designs only).
    public var estimates: [Estimate] = []
    /// Per target: the queueing estimate, where the target is one it can estimate.
    public var approximation: [Double?] = []
}

/// The result of a plan.
public struct PlanResult: Sendable {
    public var factors: [PlanFactor]
    public var targets: [Expectation]
    public var tolerances: [Double]
    public var designs: [PlanDesign]
    /// The cheapest design declared feasible (index into `designs`).
    public var chosen: Int?
    /// When none is feasible: the evaluated design nearest to meeting every target.
    public var closest: Int?
    /// Designs cheaper than the chosen one that stayed undecided at the replication cap.
    public var undecidedCheaper: [Int]
    /// β of each decision.
    public var errorPerDecision: Double
    /// Whether more staff was taken never to make a target worse (and dominated designs cut).
    public var monotone: Bool
    /// Whether costs came from the scenario or `--cost` (else the plan minimises headcount).
    public var costed: Bool
    /// The confirmation run of the chosen design on fresh seeds, per target.
    public var confirmation: [Estimate]?
    public var confirmationSeed: UInt64?
    public var seed: UInt64
    /// Replications of each design's first look.
    public var firstLook: Int

    public var replications: Int { designs.reduce(0) { $0 + $1.replications } }
    public var evaluated: Int { designs.filter { $0.replications > 0 }.count }

    /// Exit code per the contracts: 0 found; 1 no design in the ranges meets the targets;
    /// 2 the statistics could not decide a design that matters.
    public var exitCode: Int32 {
        if chosen != nil { return undecidedCheaper.isEmpty ? 0 : 2 }
        return designs.contains { $0.status == .undecided } ? 2 : 1
    }
}

/// Finds the cheapest staffing that meets every target.
///
/// 1. Bounds: a candidate in which an area's offered load (from the traffic equations) reaches
///    its mean staff on duty is cut without simulating.
/// 2. A start near the answer: every remaining candidate gets queueing estimates of the targets
///    (Erlang C and Allen–Cunneen per area, summed along the journeys; the waits' exponential
///    tail for percentiles), scaled after each simulation by the ratio of what was simulated to
///    what was estimated. The cheapest open candidate the estimates accept is decided next.
/// 3. When the estimates accept none, the open candidate of median cost is decided. Either way,
///    a feasible design becomes the best and every dearer candidate drops out; an infeasible
///    one takes with it every design with no more staff in any factor (more staff never makes
///    a time, a queue or an on-time share worse). The search ends when no candidate cheaper
///    than the best is open.
///
/// Every decision is the sequential feasibility check (`FeasibilityCheck`) on common random
/// numbers (the same seed for all designs), with β = (1 − confidence)/(candidates × targets),
/// so that all decisions are right together with the stated confidence.
public enum Planner {
    /// Each design is `base` with the factors' staff edited into it (`design`): the scenario is
    /// read once, by the caller.
    ///
    /// `driver` runs the designs of an exhaustive plan: all here, those of one shard (the result
    /// then holds only theirs, for the partial result), or from the shards' records (merge).
    public static func plan(_ base: Model, factors: [PlanFactor], targets: [String], settings: PlanSettings,
                            driver: ExperimentDriver = ExperimentDriver()) throws -> PlanResult {
        try validate(factors, in: base)
        let expectations = try parse(targets, model: base)
        let areaNames = base.areas.map(\.name)
        for (name, rate) in settings.costs {
            guard areaNames.contains(name) else {
                throw PlanError("--cost \(name): unknown area '\(name)'" + (Names.nearest(name, among: areaNames).map { "; did you mean '\($0)'?" } ?? " (areas: \(areaNames.joined(separator: ", ")))"))
            }
            guard rate >= 0 else { throw PlanError("--cost \(name): a cost cannot be negative") }
            if base.areas.first(where: { $0.name == name })?.staff == nil {
                throw PlanError("--cost \(name): area '\(name)' has unlimited staff (a pure delay); it has no people to pay")
            }
        }
        let costed = factors.contains { settings.costs[$0.area] != nil || areaCost(of: $0.area, in: base) != nil }
        if costed, let missing = factors.first(where: { settings.costs[$0.area] == nil && areaCost(of: $0.area, in: base) == nil }) {
            throw PlanError("area '\(missing.area)' has no cost while other varied areas have one: give it one (--cost \(missing.area)=3200/month, or 'cost:' in the scenario), or give none (the plan then minimises headcount)")
        }
        let tolerances = expectations.map { tolerance(for: $0, settings) }
        let monotone = expectations.allSatisfy(isMonotone)

        // The candidates, with their costs and queueing estimates.
        var grid: [[Int]] = [[]]
        for f in factors { grid = grid.flatMap { row in f.values.map { row + [$0] } } }
        var designs: [PlanDesign] = []
        var models: [Model?] = []
        for staff in grid {
            guard let model = design(staff, factors: factors, base: base) else {
                designs.append(PlanDesign(staff: staff, costPerMonth: .infinity, status: .inconsistent))
                models.append(nil)
                continue
            }
            var d = PlanDesign(staff: staff, costPerMonth: cost(of: model, costed: costed, settings: settings), status: .undecided)
            let analysis = FlowAnalysis(model: model)
            if boundsApply(model), analysis.unstableAreas(of: model).contains(where: { model.areas[$0].schedule == nil }) {
                d.status = .unstable
            } else {
                let estimate = QueueingEstimate(model: model, analysis: analysis)
                d.approximation = expectations.map { approximate($0, estimate: estimate, model: model) }
            }
            designs.append(d)
            models.append(model)
        }
        let candidates = designs.indices.filter { designs[$0].status == .undecided }
        let beta = (1 - settings.confidence) / Double(max(1, candidates.count * expectations.count))
        let check = FeasibilityCheck(
            targets: zip(expectations, tolerances).map { .init(threshold: $0.threshold, atMost: $0.comparator == .lessOrEqual || $0.comparator == .less, tolerance: $1) },
            errorPerDecision: beta, firstLook: settings.firstLook)

        // Estimates are calibrated by simulation: once a design has run, each target's estimate
        // is scaled by the ratio of what was simulated to what was estimated for it there.
        var calibration = [Double](repeating: 1, count: expectations.count)
        func approxFeasible(_ i: Int) -> Bool {
            zip(expectations.indices, designs[i].approximation).allSatisfy { t, a in
                guard let a else { return true }
                let e = expectations[t], x = a * calibration[t]
                return e.comparator == .lessOrEqual || e.comparator == .less ? x <= e.threshold : x >= e.threshold
            }
        }
        func order(_ a: Int, _ b: Int) -> Bool {
            designs[a].costPerMonth != designs[b].costPerMonth ? designs[a].costPerMonth < designs[b].costPerMonth
                : designs[a].staff.reduce(0, +) != designs[b].staff.reduce(0, +) ? designs[a].staff.reduce(0, +) < designs[b].staff.reduce(0, +)
                : designs[a].staff.lexicographicallyPrecedes(designs[b].staff)
        }
        func decide(_ i: Int) throws {
            designs[i] = try evaluate(designs[i], model: models[i]!, check: check, expectations: expectations, settings: settings, driver: driver)
            for t in expectations.indices {
                if t < designs[i].approximation.count, let a = designs[i].approximation[t], a > 0, a.isFinite, let x = designs[i].estimates[t].estimate, x > 0 {
                    calibration[t] = x / a
                }
            }
            if designs[i].status == .infeasible && monotone {
                for j in designs.indices where designs[j].status == .undecided && designs[j].replications == 0
                    && zip(designs[j].staff, designs[i].staff).allSatisfy({ $0 <= $1 }) {
                    designs[j].status = .dominated
                }
            }
        }

        var chosen: Int?
        if settings.exhaustive {
            // Each design is decided whole, by itself: the unit a shard runs.
            for (k, i) in candidates.enumerated() { _ = try driver.unit(k) { try decide(i) } }
            chosen = candidates.filter { designs[$0].status == .feasible }.min(by: order)
        } else {
            while true {
                let open = candidates.filter { designs[$0].status == .undecided && designs[$0].replications == 0 }
                    .filter { chosen == nil || order($0, chosen!) }
                guard !open.isEmpty else { break }
                // The first pick: the cheapest design the queueing estimates accept. Then the
                // design of median cost among those still open: if it meets the targets, every
                // dearer one is out of the running; if not, it takes its dominated cone with it.
                // The cheapest design the (calibrated) estimates accept is likely the answer;
                // without one, the median design splits what is left.
                let pick = open.filter(approxFeasible).min(by: order) ?? open.sorted(by: order)[open.count / 2]
                try decide(pick)
                if designs[pick].status == .feasible { chosen = pick }
            }
            for i in candidates where designs[i].status == .undecided && designs[i].replications == 0 { designs[i].status = .skipped }
        }
        let undecidedCheaper = chosen.map { c in designs.indices.filter { designs[$0].status == .undecided && designs[$0].replications > 0 && order($0, c) } } ?? []
        var closest: Int?
        if chosen == nil {
            // Shortfalls within the tolerance of each other are a tie: the cheaper design is closer.
            let quantum = zip(expectations, tolerances).map { $1 / max(abs($0.threshold), 1e-12) }.max() ?? 0
            closest = designs.indices.filter { designs[$0].replications > 0 }.min { a, b in
                let sa = shortfall(designs[a], expectations), sb = shortfall(designs[b], expectations)
                return abs(sa - sb) > quantum ? sa < sb : order(a, b)
            }
        }
        var result = PlanResult(
            factors: factors, targets: expectations, tolerances: tolerances, designs: designs, chosen: chosen, closest: closest,
            undecidedCheaper: undecidedCheaper, errorPerDecision: beta, monotone: monotone, costed: costed, seed: settings.seed,
            firstLook: settings.firstLook)
        if let chosen, settings.confirmation > 1, let model = models[chosen], driver.shard == nil {
            // Fresh seeds: a claim that holds only for the streams it was found on is no claim.
            let seed = settings.seed &+ 0x5DEE_CE66
            let run = Experiment.run(model, settings: .init(seed: seed, replications: settings.confirmation, threads: settings.threads))
            result.confirmation = expectations.map { values(of: $0, in: run).estimate }
            result.confirmationSeed = seed
        }
        return result
    }

    // MARK: - The parts

    static func validate(_ factors: [PlanFactor], in base: Model) throws {
        let areas = base.areas.map(\.name)
        var seen = Set<String>()
        for f in factors {
            guard seen.insert(f.description).inserted else { throw PlanError("--vary names \(f) twice; give each once") }
            guard let a = areas.firstIndex(of: f.area) else {
                throw PlanError("--vary \(f): unknown area '\(f.area)'" + (Names.nearest(f.area, among: areas).map { "; did you mean '\($0)'?" } ?? " (areas: \(areas.joined(separator: ", ")))"))
            }
            guard base.areas[a].staff != nil else { throw PlanError("--vary \(f): area '\(f.area)' has unlimited staff; there is nothing to plan") }
            if f.period == nil && f.values.lowerBound < 1 { throw PlanError("--vary \(f): an area needs at least 1 person; start the range at 1") }
            if let p = f.period {
                let names = base.campaigns.map(\.name) + base.areas[a].shifts.compactMap(\.name)
                guard names.contains(p) else {
                    throw PlanError("--vary \(f): '\(p)' is neither a campaign nor a shift of area '\(f.area)'" + (Names.nearest(p, among: names).map { "; did you mean '\($0)'?" } ?? (names.isEmpty ? " (the scenario names no campaigns and the area no shifts)" : " (periods: \(names.joined(separator: ", ")))")))
                }
            }
        }
        if factors.isEmpty { throw PlanError("give at least one factor with --vary areas.NAME.staff=LOW..HIGH") }
        let size = factors.reduce(1) { $0 * $1.values.count }
        if size > 10_000 { throw PlanError("the ranges make \(size) designs; narrow them (a plan considers at most 10,000: each is a scenario to build, and the confidence is shared among them)") }
    }

    /// The stability bound cuts a design only where it is sound: a steady-state scenario (with
    /// a warm-up), and an area whose staff never change. A run that starts empty and stops at
    /// a horizon can meet a loose target while overloaded, and with working hours or campaigns
    /// the average load says little about any one day.
    static func boundsApply(_ model: Model) -> Bool { model.warmup > 0 && model.horizon != nil }

    static func parse(_ targets: [String], model: Model) throws -> [Expectation] {
        if targets.isEmpty { throw PlanError("give at least one target with --target, such as --target \"p95(lead_time) <= 3d\"") }
        let context = ExpressionContext(model: model)
        return try targets.map { text in
            let e: Expectation
            do {
                e = try ExpressionParser.expectation(text, in: context)
            } catch let error as ExpressionError {
                // Columns from 1, as in every other diagnostic.
                throw PlanError("--target \(text): column \(error.offset + 1): \(error.message)")
            } catch {
                throw PlanError("--target \(text): \(error)")
            }
            if e.threshold == 0 && e.dimension != .fraction && (e.comparator == .lessOrEqual || e.comparator == .less) {
                throw PlanError("--target \(text): a threshold of 0 leaves no tolerance and no staffing reaches it while there is work to do; give a positive one")
            }
            return e
        }
    }

    static func areaCost(of name: String, in model: Model) -> Double? {
        model.areas.first { $0.name == name }?.costPerSecond
    }

    /// Monthly cost of a model's staff: every area with a cost, prorated by the people employed
    /// over the horizon; without costs, the headcount.
    static func cost(of model: Model, costed: Bool, settings: PlanSettings) -> Double {
        let month = 365.25 * 86_400 / 12
        return model.areas.reduce(0) { total, area in
            guard let horizon = model.horizon, let people = area.meanHeadcount(until: horizon) ?? nil else {
                return total + (costed ? 0 : Double(area.staff ?? 0))
            }
            if !costed { return total + people }
            guard let rate = settings.costs[area.name] ?? area.costPerSecond else { return total }
            return total + rate * people * month
        }
    }

    /// ε of a target: shares in absolute points, everything else relative to its threshold.
    /// A share's tolerance is also kept within a quarter of its distance to 0% or 100%: one
    /// point either side of a 99.6% target would be no target at all.
    /// Whether a target is a share (on-time, utilisation, `share(abandoned)`, or a ratio
    /// written as a percentage): its tolerance is in points and it reads as a percentage.
    public static func isShare(_ e: Expectation) -> Bool {
        e.dimension == .fraction || (e.dimension == .number && (e.source.contains("share(") || e.source.trimmingCharacters(in: .whitespaces).hasSuffix("%")))
    }

    static func tolerance(for e: Expectation, _ settings: PlanSettings) -> Double {
        if isShare(e) {
            return min(settings.shareTolerance, max(min(1 - e.threshold, e.threshold) / 4, 1e-6))
        }
        return max(abs(e.threshold) * settings.relativeTolerance, 1e-9)
    }

    /// More staff never worsens waits, lead times, queues, losses or utilisation, nor lowers
    /// on-time shares or throughput; a target of another kind (`utilisation(x) >= 60%`) turns
    /// the pruning off.
    static func isMonotone(_ e: Expectation) -> Bool {
        let upper = e.comparator == .lessOrEqual || e.comparator == .less
        let rising = ["on_time", "throughput", "completed"].contains { e.source.contains($0) }
        return upper != rising && !e.source.contains("/")
    }

    /// The model of one design, or `nil` when it is inconsistent (fewer in a campaign than
    /// outside it). Staff during a campaign are a shift of the extra people over the
    /// campaign's window, in the area's working hours, named `@campaign`.
    static func design(_ staff: [Int], factors: [PlanFactor], base: Model) -> Model? {
        var model = base
        for (f, v) in zip(factors, staff) {
            let a = model.areas.firstIndex { $0.name == f.area }!
            guard let p = f.period else {
                model.areas[a] = model.areas[a].withStaff(v, horizon: model.horizon)
                continue
            }
            if let window = base.campaigns.first(where: { $0.name == p }) {
                let outside = zip(factors, staff).first { $0.0.area == f.area && $0.0.period == nil }?.1 ?? base.areas[a].staff!
                guard v >= outside else { return nil }
                // A campaign needs a horizon, so a model with one has it.
                if v > outside, let horizon = model.horizon {
                    model.areas[a] = model.areas[a].addingShift(named: "@\(p)", staff: v - outside, from: window.start, until: window.end, horizon: horizon)
                }
            } else {
                model.areas[a] = model.areas[a].withShift(named: p, staff: v, horizon: model.horizon)!
            }
        }
        return model
    }

    /// A target's queueing estimate: utilisation exactly; mean lead time by Allen–Cunneen;
    /// lead-time percentiles and on-time shares as if lead times were exponential around that
    /// mean (pessimistic for journeys of several steps). `nil` for anything else.
    static func approximate(_ e: Expectation, estimate: QueueingEstimate, model: Model) -> Double? {
        guard case .metric(let reference) = e.expression,
              let (figure, statistic) = FigureCatalog.figure(ofKey: reference.name) else { return nil }
        if figure == .utilisation, case .area(let a) = reference.scope { return estimate.utilisation[a] }
        if case .step(let j, let s) = reference.scope {
            let area = model.journeys[j].steps[s].area
            let c = estimate.waitProbability[area], theta = estimate.waitDecay[area]
            if figure == .waited { return c }
            guard figure == .wait else { return nil }
            if statistic == .mean { return theta.isInfinite ? 0 : c / theta }
            if let q = statistic?.level { return theta.isInfinite ? 0 : max(0, log(c / (1 - q)) / theta) }
            return nil
        }
        let demands: [Int]
        switch reference.scope {
        case .system: demands = Array(model.demands.indices)
        case .demand(let d): demands = [d]
        default: return nil
        }
        let analysis = FlowAnalysis(model: model)
        let weights = demands.map { analysis.arrivalRates[$0] }
        let total = weights.reduce(0, +)
        guard total > 0 else { return nil }
        let mean = zip(demands, weights).reduce(0) { $0 + estimate.leadTime[$1.0] * $1.1 } / total
        if figure == .leadTime, statistic == .mean { return mean }
        if figure == .leadTime, let q = statistic?.level { return -log(1 - q) * mean }
        if figure == .onTime, let promise = demands.compactMap({ model.demands[$0].promise }).min() { return exp(-promise / mean) == 0 ? 1 : 1 - exp(-promise / mean) }
        return nil
    }

    /// Per replication values of a target in a result, and their summary.
    static func values(of e: Expectation, in result: ExperimentResult) -> (values: [Double], estimate: Estimate) {
        let n = result.settings.replications
        let xs = e.expression.values(matrix: result.matrix, rows: n, layout: result.layout)
        return (xs, ReplicationSummary(matrix: xs, rows: n, columns: 1).estimates[0])
    }

    /// Decides one design: a first look, then batches until the check decides or the cap.
    static func evaluate(_ design: PlanDesign, model: Model, check: FeasibilityCheck, expectations: [Expectation], settings: PlanSettings,
                         driver: ExperimentDriver? = nil) throws -> PlanDesign {
        let plan = SequentialPlan(first: settings.firstLook, batch: settings.batch, cap: settings.maxReplications)
        let experiment = ExperimentSettings(seed: settings.seed, replications: plan.first, threads: settings.threads)
        return try Experiment.sequential(model, settings: experiment, plan: plan, source: driver?.source ?? Experiment.simulated) { look -> PlanDesign? in
            var s = experiment
            s.replications = look.outputs.count
            let result = Experiment.reduce(model, settings: s, outputs: look.outputs)
            let perTarget = expectations.map { values(of: $0, in: result) }
            var decisions = check.decide(perTarget.map(\.values)).map(\.decision)
            if look.atCap {
                // At the cap the triangle may still be open for a target far from its threshold
                // (a tolerance much smaller than the noise): a one-sided interval at level 1 − β
                // decides it then, with the same error bound.
                for (t, values) in perTarget.map(\.values).enumerated() where decisions[t] == .undecided {
                    decisions[t] = intervalDecision(values, check.targets[t], beta: check.beta)
                }
            }
            let decision = FeasibilityCheck.combine(decisions)
            guard decision != .undecided || look.atCap else { return nil }
            var d = design
            d.estimates = perTarget.map(\.estimate)
            d.replications = look.outputs.count
            d.status = decision == .feasible ? .feasible : decision == .infeasible ? .infeasible : .undecided
            return d
        }.verdict
    }

    /// Feasible when the one-sided (1 − β) upper bound of the mean lies below the threshold
    /// (for `≤`), infeasible when the lower bound lies above it; undecided otherwise.
    static func intervalDecision(_ xs: [Double], _ target: FeasibilityCheck.Target, beta: Double) -> FeasibilityCheck.Decision {
        let ys = xs.filter(\.isFinite)
        guard ys.count >= 2 else { return .undecided }
        let n = Double(ys.count), mean = ys.reduce(0, +) / n
        let sd = (ys.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let half = SpecialFunctions.studentTQuantile(1 - beta, degreesOfFreedom: n - 1) * sd / n.squareRoot()
        let (low, high) = (mean - half, mean + half)
        if target.atMost { return high < target.threshold ? .feasible : low > target.threshold ? .infeasible : .undecided }
        return low > target.threshold ? .feasible : high < target.threshold ? .infeasible : .undecided
    }

    /// How far a design is from meeting every target: the largest shortfall relative to its
    /// threshold (0 or less: met).
    static func shortfall(_ d: PlanDesign, _ expectations: [Expectation]) -> Double {
        zip(expectations, d.estimates).map { e, est in
            guard let x = est.estimate else { return .infinity }
            let gap = e.comparator == .lessOrEqual || e.comparator == .less ? x - e.threshold : e.threshold - x
            return gap / max(abs(e.threshold), 1e-12)
        }.max() ?? .infinity
    }
}

/// The inverse question: the most demand the current staffing serves within the targets.
public struct DemandLimit: Sendable {
    public struct Point: Sendable {
        /// The demand type's rate multiplied by this (or the campaign's multiplier set to it).
        public var factor: Double
        public var status: PlanDesign.Status
        public var replications: Int
        public var estimates: [Estimate]
    }

    /// The demand type or campaign scaled.
    public var name: String
    public var isCampaign: Bool
    /// Today's rate per second (a demand type) or multiplier (a campaign).
    public var current: Double
    public var targets: [Expectation]
    public var tolerances: [Double]
    public var points: [Point]
    /// The highest factor found feasible, and the lowest found infeasible (or unstable).
    public var highestFeasible: Double?
    public var lowestInfeasible: Double?
    /// Where an area's offered load reaches its staff (a demand type only).
    public var stabilityLimit: Double?
    public var errorPerDecision: Double
    public var seed: UInt64
    /// Less demand stopped helping: the target is out of reach at any demand.
    public var saturated = false

    public var replications: Int { points.reduce(0) { $0 + $1.replications } }
    /// 0 found; 1 not even the least demand tried is served; 2 undecided.
    public var exitCode: Int32 {
        if highestFeasible != nil { return 0 }
        if saturated { return 1 }
        return points.contains(where: { $0.status == .undecided }) ? 2 : 1
    }
}

extension Planner {
    /// Most evaluations a demand search makes; each decision gets β = (1 − confidence)/(this × targets).
    static let demandEvaluations = 16

    /// Finds the highest multiple of a demand type's rate (or the highest multiplier of a
    /// campaign) that the staffing serves within every target: doubling from today's demand
    /// until a factor fails (or, for a demand type, the stability bound is reached), then
    /// bisection to 2%. Each factor is decided by the sequential feasibility check on common
    /// random numbers; more demand never makes a time, a queue or an on-time share better, so
    /// a bracket once found holds.
    public static func maxDemand(_ base: Model, name: String, targets: [String], settings: PlanSettings) throws -> DemandLimit {
        let expectations = try parse(targets, model: base)
        guard expectations.allSatisfy(isMonotone) else {
            throw PlanError("--max-demand needs targets that more demand can only make worse (times, queues, on-time shares); '\(expectations.first { !isMonotone($0) }!.source)' is not one")
        }
        let tolerances = expectations.map { tolerance(for: $0, settings) }
        let beta = (1 - settings.confidence) / Double(demandEvaluations * expectations.count)
        let check = FeasibilityCheck(
            targets: zip(expectations, tolerances).map { .init(threshold: $0.threshold, atMost: $0.comparator == .lessOrEqual || $0.comparator == .less, tolerance: $1) },
            errorPerDecision: beta, firstLook: settings.firstLook)

        let demandIndex = base.demands.firstIndex { $0.name == name }
        let campaignIndex = base.campaigns.firstIndex { $0.name == name }
        let campaign = campaignIndex.map { base.campaigns[$0] }
        guard demandIndex != nil || campaign != nil else {
            let names = base.demands.map(\.name) + base.campaigns.map(\.name)
            throw PlanError("--max-demand \(name): no demand type or campaign is named '\(name)'" + (Names.nearest(name, among: names).map { "; did you mean '\($0)'?" } ?? " (\(names.joined(separator: ", ")))"))
        }
        var current = campaign?.multiplier ?? 0
        var stability: Double?
        if let d = demandIndex {
            guard base.demands[d].arrivals.scaled(by: 2) != nil else {
                throw PlanError("--max-demand \(name): its arrivals have no rate to scale (a replayed order book, gaps from a distribution, or items created by others)")
            }
            // The rate as the file writes it, so that the answer can be typed back into it.
            current = base.demands[d].writtenRate ?? base.demands[d].arrivals.meanRate(until: base.horizon)
            // The load is linear in the factor: where it reaches an area's staff, queues grow without bound.
            let l1 = FlowAnalysis(model: base).offeredLoad
            var doubled = base
            doubled.demands[d].arrivals = doubled.demands[d].arrivals.scaled(by: 2)!
            let l2 = FlowAnalysis(model: doubled).offeredLoad
            for (a, area) in base.areas.enumerated() where area.queueLimit == nil && l2[a] > l1[a] {
                guard let capacity = FlowAnalysis.capacity(of: area, in: base) else { continue }
                let limit = 1 + (capacity - l1[a]) / (l2[a] - l1[a])
                stability = min(stability ?? limit, limit)
            }
        }
        var points: [DemandLimit.Point] = []
        func model(_ factor: Double) throws -> Model {
            if let d = demandIndex {
                var m = base
                m.demands[d].arrivals = m.demands[d].arrivals.scaled(by: factor)!
                return m
            }
            let m = base.withCampaign(campaignIndex!, multiplier: factor)
            if let horizon = m.horizon, let d = m.campaigns[campaignIndex!].demands.first(where: { m.demands[$0].arrivals.meanRate(until: horizon) <= 0 }) {
                throw PlanError("--max-demand \(name): at a multiplier of \(factor), demand type '\(m.demands[d].name)' would have a rate of zero at all times within the horizon")
            }
            return m
        }
        func decide(_ factor: Double) throws -> Bool? {
            if let stability, factor >= stability {
                points.append(.init(factor: factor, status: .unstable, replications: 0, estimates: []))
                return false
            }
            let m = try model(factor)
            let d = try evaluate(PlanDesign(staff: [], costPerMonth: 0, status: .undecided), model: m, check: check, expectations: expectations, settings: settings)
            points.append(.init(factor: factor, status: d.status, replications: d.replications, estimates: d.estimates))
            return d.status == .feasible ? true : d.status == .infeasible ? false : nil
        }
        // Bracket: today's demand first (factor 1, or the campaign's multiplier), then double or halve.
        let start = campaign == nil ? 1.0 : current
        var low: Double?, high: Double?
        var saturated = false
        switch try decide(start) {
        case true?: low = start
        case false?: high = start
        case nil: break
        }
        while points.count < demandEvaluations {
            if let l = low, high == nil {
                let next = min(l * 2, stability ?? .infinity)
                if next <= l * 1.02 { high = stability; break }
                switch try decide(next) { case true?: low = next; case false?: high = next; case nil: high = next }
            } else if low == nil, let h = high {
                let next = h / 2
                if next < 1e-6 { break }
                let before = points.last?.estimates.first?.estimate
                switch try decide(next) { case true?: low = next; case false?: high = next; case nil: low = nil; high = next }
                // Halving the demand barely helps: the target is beyond what less demand can give
                // (the work itself takes longer), and going lower would only spend replications.
                if low == nil, let b = before, let a = points.last?.estimates.first?.estimate, abs(b - a) <= 0.02 * abs(b) {
                    saturated = true
                    break
                }
            } else if let l = low, let h = high, (h - l) / l > 0.02 {
                let mid = (l + h) / 2
                switch try decide(mid) { case true?: low = mid; case false?: high = mid; case nil: high = mid }
            } else {
                break
            }
        }
        return DemandLimit(name: name, isCampaign: campaign != nil, current: current, targets: expectations, tolerances: tolerances,
                           points: points, highestFeasible: low, lowestInfeasible: high, stabilityLimit: stability,
                           errorPerDecision: beta, seed: settings.seed, saturated: saturated)
    }
}
