import ArgumentParser
import Foundation
import SimExperiment
import SimGate
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
            // Short: the generated one lists every option (180 to 230 characters).
            usage: "procsim check [<options>] <scenario-or-folder>",
            discussion: """
                A verdict is declared only when an expectation's interval lies on one side of its threshold. While something is undecided, replications are added in batches of --batch, up to --max-replications. Each look tests at level α/K, with K the number of looks the cap allows (Bonferroni over the looks), so the chance that a verdict is wrong stays below α (--alpha, 1%) however many looks are taken.

                With --baseline, the run reuses the baseline's seed, so replication r of both sees the same customers: an unchanged scenario differs by exactly zero. By default the figures customers feel are judged (lead times, on-time shares, items lost, throughput); a `tolerances:` entry or --tolerance makes any figure with a direction judged. A figure fails when it got worse by more than its tolerance (times and counts 2%, shares 1 percentage point), significantly after Holm's correction; it passes when it is shown within its tolerance; otherwise it is undecided, and the check ends inconclusive at the cap.

                Given a folder, every scenario in it with expectations or a baseline is checked: <baselines>/<stem>.json for the scenario itself and <baselines>/<stem>.<variant>.json for a variant. The exit code is the most serious, in the order 70, 66, 65, 73, 1, 2, 0.
                """)

        @Argument(help: "The scenario file (YAML), or a folder of them.", completion: .file(extensions: ["yaml", "yml"]))
        var scenario: String

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @OptionGroup var output: ReportOptions

        @OptionGroup var sharding: ShardOptions

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
            try execute(sharding.driver(command: Self.configuration.commandName!))
        }

        /// The check, with each target (a scenario, or a variant with its baseline) checked whole
        /// by `driver`: here, in the shard that owns it, or again from the shards' records (merge),
        /// which takes the very decisions its shard took.
        func execute(_ driver: ExperimentDriver) throws {
            try withExitCodes {
                let outputs = Outputs()
                defer { outputs.discard() }
                outputs.protect([scenario] + [baseline].compactMap { $0 } + driver.partFiles)
                let part = try sharding.partial.map(outputs.claim)
                let file = driver.shard != nil ? nil : try output.claim(in: outputs)
                let junitFile = driver.shard != nil ? nil : try junit.map(outputs.claim)
                let targets: [CheckTarget]
                if isFolder {
                    guard baseline == nil, overrides.variant == nil else {
                        throw ValidationError("with a folder, baselines are found in --baselines (<stem>.json, <stem>.<variant>.json); --baseline and --variant apply to one file")
                    }
                    let found = try CheckTarget.folder(scenario, baselines: baselines, root: common.readRoot)
                    if !common.quiet { for w in found.warnings { Terminal.error(w) } }
                    targets = found.targets
                } else {
                    targets = [CheckTarget(path: scenario, variant: overrides.variant, baseline: baseline, baselineOptional: false)]
                }
                var checks: [(check: ScenarioCheck, seconds: Double)] = []
                var failures: [(name: String, code: Int32, message: String)] = []
                for (k, target) in targets.enumerated() {
                    if let refusal = target.refusal {
                        Terminal.error(refusal)
                        failures.append((target.path, 66, refusal))
                        continue
                    }
                    guard let (outcome, seconds) = try driver.timedUnit(k, { try check(target, outputs: outputs, driver: driver) }) else { continue }
                    switch outcome {
                    case .checked(let c): checks.append((c, seconds))
                    case .failed(let f): failures.append(f)
                    case .nothing: break
                    }
                }
                if driver.shard != nil { return try sharding.writePartial(driver, to: outputs, claimed: part, quiet: common.quiet) }
                try driver.finish()
                if checks.isEmpty && failures.isEmpty {
                    throw ValidationError("\(scenario) has no scenario with an 'expect:' section or a baseline in \(baselines ?? "baselines"): nothing to check")
                }
                if !common.quiet { for c in checks { for w in c.check.warnings { Terminal.error("warning: " + w) } } }
                let code = ExitStatus.mostSerious(checks.map(\.check.exitCode) + failures.map(\.code))
                var text = checks.map(\.check.text).joined(separator: "\n")
                if isFolder {
                    let rows = checks.map { ["  " + $0.check.outcomeName.uppercased(with: nil).replacingOccurrences(of: "PASSED", with: "passed"), Self.name($0.check)] }
                        + failures.map { ["  " + ($0.code == 65 ? "INVALID" : "UNREADABLE"), $0.name] }
                    text += "\nSummary: \(rows.count) check\(rows.count == 1 ? "" : "s")\n" + rows.map { $0.joined(separator: "  ") }.joined(separator: "\n") + "\n"
                }
                try output.emit(text: text, json: json(checks.map(\.check), failures: failures, code: code).rendered(), common: common, to: outputs, claimed: file)
                let suites = checks.map { (Self.name($0.check), $0.check.junitCases, $0.seconds) }
                    + failures.map { ($0.name, [JUnitReport.Case(name: "scenario", outcome: .error($0.message))], 0.0) }
                if let junitFile { try outputs.write(JUnitReport.xml(suites), to: junitFile) }
                try outputs.commit()
                if code != 0 { throw ExitCode(code) }
            }
        }

        /// What checking one target came to.
        enum Outcome {
            case checked(ScenarioCheck)
            /// It could not be checked: a file or baseline that cannot be read, an invalid scenario.
            case failed((name: String, code: Int32, message: String))
            /// A scenario of a folder with neither expectations nor a baseline.
            case nothing
        }

        /// Checks one target; a file that cannot be checked is an outcome, not an error, so that
        /// the report still shows why (and the other scenarios of a folder are still checked).
        func check(_ target: CheckTarget, outputs: Outputs, driver: ExperimentDriver) throws -> Outcome {
            // Before reading it: a file that is invalid in the shard and fixed before the merge
            // would otherwise give the merge another answer.
            try driver.read(scenario: target.path, hash: ScenarioLoader.inputFingerprint(path: target.path) ?? "unreadable")
            do {
                var recorded: (String, BaselineDocument)?
                if let file = target.baseline, !target.baselineOptional || FileManager.default.fileExists(atPath: file) {
                    // Read in the target's unit: only its shard reads it, and the merge checks it is the same.
                    if let hash = target.baselineHash { try driver.read(scenario: file, hash: hash) }
                    do {
                        recorded = (file, try BaselineDocument(path: file))
                    } catch let error as BaselineError {
                        Terminal.error(error.description)
                        return .failed((file, ExitStatus.code(of: error), error.description))
                    }
                }
                let loaded = try common.load(target.path, variant: target.variant, overrides: overrides.parsed, protecting: outputs, driver: driver,
                                             jsonDiagnostics: false)
                if loaded.expectations.isEmpty && recorded == nil {
                    if target.baselineOptional { return .nothing }
                    throw ValidationError("\(scenario) has no 'expect:' section and no --baseline was given: nothing to check")
                }
                if recorded == nil, target.baselineOptional, let file = target.baseline, !common.quiet {
                    Terminal.error("warning: \(target.label): no baseline (\(file)); only its expectations are checked")
                }
                let provenance = Provenance(procsimVersion: Procsim.version, scenarioFile: loaded.file, scenarioHash: loaded.contentHash,
                                            seed: 0, replications: 0, variant: loaded.variant, overrides: overrides.arguments)
                return .checked(try ScenarioCheck.run(loaded, provenance: provenance, baseline: recorded, options: try options(for: loaded),
                                                      source: driver.source))
            } catch let error as ScenarioError {
                Terminal.error(error.description)
                return .failed((target.baselineOptional ? target.label : target.path, ExitStatus.code(of: error),
                                "invalid scenario: \(error.errorCount) error\(error.errorCount == 1 ? "" : "s")\n" + error.description))
            } catch let error as UnreadableFile {
                Terminal.error(error.description)
                return .failed((target.baselineOptional ? target.label : target.path, ExitStatus.code(of: error), error.description))
            } catch let error as BaselineError {
                Terminal.error(error.description)
                return .failed((target.baseline ?? target.path, ExitStatus.code(of: error), error.description))
            }
        }

        static func name(_ check: ScenarioCheck) -> String {
            check.scenario.file + (check.scenario.variant.map { " · variant \($0)" } ?? "")
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
