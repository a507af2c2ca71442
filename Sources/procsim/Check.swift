import ArgumentParser
import Foundation
import SimExperiment
import SimReport
import SimScenario

extension Procsim {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a scenario's expectations (expect:) as a CI gate: exit 0 when all are met, 1 when one is violated, 2 when the statistics cannot decide.",
            discussion: """
                A verdict is declared only when an expectation's interval lies on one side of its
                threshold. Undecided expectations get more replications, in batches of --batch, up
                to --max-replications. Each look uses an interval at level 1 − α/K, with K the
                number of looks the cap allows (Bonferroni over the looks), so the chance that an
                expectation's verdict is wrong stays below α = 5% however many looks are taken.
                """)

        @Argument(help: "The scenario file (YAML) with an expect: section.")
        var scenario: String

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @Option(help: "Replications added per look while an expectation is undecided.")
        var batch: Int = 20

        @Option(help: "The most replications before an undecided expectation is called inconclusive.")
        var maxReplications: Int = 200

        func validate() throws {
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
            guard maxReplications >= max(common.replications, 2) else {
                throw ValidationError("--max-replications (\(maxReplications)) must be at least --replications (\(common.replications)) and 2")
            }
        }

        func run() throws {
            try withExitCodes {
                let loaded = try ScenarioLoader.load(path: scenario, variant: overrides.variant, overrides: overrides.parsed)
                if !common.quiet { for w in loaded.warnings { Terminal.error(w.description) } }
                guard !loaded.expectations.isEmpty else {
                    throw ValidationError("\(scenario) has no 'expect:' section: nothing to check")
                }
                let seed = common.seed ?? loaded.seed ?? 1
                var n = common.replications
                let looks = 1 + Int((Double(maxReplications - n) / Double(batch)).rounded(.up))
                let confidence = 1 - 0.05 / Double(looks)
                var verdicts: [ExpectationResult] = []
                while true {
                    let settings = ExperimentSettings(seed: seed, replications: n, threads: common.threadCount)
                    let result = Experiment.run(loaded.model, settings: settings)
                    verdicts = loaded.expectations.map { ExpectationResult($0, result: result, confidence: confidence) }
                    if !verdicts.contains(where: { $0.verdict == .undecided }) || n >= maxReplications { break }
                    n = min(n + batch, maxReplications)
                }
                var lines = ["Check · \(scenario)\(overrides.variant.map { " · variant \($0)" } ?? "") · seed \(seed) · \(n) replications · each verdict at \(String(format: "%.2f", confidence * 100))% (\(looks) looks allowed, 5% overall per expectation)"]
                var rows = [["  expectation", "value (95% interval)", "verdict"]]
                for v in verdicts {
                    // Shown in friendly units, as `run` shows them; the JSON of `run` has SI units.
                    let f: (Double) -> String = switch v.expectation.expression.dimension ?? .number {
                    case .duration: { Formatting.duration($0, unit: Formatting.unit(for: abs(v.estimate.estimate ?? 3600))) }
                    case .fraction: { Formatting.percent($0) }
                    case .rate: { Formatting.ratePerDay($0) }
                    case .number where v.expectation.source.hasSuffix("%"): { Formatting.percent($0) }
                    default: { Formatting.number($0) }
                    }
                    let value = v.estimate.estimate.map { x in
                        v.estimate.ci95.map { "\(f(x))  [\(f($0.low)), \(f($0.high))]" } ?? f(x)
                    } ?? "–"
                    let verdict = switch v.verdict {
                    case .met: "met"
                    case .violated: "VIOLATED"
                    case .undecided: "INCONCLUSIVE"
                    }
                    rows.append(["  " + v.expectation.source, value, verdict])
                }
                lines += tableLines(rows)
                let violated = verdicts.filter { $0.verdict == .violated }.count
                let undecided = verdicts.filter { $0.verdict == .undecided }.count
                lines.append(violated > 0 ? "FAILED: \(violated) expectation\(violated == 1 ? "" : "s") violated"
                             : undecided > 0 ? "INCONCLUSIVE: \(undecided) expectation\(undecided == 1 ? "" : "s") undecided at \(n) replications"
                             : "passed: every expectation met")
                try Terminal.output(lines.joined(separator: "\n") + "\n")
                if violated > 0 { throw ExitCode(1) }
                if undecided > 0 { throw ExitCode(2) }
            }
        }

        func tableLines(_ rows: [[String]]) -> [String] {
            let widths = (0..<3).map { c in rows.map { $0[c].count }.max()! + 3 }
            return rows.map { row in row.enumerated().map { c, t in c == 2 ? t : t + String(repeating: " ", count: widths[c] - t.count) }.joined() }
        }
    }
}
