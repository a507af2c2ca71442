import SimModel

/// The one loop of every sequential procedure: run replications in batches, hand all of them so
/// far (in replication order) to a stopping rule after each look, and stop when the rule decides
/// or the cap is reached. `run --precision` (intervals narrow enough), `check` (a verdict for
/// every expectation and baseline figure) and `plan` (a feasibility decision per design) differ
/// only in their rule.
///
/// Replications of earlier looks are kept, never rerun, and replication `r` is the same whatever
/// the batch it ran in: the answer depends on the looks, not on the threads.
public struct SequentialPlan: Sendable {
    /// Replications of the first look.
    public var first: Int
    /// Replications added at each further look.
    public var batch: Int
    /// The most replications the procedure may run.
    public var cap: Int

    public init(first: Int, batch: Int, cap: Int) {
        precondition(batch > 0 && cap > 0, "a sequential plan needs a positive batch and cap")
        self.first = max(first, 1)
        self.batch = batch
        self.cap = cap
    }

    /// The number of looks the cap allows: what a Bonferroni split over the looks divides by.
    public var looks: Int { 1 + Int((Double(max(cap - first, 0)) / Double(batch)).rounded(.up)) }
}

extension Experiment {
    /// Where a procedure's replications come from: `simulated`, or an `ExperimentDriver`'s
    /// `source`, which records them in a shard and replays them in a merge.
    public typealias Source = (CompiledModel, ExperimentSettings, Range<Int>, Progress?) throws -> [ReplicationOutput]

    /// Every replication simulated here.
    public static var simulated: Source { { replications($0, settings: $1, range: $2, progress: $3) } }

    /// What a stopping rule sees at one look.
    public struct Look {
        /// Every replication so far, in replication order.
        public let outputs: [ReplicationOutput]
        /// Whether this is the last look the cap allows: the rule must decide what it can.
        public let atCap: Bool
    }

    /// Runs `model` under `plan` until `rule` returns a verdict (it is called after every look
    /// and must return one when `atCap`); returns the verdict and every replication run.
    ///
    /// `source` supplies the replications: simulated here by default; an `ExperimentDriver`'s
    /// records them in a shard and replays them in a merge.
    public static func sequential<Verdict>(
        _ model: Model, settings: ExperimentSettings, plan: SequentialPlan, progress: Progress? = nil,
        source: Source,
        rule: (Look) throws -> Verdict?
    ) rethrows -> (verdict: Verdict, outputs: [ReplicationOutput]) {
        let compiled = CompiledModel(model)
        var outputs: [ReplicationOutput] = []
        var n = plan.first
        while true {
            outputs += try source(compiled, settings, outputs.count..<n, progress)
            let atCap = n >= plan.cap
            if let verdict = try rule(Look(outputs: outputs, atCap: atCap)) { return (verdict, outputs) }
            precondition(!atCap, "a stopping rule must decide at the cap")
            n = min(n + plan.batch, plan.cap)
        }
    }

    /// The same, with every replication simulated here.
    public static func sequential<Verdict>(
        _ model: Model, settings: ExperimentSettings, plan: SequentialPlan, progress: Progress? = nil,
        rule: (Look) throws -> Verdict?
    ) rethrows -> (verdict: Verdict, outputs: [ReplicationOutput]) {
        try sequential(model, settings: settings, plan: plan, progress: progress,
                       source: { replications($0, settings: $1, range: $2, progress: $3) }, rule: rule)
    }
}
