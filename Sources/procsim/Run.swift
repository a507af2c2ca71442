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

        @Option(name: .customLong("set"), help: ArgumentHelp(
            "Override a scenario value, as KEY=VALUE with the file's own dotted path (repeatable).",
            discussion: "Examples: --set areas.logistics.staff=4  --set demand.orders.rate=30/day  --set journeys.order.steps[1].approval.reject=10%",
            valueName: "key=value"))
        var overrides: [String] = []

        @Option(help: "Lead times kept per replication for exact percentiles; beyond this, HdrHistogram (3 significant digits).")
        var exactLimit: Int = 10_000_000

        @Option(name: [.customShort("o"), .long], help: "Also write the report to this file (atomically); JSON when it ends in .json.")
        var output: String?

        func validate() throws {
            guard exactLimit >= 0 else { throw ValidationError("--exact-limit must be at least 0, found \(exactLimit)") }
            for text in overrides where Override(argument: text) == nil {
                throw ValidationError("--set expects KEY=VALUE (for example areas.logistics.staff=4), found '\(text)'")
            }
        }

        func run() throws {
            try withExitCodes {
                let sets = overrides.compactMap(Override.init(argument:))
                let loaded = try ScenarioLoader.load(path: scenario, overrides: sets)
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
                        seed: seed, replications: common.replications, overrides: sets.map(\.description)),
                    warnings: loaded.warnings.map(\.summary), offeredLoad: loaded.analysis.offeredLoad)
                let json = report.json.rendered()
                print(common.json ? json : report.text, terminator: "")
                if let output {
                    try OutputFile.write(output.hasSuffix(".json") ? json : report.text, to: output)
                }
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a scenario file and print every problem found, without simulating.")

        @Argument(help: "The scenario file (YAML).")
        var scenario: String

        @Flag(help: "Treat warnings as errors.")
        var strict = false

        func run() throws {
            try withExitCodes {
                let loaded = try ScenarioLoader.load(path: scenario)
                for warning in loaded.warnings { Terminal.error(warning.description) }
                if strict && !loaded.warnings.isEmpty {
                    Terminal.error("\(loaded.warnings.count) warning(s) treated as errors (--strict).")
                    throw ExitCode(65)
                }
                print("\(scenario): valid (\(loaded.model.areas.count) areas, \(loaded.model.demands.count) demand types, \(loaded.model.journeys.reduce(0) { $0 + $1.steps.count }) steps)")
            }
        }
    }
}

struct OutputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): error: cannot write the output file: \(reason)" }
}

/// Output files appear complete or not at all: written to a temporary name beside the target,
/// then renamed over it.
enum OutputFile {
    static func write(_ text: String, to path: String) throws {
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            throw OutputError(path: path, reason: "the folder does not exist or is not writable")
        }
        if rename(temporary.path, target.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw OutputError(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
