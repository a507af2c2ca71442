import ArgumentParser
import Foundation
import SimExperiment
import SimExpressions
import SimModel
import SimReport
import SimScenario
import SimStatistics

extension Procsim {
    struct StudyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "study",
            abstract: "Run a designed experiment over factors and fit a metamodel: which factor moves each figure most.",
            // Short: the generated one lists every option (180 to 230 characters).
            usage: "procsim study [<options>] <scenario> --vary <path=low..high>...",
            discussion: """
                procsim study FILE --vary areas.logistics.staff=2..5 --vary demand.orders.rate=10/day..30/day
                Every design point runs on common random numbers (the same seed). The metamodel is
                linear in the factors scaled to [-1, 1], fitted by least squares; an effect is the
                change of the figure across the factor's whole range, with a 95% interval.
                """)

        @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
        var scenario: String

        @Option(help: ArgumentHelp("A factor and its range, PATH=LOW..HIGH, with the file's dotted path and units (repeatable).", valueName: "path=low..high"))
        var vary: [String] = []

        @Option(help: "full: a grid (every integer when few, else --levels per factor); lhs: a Latin hypercube of --points.")
        var design: String = "full"

        @Option(help: "Levels per continuous factor in a full design.")
        var levels: Int = 3

        @Option(help: "Design points of a Latin hypercube.")
        var points: Int = 10

        @Option(help: ArgumentHelp("A figure to explain, in the expression language (repeatable; default mean(lead_time) and p95(lead_time)).", valueName: "figure"))
        var target: [String] = []

        @OptionGroup var common: CommonOptions

        @OptionGroup var output: ReportOptions

        @OptionGroup var export: ExportOptions

        @OptionGroup var sharding: ShardOptions

        struct Range {
            var factor: Study.Factor
            var unit: String
        }

        /// `10/day..30/day` → 10, 30 and the unit "/day"; `2..5` → integers.
        static func parse(_ text: String) -> Range? {
            guard let eq = text.firstIndex(of: "=") else { return nil }
            let path = String(text[..<eq]), bounds = text[text.index(after: eq)...].components(separatedBy: "..")
            guard !path.isEmpty, bounds.count == 2 else { return nil }
            func split(_ s: String) -> (Double, String)? {
                let t = s.trimmingCharacters(in: .whitespaces)
                let number = t.prefix { $0.isNumber || $0 == "." || $0 == "-" }
                guard let x = Double(number) else { return nil }
                return (x, String(t.dropFirst(number.count)))
            }
            guard let (low, u1) = split(bounds[0]), let (high, u2) = split(bounds[1]), u1 == u2, low < high else { return nil }
            let integer = u1.isEmpty && low == low.rounded() && high == high.rounded()
            return Range(factor: .init(path: path, low: low, high: high, integer: integer), unit: u1)
        }

        func validate() throws {
            if vary.isEmpty { throw ValidationError("give at least one factor with --vary PATH=LOW..HIGH, such as --vary areas.logistics.staff=2..5") }
            let paths = vary.compactMap { Self.parse($0)?.factor.path }
            if Set(paths).count < paths.count { throw ValidationError("--vary names a factor twice; give each path once") }
            for v in vary where Self.parse(v) == nil {
                throw ValidationError("--vary expects PATH=LOW..HIGH with LOW below HIGH and the same unit on both, such as areas.logistics.staff=2..5 or demand.orders.rate=10/day..30/day; found '\(v)'")
            }
            guard ["full", "lhs"].contains(design) else { throw ValidationError("--design is 'full' or 'lhs', found '\(design)'") }
            guard (2...20).contains(levels) else { throw ValidationError("--levels must be between 2 and 20") }
            guard (2...10_000).contains(points) else { throw ValidationError("--points must be between 2 and 10,000") }
        }

        func run() throws {
            try execute(sharding.driver(command: Self.configuration.commandName!))
        }

        /// The study, with every design point's replications run by `driver`: here, as one shard
        /// (its share of each point's replications), or from the shards' parts.
        func execute(_ driver: ExperimentDriver) throws {
            try withExitCodes {
                let ranges = vary.compactMap(Self.parse)
                let outputs = Outputs()
                defer { outputs.discard() }
                outputs.protect([scenario] + driver.partFiles)
                let part = try sharding.partial.map(outputs.claim)
                let file = driver.shard != nil ? nil : try output.claim(in: outputs)
                let html = driver.shard != nil ? nil : try export.claim(in: outputs)
                let base = try common.load(scenario, protecting: outputs, driver: driver)
                let seed = common.seed ?? base.seed ?? 1
                let rows = Study.design(ranges.map(\.factor), full: design == "full", levels: levels, points: points, seed: seed)
                if rows.count > 10_000 { throw ValidationError("the design has \(rows.count) points; use --design lhs or fewer levels") }
                let texts = target.isEmpty ? ["mean(lead_time)", "p95(lead_time)"] : target
                let context = ExpressionContext(model: base.model)
                var expressions: [MetricExpression] = []
                for text in texts {
                    do { expressions.append(try ExpressionParser.expression(text, in: context)) } catch let error as ExpressionError {
                        throw ValidationError("--target '\(text)': \(error.message)")
                    }
                }
                // No series: the study reads only each replication's figures (and a shard's partial
                // result is then a tenth of the size).
                let settings = ExperimentSettings(seed: seed, replications: common.replications, threads: common.threadCount, seriesPoints: 0)
                let factors = ranges.map(\.factor)
                let found = try Study.run(factors, design: rows, figures: expressions, settings: settings, driver: driver) { point in
                    // Every point reads the same file: its hash was checked above.
                    let overrides = zip(ranges, point).map { r, v in
                        Override(argument: "\(r.factor.path)=\(r.factor.integer ? String(Int(v)) : String(v))\(r.unit)")!
                    }
                    do {
                        // Its warnings were the base's, printed once.
                        return try common.load(scenario, overrides: overrides, protecting: outputs, warnings: false, jsonDiagnostics: false).model
                    } catch let error as OverrideError {
                        throw ValidationError("--vary: " + error.reason)
                    } catch let error as ScenarioError {
                        // A value a factor takes is not valid for that key: a command-line problem.
                        throw ValidationError("--vary: at \(zip(factors, point).map { "\($0.path)=\($1)" }.joined(separator: ", ")): " + (error.diagnostics.first(where: { $0.severity == .error })?.message ?? "invalid"))
                    }
                }
                guard let result = found else { return try sharding.writePartial(driver, to: outputs, claimed: part, quiet: common.quiet) }
                let report = StudyReport(
                    result: result, units: ranges.map(\.unit), targets: texts, figures: expressions, design: design,
                    provenance: Provenance(procsimVersion: Procsim.version, scenarioFile: scenario, scenarioHash: base.contentHash,
                                           seed: seed, replications: common.replications))
                try output.emit(text: report.text, json: report.json.rendered(), common: common, to: outputs, claimed: file)
                if let html { try outputs.write(report.html, to: html) }
                try export.writeCSV(report.csv, to: outputs)
                try outputs.commit()
            }
        }
    }
}
