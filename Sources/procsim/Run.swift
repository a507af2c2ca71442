import ArgumentParser
import Foundation
import SimExperiment
import SimReport
import SimScenario

extension Procsim {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a scenario as a Monte Carlo experiment and report lead times, utilisation and queues.")

        @Argument(help: "The scenario file (YAML).")
        var scenario: String

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @Option(help: "Lead times kept per replication for exact percentiles; beyond this, HdrHistogram (3 significant digits).")
        var exactLimit: Int = 10_000_000

        @Option(name: [.customShort("o"), .long], help: "Also write the report to this file, atomically: JSON with --json or a .json name, else text.")
        var output: String?

        func validate() throws {
            guard (0...1_000_000_000).contains(exactLimit) else {
                throw ValidationError("--exact-limit must be between 0 and 1,000,000,000 lead times, found \(exactLimit)")
            }
            if output?.isEmpty == true { throw ValidationError("--output needs a file name") }
        }

        func run() throws {
            try withExitCodes {
                // Claim the output file first: a run must not be wasted on a folder that is missing.
                let file = try output.map(OutputFile.init(path:))
                defer { file?.discard() }
                let sets = overrides.parsed
                let loaded = try ScenarioLoader.load(path: scenario, variant: overrides.variant, overrides: sets)
                if !common.quiet {
                    for warning in loaded.warnings { Terminal.error(warning.description) }
                }
                let seed = common.seed ?? loaded.seed ?? 1
                let settings = ExperimentSettings(
                    seed: seed, replications: common.replications, threads: common.threadCount, exactLimit: exactLimit)
                let result = Experiment.run(loaded.model, settings: settings)
                let report = RunReport(
                    result: result,
                    provenance: Provenance(
                        procsimVersion: Procsim.version, scenarioFile: scenario, scenarioHash: loaded.contentHash,
                        seed: seed, replications: common.replications, variant: overrides.variant, overrides: sets.map(\.description)),
                    warnings: loaded.warnings.map(\.summary), analysis: loaded.analysis, expectations: loaded.expectations)
                let json = report.json.rendered()
                try Terminal.output(common.json ? json : report.text)
                if let file, let output {
                    try file.commit(common.json || output.hasSuffix(".json") ? json : report.text)
                }
            }
        }
    }
}

/// `--variant NAME` and `--set KEY=VALUE`, for every command that reads a scenario.
struct OverrideOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run one of the scenario's named variants (its 'variants:' section).", valueName: "name"))
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
