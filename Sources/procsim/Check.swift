import ArgumentParser
import Foundation
import SimExperiment
import SimKernel
import SimModel
import SimStatistics
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

        @Argument(help: "The scenario file (YAML) with an expect: section, or a folder of them.")
        var scenario: String

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @Option(help: "Replications added per look while an expectation is undecided.")
        var batch: Int = 20

        @Option(help: "The most replications before an undecided expectation is called inconclusive.")
        var maxReplications: Int = 200

        @Option(help: ArgumentHelp("With a folder: where baselines are found, as <stem>.json.", valueName: "folder"))
        var baselines: String?

        @Option(help: ArgumentHelp("Also write the verdicts as a JUnit XML report (one test case per expectation and per baseline figure judged), atomically.", valueName: "file"))
        var junit: String?

        @Option(help: ArgumentHelp("A baseline recorded by `procsim baseline`: the run uses its seed and replications, and each figure is compared with it, paired by replication.", valueName: "file"))
        var baseline: String?

        func validate() throws {
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
            guard maxReplications >= max(common.replications, 2) else {
                throw ValidationError("--max-replications (\(maxReplications)) must be at least --replications (\(common.replications)) and 2")
            }
        }

        func run() throws {
            try withExitCodes {
                let junitFile = try junit.map(OutputFile.init(path:))
                defer { junitFile?.discard() }
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: scenario, isDirectory: &isFolder), isFolder.boolValue else {
                    let outcome: (text: String, code: Int32, cases: [Case])
                    do {
                        outcome = try checkOne(scenario, baselinePath: baseline)
                    } catch is NothingToCheck {
                        throw ValidationError("\(scenario) has no 'expect:' section and no --baseline was given: nothing to check")
                    }
                    try Terminal.output(outcome.text)
                    try junitFile?.commit(Self.junitXML(suite: scenario, cases: outcome.cases))
                    if outcome.code != 0 { throw ExitCode(outcome.code) }
                    return
                }
                // A folder: every scenario with expectations or a baseline (<baselines>/<stem>.json).
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: scenario)) ?? [])
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                let folder = baselines ?? "baselines"
                var codes: [Int32] = [], cases: [Case] = [], summary: [String] = []
                for name in files {
                    let path = (scenario as NSString).appendingPathComponent(name)
                    let stem = (name as NSString).deletingPathExtension
                    let candidate = (folder as NSString).appendingPathComponent(stem + ".json")
                    let baselinePath = FileManager.default.fileExists(atPath: candidate) ? candidate : nil
                    do {
                        let outcome = try checkOne(path, baselinePath: baselinePath)
                        if baselinePath == nil && !common.quiet { Terminal.error("warning: \(path): no baseline (\(candidate)); only its expectations are checked") }
                        try Terminal.output(outcome.text + "\n")
                        codes.append(outcome.code)
                        cases += outcome.cases.map { ("\(name): \($0.name)", $0.failure, $0.skipped) }
                        summary.append("  \(["passed", "FAILED", "INCONCLUSIVE"][Int(outcome.code)])  \(path)")
                    } catch is NothingToCheck {
                        continue
                    } catch let error as ScenarioError {
                        Terminal.error(error.description)
                        codes.append(65)
                        summary.append("  INVALID  \(path)")
                    } catch let error as UnreadableFile {
                        Terminal.error(error.description)
                        codes.append(66)
                        summary.append("  UNREADABLE  \(path)")
                    }
                }
                try Terminal.output("Summary (\(summary.count) scenario\(summary.count == 1 ? "" : "s") checked)\n" + summary.joined(separator: "\n") + "\n")
                try junitFile?.commit(Self.junitXML(suite: scenario, cases: cases))
                // The most serious outcome wins, in the contracts' order.
                for code: Int32 in [70, 66, 65, 73, 1, 2] where codes.contains(code) { throw ExitCode(code) }
            }
        }

        struct NothingToCheck: Error {}

        typealias Case = (name: String, failure: String?, skipped: Bool)

        /// Checks one scenario: its text, its exit code (0, 1 or 2) and its JUnit cases.
        func checkOne(_ scenario: String, baselinePath: String?) throws -> (text: String, code: Int32, cases: [Case]) {
                let loaded = try ScenarioLoader.load(path: scenario, variant: overrides.variant, overrides: overrides.parsed)
                if !common.quiet { for w in loaded.warnings { Terminal.error(w.description) } }
                let recorded = try baselinePath.map { try BaselineFile(path: $0) }
                guard !loaded.expectations.isEmpty || recorded != nil else { throw NothingToCheck() }
                let seed = recorded?.seed ?? common.seed ?? loaded.seed ?? 1
                var n = recorded?.replications ?? common.replications
                if let recorded, recorded.streamKeying != StreamKeying.version {
                    throw ValidationError("the baseline was recorded with stream keying v\(recorded.streamKeying), this procsim uses v\(StreamKeying.version): record the baseline again")
                }
                let looks = 1 + Int((Double(maxReplications - n) / Double(batch)).rounded(.up))
                let confidence = 1 - 0.05 / Double(looks)
                var verdicts: [ExpectationResult] = []
                var allCases: [Case] = []
                var last: ExperimentResult
                var outputs: [ReplicationOutput] = []
                while true {
                    // Each look adds replications to those already run; none is run twice.
                    var settings = ExperimentSettings(seed: seed, replications: n, threads: common.threadCount)
                    outputs += Experiment.replications(loaded.model, settings: settings, range: outputs.count..<n)
                    settings.replications = outputs.count
                    last = Experiment.reduce(loaded.model, settings: settings, outputs: outputs)
                    verdicts = loaded.expectations.map { ExpectationResult($0, result: last, confidence: confidence) }
                    // With a baseline the replications are the baseline's: pairs need the same ones.
                    if recorded != nil || !verdicts.contains(where: { $0.verdict == .undecided }) || n >= maxReplications { break }
                    n = min(n + batch, maxReplications)
                }
                let worse = recorded.map { baselineLines(last, $0) } ?? (lines: [], worse: 0, cases: [])
                var lines = ["Check · \(scenario)\(overrides.variant.map { " · variant \($0)" } ?? "") · seed \(seed) · \(n) replications · each verdict at \(String(format: "%.2f", confidence * 100))% (\(looks) looks allowed, 5% overall per expectation)"]
                var rows = [["  expectation", "value (95% interval)", "verdict"]]
                for v in verdicts {
                    let value = v.valueText
                    let verdict = switch v.verdict {
                    case .met: "met"
                    case .violated: "VIOLATED"
                    case .undecided: "INCONCLUSIVE"
                    }
                    rows.append(["  " + v.expectation.source, value, verdict])
                }
                if !verdicts.isEmpty { lines += RunReport.table(rows) }
                lines += worse.lines
                do {
                    var cases: [Case] = verdicts.map { v in
                        let value = v.estimate.estimate.map { x in v.estimate.ci95.map { "\(x) [\($0.low), \($0.high)]" } ?? "\(x)" } ?? "undefined"
                        switch v.verdict {
                        case .met: return (v.expectation.source, nil, false)
                        case .violated: return (v.expectation.source, "violated: value \(value) (SI units) against threshold \(v.expectation.threshold)", false)
                        case .undecided: return (v.expectation.source, "inconclusive at \(n) replications: value \(value)", true)
                        }
                    }
                    cases += worse.cases.map { ($0.name, $0.failure, false) }
                    allCases = cases
                }
                let violated = verdicts.filter { $0.verdict == .violated }.count + worse.worse
                let undecided = verdicts.filter { $0.verdict == .undecided }.count
                lines.append(violated > 0 ? "FAILED: \(violated) expectation\(violated == 1 ? "" : "s") or baseline figure\(violated == 1 ? "" : "s") worse"
                             : undecided > 0 ? "INCONCLUSIVE: \(undecided) expectation\(undecided == 1 ? "" : "s") undecided at \(n) replications"
                             : recorded == nil ? "passed: every expectation met" : "passed: every expectation met and no figure worse than the baseline")
                return (lines.joined(separator: "\n") + "\n", violated > 0 ? 1 : undecided > 0 ? 2 : 0, allCases)
        }

        /// The run against the baseline, replication by replication: for each figure with a
        /// direction, a one-sided paired t-test of "worse by more than the tolerance", with Holm's
        /// correction across the figures judged; significant improvements are listed too.
        func baselineLines(_ result: ExperimentResult, _ recorded: BaselineFile) -> (lines: [String], worse: Int, cases: [(name: String, failure: String?)]) {
            let width = result.layout.count
            var tests: [(key: String, diff: Double, p: Double, worse: Bool)] = []
            for (key, column) in DesignComparison.keys(result) {
                guard let judge = BaselineFile.judgement(key), let before = recorded.figures[key] else { continue }
                let pairs = (0..<min(before.count, result.settings.replications)).compactMap { r -> Double? in
                    let now = result.matrix[r * width + column], then = before[r]
                    guard now.isFinite, then.isFinite else { return nil }
                    return judge.worseIfHigher ? now - then : then - now   // > 0: worse
                }
                guard pairs.count > 1 else { continue }
                let baseMean = before.filter(\.isFinite).reduce(0, +) / Double(max(before.filter(\.isFinite).count, 1))
                let mean = ReferenceStatistics.mean(pairs), sd = ReferenceStatistics.variance(pairs).squareRoot()
                let tol = judge.tolerance(baseMean)
                // P-value of "the mean of x exceeds shift", one-sided paired t-test.
                func pAbove(_ x: Double, _ shift: Double) -> Double {
                    if sd == 0 { return x - shift > 0 ? 0 : 1 }
                    let t = (x - shift) / (sd / Double(pairs.count).squareRoot())
                    return 1 - SpecialFunctions.studentTCDF(t, degreesOfFreedom: Double(pairs.count - 1))
                }
                tests.append((key, mean, pAbove(mean, tol), true))      // worse beyond tolerance
                tests.append((key, -mean, pAbove(-mean, tol), false))   // better beyond tolerance
            }
            let adjusted = DesignComparison.holm(tests.map(\.p))
            var cases: [(name: String, failure: String?)] = []
            var lines = ["", "Against the baseline (seed \(recorded.seed), \(recorded.replications) replications, paired; worse beyond tolerance, Holm-adjusted p < 0.05):"]
            var worse = 0, better = 0
            for (i, t) in tests.enumerated() where adjusted[i] < 0.05 {
                if t.worse { worse += 1 } else { better += 1 }
                lines.append("  \(t.worse ? "WORSE " : "better") \(t.key): \(String(format: "%+.4g", t.worse ? t.diff : -t.diff)) (p = \(String(format: "%.2g", adjusted[i])))")
            }
            if worse == 0 && better == 0 { lines.append("  no figure differs significantly beyond its tolerance") }
            for (i, t) in tests.enumerated() where t.worse {
                cases.append(("baseline: \(t.key)", adjusted[i] < 0.05 ? "worse than the baseline by \(t.diff) (SI units), beyond its tolerance; Holm-adjusted p = \(adjusted[i])" : nil))
            }
            return (lines, worse, cases)
        }

        /// The JUnit dialect CI systems read (GitLab, GitHub test reporters, Jenkins): one
        /// `testsuite` of `testcase`s, a `failure` for a violated expectation or a worse figure,
        /// `skipped` for an inconclusive one.
        static func junitXML(suite: String, cases: [(name: String, failure: String?, skipped: Bool)]) -> String {
            func escape(_ s: String) -> String {
                s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            }
            let failures = cases.filter { $0.failure != nil && !$0.skipped }.count
            let skipped = cases.filter(\.skipped).count
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            xml += "<testsuites name=\"procsim check\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
            xml += "  <testsuite name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
            for c in cases {
                xml += "    <testcase classname=\"\(escape(suite))\" name=\"\(escape(c.name))\""
                if c.skipped, let message = c.failure {
                    xml += ">\n      <skipped message=\"\(escape(message))\"/>\n    </testcase>\n"
                } else if let message = c.failure {
                    xml += ">\n      <failure message=\"\(escape(message))\">\(escape(message))</failure>\n    </testcase>\n"
                } else {
                    xml += "/>\n"
                }
            }
            return xml + "  </testsuite>\n</testsuites>\n"
        }

    }
}
