import ArgumentParser
import Foundation
import SimExperiment
import SimKernel
import SimModel
import SimReport
import SimScenario
import SimStatistics

extension Procsim {
    struct Baseline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a baseline for `procsim check --baseline`: the seed, the scenario and every figure of every replication.")

        @Argument(help: "The scenario file (YAML).")
        var scenario: String

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @Option(name: [.customShort("o"), .long], help: "The baseline file to write (JSON), such as baselines/NAME.json.")
        var output: String

        func run() throws {
            try withExitCodes {
                let file = try OutputFile(path: output)
                defer { file.discard() }
                let loaded = try ScenarioLoader.load(path: scenario, variant: overrides.variant, overrides: overrides.parsed)
                let seed = common.seed ?? loaded.seed ?? 1
                let result = Experiment.run(loaded.model, settings: .init(seed: seed, replications: common.replications, threads: common.threadCount))
                let source = (try? String(contentsOfFile: scenario, encoding: .utf8)) ?? ""
                let keys = DesignComparison.keys(result)
                let width = result.layout.count
                let json = JSONValue.object([
                    ("schema", .string("procsim.baseline/1")),
                    ("provenance", Provenance(procsimVersion: Procsim.version, scenarioFile: scenario, scenarioHash: loaded.contentHash,
                                              seed: seed, replications: common.replications, variant: overrides.variant,
                                              overrides: overrides.arguments).jsonValue),
                    ("scenario_text", .string(source)),
                    ("figures", .object(keys.map { key, column in
                        (key, .array((0..<common.replications).map { .number(result.matrix[$0 * width + column]) }))
                    })),
                ])
                try file.commit(json.rendered())
                if !common.quiet { Terminal.error("baseline written to \(output): \(keys.count) figures × \(common.replications) replications, seed \(seed)") }
            }
        }
    }
}

/// A recorded baseline and the paired comparison of a run with it.
struct BaselineFile {
    var seed: UInt64
    var replications: Int
    var streamKeying: Int
    var figures: [String: [Double]]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UnreadableFile(path: path, reason: "no such baseline file")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              json["schema"] as? String == "procsim.baseline/1",
              let provenance = json["provenance"] as? [String: Any],
              let seed = (provenance["seed"] as? NSNumber)?.uint64Value,
              let replications = provenance["replications"] as? Int,
              let figures = json["figures"] as? [String: [Any]] else {
            throw ValidationError("\(path) is not a procsim baseline (procsim.baseline/1); record one with `procsim baseline FILE -o \(path)`")
        }
        self.seed = seed
        self.replications = replications
        streamKeying = provenance["stream_keying"] as? Int ?? 0
        self.figures = figures.mapValues { $0.map { ($0 as? NSNumber)?.doubleValue ?? .nan } }
    }

    /// Which way is worse, and the tolerance a worsening must exceed to count (documented in
    /// the README): times 2% relative, shares 1 percentage point, counts and queues 2% relative.
    /// Figures without a direction (utilisation, arrivals, visits) are not judged.
    static func judgement(_ key: String) -> (worseIfHigher: Bool, tolerance: (Double) -> Double)? {
        let name = key.split(separator: ".").suffix(2).joined(separator: ".")
        let last = String(key.split(separator: ".").last ?? "")
        let times = ["lead_time", "business_lead_time", "wait", "handoff", "unfinished_age"]
        if times.contains(where: { key.contains($0 + ".") }) { return (true, { 0.02 * abs($0) }) }
        if last == "on_time" { return (false, { _ in 0.01 }) }
        if last == "waited" { return (true, { _ in 0.01 }) }
        if ["abandoned", "turned_away", "cancelled", "rework", "unfinished"].contains(last) || name == "queue.mean" || name == "wip.mean" {
            return (true, { 0.02 * abs($0) })
        }
        if last == "throughput" || last == "completed" { return (false, { 0.02 * abs($0) }) }
        return nil
    }
}
