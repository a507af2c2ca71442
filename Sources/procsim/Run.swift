import ArgumentParser
import Foundation
import SimExperiment
import SimGate
import SimExpressions
import SimModel
import SimStatistics
import SimReport
import SimScenario

extension Procsim {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here rather than derived from the type: deriving it costs a dynamic cast
            // per subcommand at every start-up.
            commandName: "run",
            abstract: "Run a scenario as a Monte Carlo experiment and report lead times, utilisation and queues.",
            // Short: the generated one lists every option (180 to 230 characters).
            usage: "procsim run [<options>] <scenario>")

        @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
        var scenario: String

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @Option(help: "Lead times kept per replication for exact percentiles; beyond this, a histogram within 0.39%.")
        var exactLimit: Int = 10_000_000

        @OptionGroup var output: ReportOptions

        @OptionGroup var export: ExportOptions

        @OptionGroup var sharding: ShardOptions

        @Option(help: ArgumentHelp("Also write one replication as an event log for process mining: XES for a .xes name, else CSV (case:concept:name, concept:name, org:resource, start_timestamp, time:timestamp, lifecycle:transition, demand).", valueName: "file"))
        var eventLog: String?

        @Option(help: ArgumentHelp("The replication the event log shows, from 1.", valueName: "n"))
        var replication: Int = 1

        @Option(help: ArgumentHelp("Add replications in batches of 10 until the 95% interval of each --precision-for figure is within this share of its estimate (such as 2%).", valueName: "share"))
        var precision: String?

        @Option(help: ArgumentHelp("A figure --precision applies to, in the expression language (repeatable; default: mean(lead_time) and p95(lead_time)).", valueName: "figure"))
        var precisionFor: [String] = []

        @Option(help: "The most replications --precision may run.")
        var maxReplications: Int = 1000

        static let precisionBatch = 10

        /// A byte count for messages: 3.1 KiB, 2.9 GiB.
        static func bytes(_ n: Int) -> String {
            let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
            var value = Double(n), unit = 0
            while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
            return unit == 0 ? "\(n) bytes" : String(format: "%.1f", value) + " " + units[unit]
        }

        @Option(help: ArgumentHelp("The warm-up excluded from statistics: a duration (such as 10d), or 'auto' to estimate it with MSER-5 from a pilot run. Overrides the scenario's.", valueName: "duration|auto"))
        var warmup: String?

        /// Points of the pilot's work-in-progress series: 100 batches of 5 for MSER-5.
        static let pilotPoints = 500

        var precisionShare: Double? {
            guard let precision else { return nil }
            let t = precision.trimmingCharacters(in: .whitespaces)
            let x = t.hasSuffix("%") ? Double(t.dropLast()).map { $0 / 100 } : Double(t)
            return x
        }

        func validate() throws {
            guard (0...1_000_000_000).contains(exactLimit) else {
                throw ValidationError("--exact-limit must be between 0 and 1,000,000,000 lead times, found \(exactLimit)")
            }
            if precision != nil {
                guard let x = precisionShare, x > 0, x < 1 else {
                    throw ValidationError("--precision expects a share of the estimate such as 2% or 0.02, found '\(precision!)'")
                }
            }
            if replication != 1 && eventLog == nil { throw ValidationError("--replication chooses the replication of --event-log; give --event-log FILE") }
            let outputs = [output.output, export.report, eventLog].compactMap { $0 }.map { ($0 as NSString).standardizingPath }
            if Set(outputs).count < outputs.count { throw ValidationError("two outputs name the same file; give each its own") }
            if replication < 1 || replication > max(common.replications, 1) && precision == nil {
                throw ValidationError("--replication must be between 1 and the replications run (\(common.replications)), found \(replication)")
            }
            if !precisionFor.isEmpty && precision == nil { throw ValidationError("--precision-for needs --precision") }
            if sharding.shard != nil && precision != nil {
                throw ValidationError("--precision cannot be sharded: whether to add replications depends on all of them; give a fixed -n (the count a --precision run reported, for example)")
            }
            guard (2...1_000_000).contains(maxReplications) else {
                throw ValidationError("--max-replications must be between 2 and 1,000,000, found \(maxReplications)")
            }
        }

        func run() throws {
            try execute(sharding.driver(command: Self.configuration.commandName!))
        }

        /// The whole command, with its experiments run by `driver`: here, as one shard, or from
        /// the shards' parts (`procsim merge`).
        func execute(_ driver: ExperimentDriver) throws {
            try withExitCodes {
                // Claim the outputs first: a run must not be wasted on one that cannot be written.
                // A shard writes only its partial result; the merge writes the rest.
                let outputs = Outputs()
                defer { outputs.discard() }
                outputs.protect([scenario] + driver.partFiles)
                let sharded = driver.shard != nil
                let part = try sharding.partial.map(outputs.claim)
                let file = sharded ? nil : try output.claim(in: outputs)
                let html = sharded ? nil : try export.claim(in: outputs)
                let log = sharded ? nil : try eventLog.map(outputs.claim)
                let sets = overrides.parsed
                var loaded = try common.load(scenario, variant: overrides.variant, overrides: sets, protecting: outputs, driver: driver)
                let seed = common.seed ?? loaded.seed ?? 1
                let settings = ExperimentSettings(
                    seed: seed, replications: common.replications, threads: common.threadCount, exactLimit: exactLimit)
                var warmupReport: RunReport.AutoWarmup?
                if let warmup, loaded.terminating {
                    throw ValidationError("--warmup \(warmup): the scenario is terminating ('mode: terminating'): a run starts empty and observes everything up to the horizon; a warm-up applies to steady-state scenarios (--set mode=steady-state)")
                }
                if let warmup {
                    if warmup == "auto" {
                        guard let horizon = loaded.model.horizon else {
                            throw ValidationError("--warmup auto needs a scenario with a horizon")
                        }
                        guard let estimate = try driver.estimateWarmup(loaded.model, horizon: horizon, settings: settings, seriesPoints: Self.pilotPoints) else {
                            throw ValidationError("--warmup auto: the run is too short for MSER-5")
                        }
                        loaded.model.warmup = estimate.warmup
                        warmupReport = estimate
                    } else if let seconds = ScenarioLoader.duration(warmup), seconds >= 0 {
                        loaded.model.warmup = seconds
                        if let horizon = loaded.model.horizon, seconds >= horizon, !common.quiet {
                            Terminal.error("warning: --warmup \(warmup) is not shorter than the horizon: nothing will be observed")
                        }
                    } else {
                        throw ValidationError("--warmup expects a duration such as 10d or 'auto', found '\(warmup)'")
                    }
                }
                // Every replication's output is kept until the reduction: refuse what would not fit.
                let asked = precisionShare == nil ? settings.replications : maxReplications
                let cap = Experiment.replicationCap(loaded.model, settings: settings, replications: asked)
                if asked > cap {
                    let each = Experiment.retainedBytes(loaded.model, settings: settings)
                    throw ValidationError("\(precisionShare == nil ? "--replications" : "--max-replications") \(asked): each replication of this scenario keeps about \(Self.bytes(each)) of figures until the summary, \(Self.bytes(asked * each)) in all; procsim keeps at most \(Self.bytes(Experiment.memoryBudget)), so at most \(cap) replications (use --precision to stop once the intervals are narrow enough)")
                }
                var result: ExperimentResult
                var precisionReport: RunReport.Precision?
                if let share = precisionShare {
                    let layout = MetricLayout(model: loaded.model)
                    let texts = precisionFor.isEmpty ? ["mean(lead_time)", "p95(lead_time)"] : precisionFor
                    var columns: [Int] = []
                    let context = ExpressionContext(model: loaded.model)
                    for text in texts {
                        let parsed: MetricExpression
                        do { parsed = try ExpressionParser.expression(text, in: context) } catch let error as ExpressionError {
                            throw ValidationError("--precision-for '\(text)': \(error.message)")
                        }
                        guard case .metric(let reference) = parsed, let column = layout.index(reference.name, reference.scope) else {
                            throw ValidationError("--precision-for '\(text)': expected one figure, such as p95(lead_time) or utilisation(logistics)")
                        }
                        columns.append(column)
                    }
                    let line = ProgressLine(total: maxReplications, quiet: common.quiet)
                    let run = Experiment.runToPrecision(
                        loaded.model, settings: settings, targets: columns, relative: share,
                        batch: Self.precisionBatch, maxReplications: maxReplications, progress: line.callback)
                    line.finish()
                    result = run.result
                    precisionReport = .init(target: share, figures: texts, reached: run.reached, replications: run.result.settings.replications)
                } else {
                    let line = ProgressLine(total: driver.shard.map { $0.units(of: 0..<settings.replications).count } ?? settings.replications,
                                            quiet: common.quiet || driver.isMerging)
                    let run = try driver.run(loaded.model, settings: settings, progress: line.callback)
                    line.finish()
                    guard let run else {
                        return try sharding.writePartial(driver, to: outputs, claimed: part, quiet: common.quiet)
                    }
                    result = run
                }
                try driver.finish()
                let run = RunReport(
                    result: result,
                    provenance: Provenance(
                        procsimVersion: Procsim.version, scenarioFile: scenario, scenarioHash: loaded.contentHash,
                        seed: seed, replications: result.settings.replications, variant: overrides.variant, overrides: sets.map(\.description)),
                    warnings: loaded.warnings.map(\.summary), analysis: loaded.analysis, expectations: loaded.expectations.map { ExpectationResult($0, result: result) },
                    precision: precisionReport, autoWarmup: warmupReport)
                try output.emit(text: run.text, json: run.json.rendered(), common: common, to: outputs, claimed: file)
                if let html {
                    try outputs.write(HTMLReport.run(run, calendar: .init(start: loaded.start, timeZone: loaded.timeZone,
                                                                        periods: loaded.periods.map { ($0.name, $0.start, $0.end) })), to: html)
                }
                if let log, let eventLog {
                    let events = EventLog(model: loaded.model, records: Experiment.trace(loaded.model, seed: seed, replication: replication - 1, exactLimit: exactLimit),
                                          start: loaded.start, timeZone: loaded.timeZone)
                    try outputs.write(eventLog.lowercased().hasSuffix(".xes") ? events.xes : events.csv, to: log)
                }
                try export.writeCSV(CSVExport.results([(name: "run", result: result)], start: loaded.start, timeZone: loaded.timeZone), to: outputs)
                try outputs.commit()
                // The statistics could not reach the precision asked within the cap: inconclusive.
                if precisionReport?.reached == false { throw ExitCode(2) }
            }
        }
    }
}

/// `--variant NAME` and `--set KEY=VALUE`, for every command that reads a scenario.
struct OverrideOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run one of the scenario's named variants (its 'variants:' section).", valueName: "name"),
            completion: .custom { words, _, _ in VariantCompletion.names(in: words) })
    var variant: String?

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a scenario value, as KEY=VALUE with the file's own dotted path (repeatable).",
        discussion: "Examples: --set areas.logistics.staff=4  --set demand.orders.rate=30/day  --set journeys.order.steps[1].approval.reject=10%",
        valueName: "key=value"))
    var arguments: [String] = []

    var parsed: [Override] { arguments.compactMap(Override.init(argument:)) }

    func validate() throws {
        if variant?.isEmpty == true { throw ValidationError("--variant needs the name of one of the scenario's variants") }
        for text in arguments where Override(argument: text) == nil {
            throw ValidationError("--set expects KEY=VALUE (for example areas.logistics.staff=4), found '\(text)'")
        }
    }
}
