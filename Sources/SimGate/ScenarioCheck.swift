import Foundation
import SimExperiment
import SimExpressions
import SimModel
import SimScenario
import SimStatistics

/// How `check` runs: the command line's choices.
public struct CheckOptions: Sendable {
    /// `nil`: the baseline's seed (paired), else the scenario's, else 1.
    public var seed: UInt64?
    /// Replications at the first look; `nil`: the baseline's count, else 20.
    public var replications: Int?
    public var threads: Int
    /// Replications added per look while an expectation is undecided.
    public var batch: Int
    public var maxReplications: Int
    /// Compare with the baseline on new random numbers (unpaired) rather than its own.
    public var freshSeeds: Bool
    /// `--tolerance` entries; they override the scenario's `tolerances:`.
    public var tolerances: ToleranceTable
    /// The error rate the gate allows: per expectation (over all its looks), and family-wise
    /// over the figures judged against a baseline. 1% by default: a gate that fails one
    /// unchanged run in twenty is soon switched off.
    public var alpha: Double

    public init(seed: UInt64? = nil, replications: Int? = nil, threads: Int = 1, batch: Int = 20, maxReplications: Int = 200,
                freshSeeds: Bool = false, tolerances: ToleranceTable = .init(), alpha: Double = 0.01) {
        self.seed = seed
        self.replications = replications
        self.threads = threads
        self.batch = batch
        self.maxReplications = maxReplications
        self.freshSeeds = freshSeeds
        self.tolerances = tolerances
        self.alpha = alpha
    }
}

/// One scenario checked: its expectations, decided by a sequential procedure, and its figures
/// against a baseline. The exit code is the contracts': 0 passed, 1 failed, 2 inconclusive.
public struct ScenarioCheck: Sendable {
    public struct AgainstBaseline: Sendable {
        public var file: String
        public var recorded: Provenance
        /// The scenario's model is not the recorded one (its resolved text differs).
        public var scenarioChanged: Bool
        public var comparison: BaselineComparison
    }

    public let scenario: Scenario
    public let provenance: Provenance
    /// Looks the replication cap allows; each verdict's interval is at `confidence`.
    public let looks: Int
    public let confidence: Double
    public let expectations: [ExpectationResult]
    public let baseline: AgainstBaseline?
    public let alpha: Double
    /// Things the caller should print: a baseline recorded from a file of another name.
    public let warnings: [String]
    /// The replication cap the check ran under.
    public let maxReplications: Int

    public var violated: [ExpectationResult] { expectations.filter { $0.verdict == .violated } }
    public var undecided: [ExpectationResult] { expectations.filter { $0.verdict == .undecided } }

    public var exitCode: Int32 {
        if !violated.isEmpty || !(baseline?.comparison.worse.isEmpty ?? true) { return 1 }
        return undecided.isEmpty && (baseline?.comparison.undecided.isEmpty ?? true) ? 0 : 2
    }

