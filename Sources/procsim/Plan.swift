import ArgumentParser
import Foundation
import SimExperiment
import SimPlan
import SimReport
import SimScenario

extension Procsim {
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here rather than derived from the type: deriving it costs a dynamic cast
            // per subcommand at every start-up.
            commandName: "plan",
            abstract: "Find the cheapest staffing that meets every target, or the most demand a staffing serves. Exit 0 found, 1 infeasible, 2 undecided.",
            // Short: the generated one lists every option (180 to 230 characters).
            usage: "procsim plan [<options>] <scenario> --target <target>... (--vary <factor>... | --max-demand <name>)",
            discussion: """
                procsim plan FILE --target "p95(lead_time) <= 3d" --vary areas.logistics.staff=1..8 --vary areas.sales.staff=2..6 --cost logistics=3200/month --cost sales=2900/month

                The search cuts designs in which an area's offered load reaches its staff (steady-state scenarios, areas with constant staff), then decides the cheapest design that queueing estimates (Erlang C, Allen–Cunneen, calibrated by each simulation) accept, or else the design of median cost; a feasible design removes every dearer one, an infeasible one every design with no more staff in any factor. Each design is decided by a sequential feasibility check (after Batur and Kim) on common random numbers, spending replications where it is close to a target; all decisions are right together with --confidence, outside the tolerance. The chosen design is confirmed on fresh seeds.

                --vary areas.NAME.staff@PERIOD plans staff for a period the scenario names: a campaign (the area's total staff during it) or one of the area's shifts (that shift's staff). --max-demand NAME instead finds the highest rate of a demand type (or multiplier of a campaign) that the current staffing serves within the targets.
                """)

        @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
        var scenario: String

        @Option(help: ArgumentHelp("A target in the expression language, such as \"p95(lead_time) <= 3d\" or \"on_time >= 95%\" (repeatable).", valueName: "target"))
        var target: [String] = []

        @Option(help: ArgumentHelp("Staff to plan and its range: areas.NAME.staff=LOW..HIGH, or areas.NAME.staff@PERIOD=LOW..HIGH (repeatable).", valueName: "factor"))
        var vary: [String] = []

        @Option(help: ArgumentHelp("What one person of an area costs, AREA=AMOUNT/PERIOD such as logistics=3200/month (repeatable; over the scenario's cost:). Without costs the plan minimises headcount.", valueName: "area=cost"))
        var cost: [String] = []

        @Option(help: ArgumentHelp("How sure all feasibility decisions must be together, such as 95%.", valueName: "level"))
        var confidence: String = "95%"

        @Option(help: ArgumentHelp("How close to a target a design may be either way and still count as meeting or missing it: a share of each threshold for times and counts (default 2%); shares (on-time) take percentage points (default 1pp), written as 1pp.", valueName: "tolerance"))
        var tolerance: [String] = []

        @Option(help: ArgumentHelp("Instead of staffing: the most demand of this demand type or campaign that the current staffing serves within the targets.", valueName: "name"))
        var maxDemand: String?

        @Option(help: "Replications of each design's first look (default 10; -n sets it too).")
        var firstLook: Int?

        var look: Int { common.replicationsGiven ?? firstLook ?? 10 }

        @Option(help: "The most replications one design gets before it is called undecided.")
        var maxReplications: Int = 500

        @Option(help: "Replications of the confirmation run of the chosen design on fresh seeds (0: none).")
        var confirm: Int = 20

        @Flag(help: "Decide every stable design by simulation instead of searching (to compare with the search).")
        var exhaustive = false

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @OptionGroup var output: ReportOptions

        @OptionGroup var export: ExportOptions

        @OptionGroup var sharding: ShardOptions

        static func percent(_ text: String) -> Double? { ScenarioLoader.fraction(text) }

        func validate() throws {
            if sharding.shard != nil && maxDemand != nil {
                throw ValidationError("--max-demand cannot be sharded: each demand it tries is chosen from the answers before it; run it in one process")
            }
            if sharding.shard != nil && !exhaustive {
                throw ValidationError("--shard needs --exhaustive: the search chooses each design to run from the answers before it, so only an exhaustive plan splits; each shard then decides whole designs")
            }
            if target.isEmpty { throw ValidationError("give at least one target with --target, such as --target \"p95(lead_time) <= 3d\"") }
            if maxDemand == nil && vary.isEmpty { throw ValidationError("give the staff to plan with --vary areas.NAME.staff=LOW..HIGH, or ask --max-demand NAME") }
            if maxDemand != nil && !vary.isEmpty { throw ValidationError("--max-demand keeps the current staffing; leave out --vary (or set staff with --set)") }
            if maxDemand != nil && (exhaustive || !cost.isEmpty) { throw ValidationError("--max-demand searches demand, not designs: --exhaustive and --cost do not apply") }
            if common.replicationsGiven != nil && firstLook != nil { throw ValidationError("-n and --first-look both set the first look; give one") }
            if Set(target).count < target.count { throw ValidationError("a --target is given twice; give each once") }
            let varied = Set(vary.compactMap(PlanFactor.init(argument:)).filter { $0.period == nil }.map { "areas.\($0.area).staff" })
            if let clash = overrides.arguments.first(where: { varied.contains(String($0.prefix { $0 != "=" })) }) {
                throw ValidationError("--set \(clash) sets staff that --vary plans; leave one of them out")
            }
            for v in vary where PlanFactor(argument: v) == nil {
                throw ValidationError("--vary expects areas.NAME.staff=LOW..HIGH or areas.NAME.staff@PERIOD=LOW..HIGH with whole numbers, LOW ≤ HIGH; found '\(v)'")
            }
            guard let c = Self.percent(confidence), c > 0.5, c < 1 else { throw ValidationError("--confidence must be above 50% and below 100%, such as 95%; found '\(confidence)'") }
            _ = c
            for c in cost where Self.parseCost(c) == nil {
                throw ValidationError("--cost expects AREA=AMOUNT/PERIOD with an amount of at least 0, such as logistics=3200/month (periods: hour, day, week, month, year); found '\(c)'")
            }
            guard look >= 2 else { throw ValidationError("--first-look (or -n) must be at least 2") }
            guard maxReplications >= look else { throw ValidationError("--max-replications must be at least the first look (\(look))") }
            guard confirm == 0 || confirm >= 2 else { throw ValidationError("--confirm must be 0 or at least 2") }
            _ = try tolerances()
        }

        static func parseCost(_ text: String) -> (String, Double)? {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex,
                  let rate = ScenarioLoader.costRate(String(text[text.index(after: eq)...])), rate >= 0 else { return nil }
            return (String(text[..<eq]), rate)
        }

        func tolerances() throws -> (relative: Double, share: Double) {
            var relative = 0.02, share = 0.01
            for t in tolerance {
                let v = t.trimmingCharacters(in: .whitespaces)
                if v.hasSuffix("pp"), let x = Double(v.dropLast(2)), x > 0, x < 50 { share = x / 100; continue }
                if v.hasSuffix("%"), let x = Double(v.dropLast()), x > 0, x < 50 { relative = x / 100; continue }
                throw ValidationError("--tolerance expects a share of the threshold such as 2% (times, counts) or percentage points such as 1pp (shares); found '\(t)'")
            }
            return (relative, share)
        }

        func run() throws {
            try execute(sharding.driver(command: Self.configuration.commandName!))
        }

        /// The plan, with its designs decided by `driver`: here, those of one shard (each whole),
        /// or again from the shards' records (merge), which takes the same decisions.
        func execute(_ driver: ExperimentDriver) throws {
            try withExitCodes {
                let outputs = Outputs()
                defer { outputs.discard() }
                outputs.protect([scenario] + driver.partFiles)
                let part = try sharding.partial.map(outputs.claim)
                let file = driver.shard != nil ? nil : try output.claim(in: outputs)
                let html = driver.shard != nil ? nil : try export.claim(in: outputs)
                let base = try common.load(scenario, variant: overrides.variant, overrides: overrides.parsed, protecting: outputs, driver: driver)
                let hash = ScenarioLoader.fingerprint(path: scenario) ?? ""
                let seed = common.seed ?? base.seed ?? 1
                let t = try tolerances()
                let settings = PlanSettings(
                    seed: seed, threads: common.threadCount, confidence: Self.percent(confidence)!, relativeTolerance: t.relative,
                    shareTolerance: t.share, firstLook: look, batch: look, maxReplications: maxReplications,
                    costs: Dictionary(cost.compactMap(Self.parseCost), uniquingKeysWith: { _, b in b }), exhaustive: exhaustive,
                    confirmation: confirm)
                let provenance = Provenance(procsimVersion: Procsim.version, scenarioFile: scenario,
                                            scenarioHash: hash,
                                            seed: seed, replications: look, variant: overrides.variant, overrides: overrides.arguments)
                let code: Int32
                if let name = maxDemand {
                    let limit = try Planner.maxDemand(base.model, name: name, targets: target, settings: settings)
                    let report = DemandLimitReport(limit: limit, provenance: provenance)
                    try output.emit(text: report.text, json: report.json.rendered(), common: common, to: outputs, claimed: file)
                    if let html { try outputs.write(HTMLReport.demandLimit(report), to: html) }
                    code = limit.exitCode
                } else {
                    let plan = try Planner.plan(base.model, factors: vary.compactMap(PlanFactor.init(argument:)), targets: target,
                                                settings: settings, driver: driver)
                    if driver.shard != nil { return try sharding.writePartial(driver, to: outputs, claimed: part, quiet: common.quiet) }
                    try driver.finish()
                    let report = PlanReport(plan: plan, provenance: provenance)
                    try output.emit(text: report.text, json: report.json.rendered(), common: common, to: outputs, claimed: file)
                    if let html { try outputs.write(HTMLReport.plan(report), to: html) }
                    try export.writeCSV(CSVExport.plan(plan), to: outputs)
                    code = plan.exitCode
                }
                try outputs.commit()
                if code != 0 { throw ExitCode(code) }
            }
        }
    }
}
