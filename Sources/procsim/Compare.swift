import ArgumentParser
import Foundation
import SimExperiment
import SimReport
import SimScenario

extension Procsim {
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here rather than derived from the type: deriving it costs a dynamic cast
            // per subcommand at every start-up.
            commandName: "compare",
            abstract: "Compare designs on common random numbers: paired differences with intervals and Holm's correction.",
            // Short: the generated one lists every option (180 to 230 characters).
            usage: "procsim compare [<options>] <scenario> --variants <names> | <scenario> <scenario>...",
            discussion: """
                procsim compare FILE --variants base,no-credit-check     (base: the file as written)
                procsim compare BEFORE.yaml AFTER.yaml                   (the first file is the base)
                Every design runs with the same seed and replications; random draws are keyed by
                names, so the same customers bring the same work to every design.
                """)

        @Argument(help: "One scenario file with --variants, or several files (the first is the base).", completion: .file(extensions: ["yaml", "yml"]))
        var scenarios: [String]

        @Option(help: ArgumentHelp("Designs of one file, comma-separated; 'base' is the file as written.", valueName: "names"),
                completion: .custom { words, _, prefix in VariantCompletion.list(in: words, after: prefix) })
        var variants: String?

        @OptionGroup var common: CommonOptions

        @Option(name: .customLong("set"), help: ArgumentHelp("Override a value in every design (repeatable).", valueName: "key=value"))
        var sets: [String] = []

        @OptionGroup var output: ReportOptions

        @OptionGroup var export: ExportOptions

        @OptionGroup var sharding: ShardOptions

        func validate() throws {
            if scenarios.isEmpty { throw ValidationError("give a scenario file with --variants, or two or more files") }
            if variants == nil && scenarios.count < 2 {
                throw ValidationError("one file needs --variants (for example --variants base,no-credit-check); or give two or more files")
            }
            if variants != nil && scenarios.count > 1 { throw ValidationError("--variants compares designs of one file; give one file") }
            if let variants, variants.split(separator: ",").count < 2 {
                throw ValidationError("--variants needs at least two designs, such as base,no-credit-check")
            }
            for text in sets where Override(argument: text) == nil {
                throw ValidationError("--set expects KEY=VALUE (for example areas.logistics.staff=4), found '\(text)'")
            }
        }

        func run() throws {
            try execute(sharding.driver(command: Self.configuration.commandName!))
        }

        /// The comparison, with every design's replications run by `driver`: here, as one shard
        /// (its share of each design's replications, the same indices for every design, so the
        /// pairs stay paired), or from the shards' parts.
        func execute(_ driver: ExperimentDriver) throws {
            try withExitCodes {
                let outputs = Outputs()
                defer { outputs.discard() }
                outputs.protect(scenarios + driver.partFiles)
                let sharded = driver.shard != nil
                let part = try sharding.partial.map(outputs.claim)
                let file = sharded ? nil : try output.claim(in: outputs)
                let html = sharded ? nil : try export.claim(in: outputs)
                let overrides = sets.compactMap(Override.init(argument:))
                var designs: [(CompareReport.Design, Scenario)] = []
                if let variants {
                    let names = variants.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                    if Set(names).count < names.count { throw ValidationError("--variants names a design twice: \(variants)") }
                    for name in names {
                        let variant = name == "base" ? nil : name
                        let loaded: Scenario
                        do {
                            loaded = try common.load(scenarios[0], variant: variant, overrides: overrides, protecting: outputs, warnings: false)
                        } catch let error as UnknownVariant {
                            throw ValidationError("--variants \(error.name): \(error.message)")
                        }
                        designs.append((.init(name: name, file: scenarios[0], variant: variant, scenarioHash: loaded.contentHash), loaded))
                    }
                } else {
                    if Set(scenarios.map { ($0 as NSString).standardizingPath }).count < scenarios.count {
                        throw ValidationError("the same file is given twice; compare different designs")
                    }
                    let stems = scenarios.map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
                    for (path, stem) in zip(scenarios, stems) {
                        let loaded = try common.load(path, overrides: overrides, protecting: outputs, warnings: false)
                        // Files with the same name in different folders are told apart by path.
                        let name = stems.filter { $0 == stem }.count > 1 ? path : stem
                        designs.append((.init(name: name, file: path, variant: nil, scenarioHash: loaded.contentHash), loaded))
                    }
                }
                if !common.quiet {
                    for (design, loaded) in designs {
                        for warning in loaded.warnings { Terminal.error("[\(design.name)] " + warning.description) }
                    }
                }
                for (_, loaded) in designs { try common.record(loaded, with: driver) }
                let seed = common.seed ?? designs[0].1.seed ?? 1
                let settings = ExperimentSettings(seed: seed, replications: common.replications, threads: common.threadCount)
                let share = driver.shard.map { $0.units(of: 0..<settings.replications).count } ?? settings.replications
                let line = ProgressLine(total: share * designs.count, quiet: common.quiet || driver.isMerging)
                let runs = try designs.map { try driver.run($0.1.model, settings: settings, progress: line.callback) }
                line.finish()
                if sharded { return try sharding.writePartial(driver, to: outputs, claimed: part, quiet: common.quiet) }
                try driver.finish()
                let results = runs.map { $0! }
                for (i, result) in results.enumerated().dropFirst() {
                    let shared = Set(DesignComparison.keys(result).map(\.key)).intersection(DesignComparison.keys(results[0]).map(\.key)).count
                    if shared < DesignComparison.keys(results[0]).count / 2 && !common.quiet {
                        Terminal.error("warning: \(designs[i].0.name) shares only \(shared) figures with \(designs[0].0.name): these look like different operations, and common random numbers pair little")
                    }
                }
                let report = CompareReport(
                    designs: designs.map(\.0), results: results,
                    provenance: Provenance(
                        procsimVersion: Procsim.version, scenarioFile: scenarios[0], scenarioHash: designs[0].0.scenarioHash,
                        seed: seed, replications: common.replications, variant: nil, overrides: sets))
                let json = report.json.rendered()
                try output.emit(text: report.text, json: json, common: common, to: outputs, claimed: file)
                if let html {
                    try outputs.write(HTMLReport.compare(report, calendar: .init(start: designs[0].1.start, timeZone: designs[0].1.timeZone,
                                                                                 periods: designs[0].1.periods.map { ($0.name, $0.start, $0.end) })), to: html)
                }
                try export.writeCSV(CSVExport.results(zip(designs, results).map { (name: $0.0.name, result: $1) }), to: outputs)
                try outputs.commit()
            }
        }
    }
}