    /// Runs the check. Expectations are decided by repeated looks: at each, every undecided
    /// expectation's interval is computed at level 1 − α/K, with K the looks the cap allows
    /// (Bonferroni over the looks), so the chance that a verdict is wrong stays below α however
    /// many looks are taken; the replications of earlier looks are kept, never rerun. With a
    /// paired baseline, base replications beyond the recorded ones are run from its resolved
    /// scenario, so pairs exist for every replication checked.
    ///
    /// `source` supplies every replication, of the scenario and of the baseline's model: an
    /// `ExperimentDriver` records them when the check runs in a shard, and replays them in the
    /// merge, which so takes the very same decisions.
    public static func run(_ scenario: Scenario, provenance base: Provenance, baseline: (file: String, document: BaselineDocument)?,
                           options: CheckOptions, source: Experiment.Source = Experiment.simulated) throws -> ScenarioCheck {
        let paired = baseline != nil && !options.freshSeeds
        let recordedSeed = baseline?.document.provenance.seed
        let seed: UInt64 = options.seed ?? {
            guard let recordedSeed else { return scenario.seed ?? 1 }
            // Fresh seeds: a seed of its own, derived so that a CI run is still reproducible.
            return options.freshSeeds ? recordedSeed &+ 1 : recordedSeed
        }()
        if paired, let given = options.seed, given != recordedSeed {
            throw CheckError("--seed \(given) differs from the baseline's seed \(recordedSeed!): a paired check reuses the baseline's streams; leave out --seed, or add --fresh-seeds for an unpaired comparison")
        }
        if options.freshSeeds, seed == recordedSeed {
            throw CheckError("--fresh-seeds with the baseline's own seed \(seed) is not fresh: give another --seed, or leave it out (the baseline's plus one is used)")
        }
        var warnings: [String] = []
        if let (file, recorded) = baseline {
            if recorded.provenance.variant != scenario.variant {
                throw BaselineError(path: file, reason: "it was recorded for \(recorded.provenance.variant.map { "variant '\($0)'" } ?? "the scenario without a variant"), and this check is of \(scenario.variant.map { "variant '\($0)'" } ?? "the scenario without a variant"): compare like with like (--variant), or record a baseline for it")
            }
            let was = (recorded.provenance.scenarioFile as NSString).lastPathComponent, now = (scenario.file as NSString).lastPathComponent
            if was != now { warnings.append("\(file) was recorded from \(was), and this is \(now); figures are paired by name, so check that it is the same process") }
            let shared = Set(recorded.figures.keys).intersection(MetricLayout.figures(of: scenario.model).map(\.key)).count
            if shared * 2 < MetricLayout.figures(of: scenario.model).count {
                throw BaselineError(path: file, reason: "it shares only \(shared) of \(MetricLayout.figures(of: scenario.model).count) figure names with \(scenario.file): it was recorded from a different process; record a baseline of this one")
            }
        }
        let plan = SequentialPlan(first: min(options.replications ?? baseline?.document.provenance.replications ?? 20, options.maxReplications),
                                  batch: options.batch, cap: options.maxReplications)
        // Every look is a test at α/K (Bonferroni over the K looks the cap allows).
        let alphaPerLook = options.alpha / Double(plan.looks)
        let confidence = 1 - alphaPerLook
        var table = scenario.tolerances
        table.entries += options.tolerances.entries
        // With one demand type its figures repeat the system's: judging both would only make
        // Holm's correction stricter. Named in a tolerance, they are judged all the same.
        let single = scenario.model.demands.count == 1
        let rule: (String) -> FigureRule? = { key in
            if single && key.hasPrefix("demand.") && !table.entries.contains(where: { ToleranceTable.matches($0.pattern, key) }) { return nil }
            return table.rule(for: key)
        }
        var document = baseline?.document
        let settings = ExperimentSettings(seed: seed, replications: plan.first, threads: options.threads)
        let ((result, verdicts, comparison), _) = try Experiment.sequential(scenario.model, settings: settings, plan: plan, source: source) { look in
            var s = settings
            s.replications = look.outputs.count
            let result = Experiment.reduce(scenario.model, settings: s, outputs: look.outputs)
            let verdicts = scenario.expectations.map { ExpectationResult($0, result: result, confidence: confidence) }
            var comparison: BaselineComparison?
            if document != nil {
                // Unpaired too: a comparison is only as precise as its smaller side.
                try document!.extend(to: look.outputs.count, threads: options.threads, source: source)
                comparison = BaselineComparison.judge(
                    base: document!.figures, current: result.figureValues, pairing: paired ? .paired : .unpaired,
                    rules: rule, alpha: alphaPerLook)
            }
            // A failure is final; otherwise look again while anything is undecided.
            let failed = verdicts.contains { $0.verdict == .violated } || !(comparison?.worse.isEmpty ?? true)
            let open = verdicts.contains { $0.verdict == .undecided } || !(comparison?.undecided.isEmpty ?? true)
            return failed || !open || look.atCap ? (result, verdicts, comparison) : nil
        }
        if let comparison, comparison.figures.isEmpty {
            throw CheckError("no figure is left to judge against the baseline: the tolerances ignore every one; name at least one figure without 'ignore'")
        }
        let against = baseline.map { file, recorded in
            AgainstBaseline(file: file, recorded: recorded.provenance,
                            scenarioChanged: recorded.resolvedScenario != scenario.resolvedYAML, comparison: comparison!)
        }
        var provenance = base
        provenance.seed = seed
        provenance.replications = result.settings.replications
        return ScenarioCheck(scenario: scenario, provenance: provenance, looks: plan.looks, confidence: confidence,
                             expectations: verdicts, baseline: against, alpha: options.alpha, warnings: warnings,
                             maxReplications: options.maxReplications)
    }
}

/// A check that cannot be made as asked (bad usage: exit 64).
public struct CheckError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
