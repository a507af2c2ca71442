import ArgumentParser
import Foundation
import SimExperiment
import SimModel
import SimReport
import SimScenario

extension Procsim {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here rather than derived from the type: deriving it costs a dynamic cast
            // per subcommand at every start-up.
            commandName: "check",
            abstract: "A CI gate: check a scenario's expectations (expect:) and compare it with a recorded baseline. Exit 0 passed, 1 failed, 2 inconclusive.",
            discussion: """
                A verdict is declared only when an expectation's interval lies on one side of its threshold. While something is undecided, replications are added in batches of --batch, up to --max-replications. Each look tests at level α/K, with K the number of looks the cap allows (Bonferroni over the looks), so the chance that a verdict is wrong stays below α (--alpha, 1%) however many looks are taken.

                With --baseline, the run reuses the baseline's seed, so replication r of both sees the same customers: an unchanged scenario differs by exactly zero. By default the figures customers feel are judged (lead times, on-time shares, items lost, throughput); a `tolerances:` entry or --tolerance makes any figure with a direction judged. A figure fails when it got worse by more than its tolerance (times and counts 2%, shares 1 percentage point), significantly after Holm's correction; it passes when it is shown within its tolerance; otherwise it is undecided, and the check ends inconclusive at the cap.

                Given a folder, every scenario in it with expectations or a baseline is checked: <baselines>/<stem>.json for the scenario itself and <baselines>/<stem>.<variant>.json for a variant. The exit code is the most serious, in the order 70, 66, 65, 73, 1, 2, 0.
                """)

        @Argument(help: "The scenario file (YAML), or a folder of them.")
        var scenario: String

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @Option(help: ArgumentHelp("A baseline recorded by `procsim baseline`: each figure is compared with it, paired by replication.", valueName: "file"))
        var baseline: String?

        @Option(help: ArgumentHelp("With a folder: where baselines are found, as <stem>.json and <stem>.<variant>.json (default: baselines).", valueName: "folder"))
        var baselines: String?

        @Flag(help: "Compare with the baseline on new random numbers (unpaired, Welch's t-test) instead of the baseline's seed. The seed is --seed, else the baseline's plus one.")
        var freshSeeds = false

        @Option(help: ArgumentHelp("How much worse a figure may get before it counts, overriding the scenario's `tolerances:` (repeatable): lead_time.p95=5%, on_time=2pp, 'steps.*.wait.mean=10m', areas.support.queue.mean=0.5, NAME=ignore.", valueName: "figure=tolerance"))
        var tolerance: [String] = []

        @Option(help: ArgumentHelp("The error rate the gate allows, such as 1% or 0.01: per expectation over all its looks, and family-wise over the figures compared with a baseline.", valueName: "rate"))
        var alpha: String = "1%"

        var alphaValue: Double? { ScenarioLoader.fraction(alpha).flatMap { $0 > 0 && $0 < 0.5 ? $0 : nil } }

        @Option(help: "Replications added per look while an expectation is undecided.")
        var batch: Int = 20

        @Option(help: "The most replications before an undecided expectation is called inconclusive.")
        var maxReplications: Int = 200

        @Option(help: ArgumentHelp("Also write the verdicts as a JUnit XML report (a test case per expectation and per baseline figure judged), atomically.", valueName: "file"))
        var junit: String?

        func validate() throws {
            guard alphaValue != nil else { throw ValidationError("--alpha must lie between 0 and 50%, such as 1% or 0.01; found '\(alpha)'") }
            guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
            if let n = common.replicationsGiven, n < 2 {
                throw ValidationError("--replications must be at least 2 for a check: an interval needs two replications")
            }
            guard maxReplications >= 2 else { throw ValidationError("--max-replications must be at least 2, found \(maxReplications)") }
            if let n = common.replicationsGiven, maxReplications < n {
                throw ValidationError("--max-replications (\(maxReplications)) must be at least --replications (\(n))")
            }
            if freshSeeds && baseline == nil && baselines == nil && !isFolder {
                throw ValidationError("--fresh-seeds compares with a baseline: give --baseline FILE")
            }
            if !tolerance.isEmpty && baseline == nil && !isFolder {
                throw ValidationError("--tolerance applies to the comparison with a baseline: give --baseline FILE")
            }
            if baselines != nil && !isFolder {
                throw ValidationError("--baselines names the folder of baselines for a folder of scenarios; for one file give --baseline FILE")
            }
        }

        var isFolder: Bool {
            var folder: ObjCBool = false
            return FileManager.default.fileExists(atPath: scenario, isDirectory: &folder) && folder.boolValue
        }

        func run() throws {
            try withExitCodes {
                let outputs = Outputs()
                defer { outputs.discard() }
                outputs.protect([scenario] + [baseline].compactMap { $0 })
                let junitFile = try junit.map(outputs.claim)
                var checks: [(check: ScenarioCheck, seconds: Double)] = []
                var failures: [(name: String, code: Int32, message: String)] = []
                if isFolder {
                    guard baseline == nil, overrides.variant == nil else {
                        throw ValidationError("with a folder, baselines are found in --baselines (<stem>.json, <stem>.<variant>.json); --baseline and --variant apply to one file")
                    }
                    (checks, failures) = try checkFolder(outputs)
                } else {
                    // A file that cannot be checked still gets its report, so that CI shows why.
                    do {
                        let recorded = try baseline.map { ($0, try BaselineDocument(path: $0)) }
                        let loaded = try ScenarioLoader.load(path: scenario, variant: overrides.variant, overrides: overrides.parsed, root: common.readRoot)
                        try outputs.protectLoaded(loaded.inputFiles)
                        if !common.quiet { for w in loaded.warnings { Terminal.error(w.description) } }
                        guard !loaded.expectations.isEmpty || recorded != nil else {
                            throw ValidationError("\(scenario) has no 'expect:' section and no --baseline was given: nothing to check")
                        }
                        checks = [try timed { try check(loaded, baseline: recorded) }]
                    } catch let error as ScenarioError {
                        Terminal.error(error.description)
                        failures.append((scenario, error.exitCode, "invalid scenario: \(error.errorCount) error\(error.errorCount == 1 ? "" : "s")\n" + error.description))
                    } catch let error as UnreadableFile {
                        Terminal.error(error.description)
                        failures.append((scenario, 66, error.description))
                    } catch let error as BaselineError {
                        Terminal.error(error.description)
                        failures.append((baseline ?? scenario, 66, error.description))
                    }
                }
                if !common.quiet { for c in checks { for w in c.check.warnings { Terminal.error("warning: " + w) } } }
                let code = Self.exitCode(checks.map(\.check.exitCode) + failures.map(\.code))
                if common.json {
                    try Terminal.output(json(checks.map(\.check), failures: failures, code: code).rendered())
                } else {
                    var text = checks.map(\.check.text).joined(separator: "\n")
                    if isFolder {
                        let rows = checks.map { ["  " + $0.check.outcomeName.uppercased(with: nil).replacingOccurrences(of: "PASSED", with: "passed"), Self.name($0.check)] }
                            + failures.map { ["  " + ($0.code == 65 ? "INVALID" : "UNREADABLE"), $0.name] }
                        text += "\nSummary: \(rows.count) check\(rows.count == 1 ? "" : "s")\n" + rows.map { $0.joined(separator: "  ") }.joined(separator: "\n") + "\n"
                    }
                    if !text.isEmpty { try Terminal.output(text, colour: common.colour) }
                }
                let suites = checks.map { (Self.name($0.check), $0.check.junitCases, $0.seconds) }
                    + failures.map { ($0.name, [JUnitReport.Case(name: "scenario", outcome: .error($0.message))], 0.0) }
                if let junitFile {
                    try outputs.write(JUnitReport.xml(suites), to: junitFile)
                    try outputs.commit()
                }
                if code != 0 { throw ExitCode(code) }
            }
        }

        static func name(_ check: ScenarioCheck) -> String {
            check.scenario.file + (check.scenario.variant.map { " · variant \($0)" } ?? "")
        }

        /// The most serious outcome, in the contracts' order.
        static func exitCode(_ codes: [Int32]) -> Int32 {
            [70, 66, 65, 73, 1, 2].first(where: codes.contains) ?? 0
        }

        /// The check and how long it took, for the JUnit report.
        func timed(_ body: () throws -> ScenarioCheck) rethrows -> (check: ScenarioCheck, seconds: Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let check = try body()
            return (check, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }

        func options(for scenario: Scenario) throws -> CheckOptions {
            let table: ToleranceTable
            switch ScenarioLoader.tolerances(tolerance, for: scenario.model, skipUnmatched: isFolder) {
            case .success(let t): table = t
            case .failure(let problem): throw ValidationError(problem.description)
            }
            return CheckOptions(seed: common.seed, replications: common.replicationsGiven, threads: common.threadCount,
                                batch: batch, maxReplications: maxReplications, freshSeeds: freshSeeds, tolerances: table, alpha: alphaValue!)
        }

        func check(_ loaded: Scenario, baseline: (String, BaselineDocument)?) throws -> ScenarioCheck {
            let provenance = Provenance(procsimVersion: Procsim.version, scenarioFile: loaded.file, scenarioHash: loaded.contentHash,
                                        seed: 0, replications: 0, variant: loaded.variant, overrides: overrides.arguments)
            do {
                return try ScenarioCheck.run(loaded, provenance: provenance, baseline: baseline, options: try options(for: loaded))
            } catch let error as CheckError {
                throw ValidationError(error.description)
            }
        }

        /// Every scenario of the folder with expectations or a baseline, and each variant with one.
        func checkFolder(_ outputs: Outputs) throws -> ([(check: ScenarioCheck, seconds: Double)], [(name: String, code: Int32, message: String)]) {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: scenario)) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .filter { name in
                    // A folder named like a scenario is not one (nor checked as one).
                    var folder: ObjCBool = false
                    return !(FileManager.default.fileExists(atPath: (scenario as NSString).appendingPathComponent(name), isDirectory: &folder) && folder.boolValue)
                }
            let folder = baselines ?? "baselines"
            var isDirectory: ObjCBool = false
            if baselines != nil && !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue) {
                throw BaselineError(path: folder, reason: "--baselines: no such folder")
            }
            // Baselines of variants a scenario no longer has: said, not silently skipped.
            let baselineFiles = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }
            for name in files {
                let stem = (name as NSString).deletingPathExtension
                let variants = Set(ScenarioLoader.variantNames(path: (scenario as NSString).appendingPathComponent(name)))
                for b in baselineFiles where b.hasPrefix(stem + ".") {
                    let middle = String(b.dropFirst(stem.count + 1).dropLast(5))
                    if !middle.isEmpty && !variants.contains(middle) && !files.contains(where: { ($0 as NSString).deletingPathExtension == stem + "." + middle }) && !common.quiet {
                        Terminal.error("warning: \((folder as NSString).appendingPathComponent(b)): \(name) has no variant '\(middle)'; this baseline is not used")
                    }
                }
            }
            var checks: [(check: ScenarioCheck, seconds: Double)] = [], failures: [(String, Int32, String)] = []
            let tree = common.readRoot ?? ReadRoot(folder: scenario)
            for name in files {
                let path = (scenario as NSString).appendingPathComponent(name)
                let stem = (name as NSString).deletingPathExtension
                // A link in a pull request's folder to a file elsewhere is not read.
                guard tree?.contains(path) == true else {
                    let message = "\(path): error: cannot read the scenario file: it is a symbolic link that leads outside \(tree?.path ?? scenario); only files in the folder tree are checked"
                    Terminal.error(message)
                    failures.append((path, 66, message))
                    continue
                }
                let variants = ScenarioLoader.variantNames(path: path).filter {
                    FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("\(stem).\($0).json"))
                }
                for variant in [nil] + variants.map(Optional.some) {
                    let candidate = (folder as NSString).appendingPathComponent(stem + (variant.map { ".\($0)" } ?? "") + ".json")
                    let label = path + (variant.map { " · variant \($0)" } ?? "")
                    do {
                        let recorded: (String, BaselineDocument)?
                        do {
                            recorded = FileManager.default.fileExists(atPath: candidate) ? (candidate, try BaselineDocument(path: candidate)) : nil
                        } catch let error as BaselineError {
                            Terminal.error(error.description)
                            failures.append((candidate, 66, error.description))
                            continue
                        }
                        let loaded = try ScenarioLoader.load(path: path, variant: variant, overrides: overrides.parsed, root: common.readRoot)
                        try outputs.protectLoaded(loaded.inputFiles)
                        if !common.quiet { for w in loaded.warnings { Terminal.error(w.description) } }
                        if loaded.expectations.isEmpty && recorded == nil { continue }
                        if recorded == nil && !common.quiet {
                            Terminal.error("warning: \(label): no baseline (\(candidate)); only its expectations are checked")
                        }
                        checks.append(try timed { try check(loaded, baseline: recorded) })
                    } catch let error as ScenarioError {
                        Terminal.error(error.description)
                        failures.append((label, error.exitCode, "invalid scenario: \(error.errorCount) error\(error.errorCount == 1 ? "" : "s")\n" + error.description))
                    } catch let error as UnreadableFile {
                        Terminal.error(error.description)
                        failures.append((label, 66, error.description))
                    } catch let error as BaselineError {
                        Terminal.error(error.description)
                        failures.append((candidate, 66, error.description))
                    }
                }
            }
            if checks.isEmpty && failures.isEmpty {
                throw ValidationError("\(scenario) has no scenario with an 'expect:' section or a baseline in \(folder): nothing to check")
            }
            return (checks, failures)
        }

        /// The `procsim.check/1` document.
        func json(_ checks: [ScenarioCheck], failures: [(name: String, code: Int32, message: String)], code: Int32) -> JSONValue {
            let provenance = checks.count == 1 && failures.isEmpty && !isFolder ? checks[0].provenance
                : Provenance(procsimVersion: Procsim.version, scenarioFile: scenario, scenarioHash: "",
                             seed: common.seed ?? 0, replications: common.replications, variant: nil, overrides: overrides.arguments)
            let outcomes: [Int32: String] = [0: "passed", 1: "failed", 2: "inconclusive", 65: "invalid", 66: "unreadable"]
            return .object([
                ("schema", .string("procsim.check/1")),
                ("provenance", provenance.jsonValue),
                ("outcome", .string(outcomes[code] ?? "error")),
                ("exit_code", .integer(Int(code))),
                ("checks", .array(checks.map(\.json))),
                ("problems", .array(failures.map {
                    .object([("scenario", .string($0.name)), ("outcome", .string(outcomes[$0.code] ?? "error")),
                             ("exit_code", .integer(Int($0.code))), ("message", .string($0.message))])
                })),
            ])
        }
    }
}
