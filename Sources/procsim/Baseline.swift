import ArgumentParser
import Foundation
import SimExperiment
import SimGate
import SimReport
import SimScenario

extension Procsim {
    struct Baseline: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here rather than derived from the type: deriving it costs a dynamic cast
            // per subcommand at every start-up.
            commandName: "baseline",
            abstract: "Record a baseline for `procsim check --baseline`: the seed, the resolved scenario and every figure of every replication.",
            // Short: the generated one lists every option (180 to 230 characters).
            usage: "procsim baseline [<options>] <scenario> -o <file>")

        @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
        var scenario: String

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The baseline file to write (JSON), such as baselines/NAME.json, or baselines/NAME.VARIANT.json for a variant.", valueName: "file"))
        var output: String

        func run() throws {
            try withExitCodes {
                let outputs = Outputs()
                defer { outputs.discard() }
                outputs.protect([scenario])
                let file = try outputs.claim(output)
                let loaded = try common.load(scenario, variant: overrides.variant, overrides: overrides.parsed, protecting: outputs)
                let seed = common.seed ?? loaded.seed ?? 1
                let result = Experiment.run(loaded.model, settings: .init(seed: seed, replications: common.replications, threads: common.threadCount))
                let document = BaselineDocument(
                    scenario: loaded, result: result,
                    provenance: Provenance(procsimVersion: Procsim.version, scenarioFile: scenario, scenarioHash: loaded.contentHash,
                                           seed: seed, replications: common.replications, variant: overrides.variant,
                                           overrides: overrides.arguments))
                try outputs.write(document.jsonValue.rendered(), to: file)
                try outputs.commit()
                if !common.quiet { Terminal.error("baseline written to \(output): \(Formatting.counted(document.keys.count, "figure")) × \(Formatting.counted(common.replications, "replication")), seed \(seed)") }
                if common.json { try Terminal.output(document.jsonValue.rendered()) }
            }
        }
    }
}
