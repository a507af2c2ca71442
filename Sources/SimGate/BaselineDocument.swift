import Foundation
import SimExperiment
import SimKernel
import SimModel
import SimScenario

/// A recorded baseline (`procsim.baseline/1`): the seed and replications a paired check must
/// reuse, the resolved scenario (so that more replications of the base can be run later, from
/// exactly the model that made the recorded ones), and every figure of every replication.
public struct BaselineDocument: Sendable {
    public var provenance: Provenance
    public var streamKeying: Int
    /// The model's part of the scenario after `extends`, the variant and `--set`, as YAML.
    public var resolvedScenario: String
    /// Per figure, its value in each replication, in replication order (NaN: undefined).
    public var figures: [String: [Double]]
    /// The figure names in the order they were recorded.
    public var keys: [String]

    /// Records a run of `scenario`.
    public init(scenario: Scenario, result: ExperimentResult, provenance: Provenance) {
        self.provenance = provenance
        streamKeying = StreamKeying.version
        resolvedScenario = scenario.resolvedYAML
        let values = result.figureValues
        keys = values.map(\.key)
        figures = Dictionary(values.map { ($0.key, $0.values) }, uniquingKeysWith: { a, _ in a })
    }

    /// Reads a baseline file. A missing, damaged or foreign file, or one of another stream
    /// keying, throws `BaselineError` (exit 66) saying what is wrong and how to record one.
    /// Every figure of a few thousand replications fits; a larger file is not a baseline.
    static let maxBytes = 256 << 20

    public init(path: String) throws {
        let data: Data
        do {
            data = Data(try InputFile.read(path, limit: Self.maxBytes))
        } catch .missing {
            throw BaselineError(path: path, reason: "no such file; record one with `procsim baseline SCENARIO -o \(path)`")
        } catch .folder {
            throw BaselineError(path: path, reason: "it is a folder; give the baseline file (with a folder of scenarios, --baselines names the folder)")
        } catch {
            throw BaselineError(path: path, reason: error.description)
        }
        // JSONDecoder, not JSONSerialization: the latter rounds some doubles on Linux, and a
        // paired check needs the recorded values bit for bit.
        struct File: Decodable {
            struct Origin: Decodable {
                var procsim_version: String?, scenario: String, scenario_hash: String?, seed: UInt64, replications: Int
                var variant: String?, overrides: [String]?, stream_keying: Int?
            }
            var schema: String
            var provenance: Origin
            var resolved_scenario: String
            var figures: [String: [Double?]]
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let error as DecodingError {
            let detail: String
            switch error {
            case .dataCorrupted(let c): detail = "it is not valid JSON (\(c.underlyingError.map { "\($0)" } ?? c.debugDescription))"
            case .keyNotFound(let key, let c): detail = "'\((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))' is missing"
            case .typeMismatch(_, let c), .valueNotFound(_, let c): detail = "'\(c.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type (\(c.debugDescription))"
            @unknown default: detail = "\(error)"
            }
            throw BaselineError(path: path, reason: "not a procsim baseline: \(detail); record one with `procsim baseline SCENARIO -o \(path)`")
        }
        guard file.schema == "procsim.baseline/1" else {
            throw BaselineError(path: path, reason: "its schema is '\(file.schema)', not procsim.baseline/1; record a baseline with `procsim baseline SCENARIO -o \(path)`")
        }
        guard file.provenance.replications >= 2 else {
            throw BaselineError(path: path, reason: "it records \(file.provenance.replications) replication\(file.provenance.replications == 1 ? "" : "s"); a comparison needs at least 2")
        }
        if let short = file.figures.first(where: { $0.value.count != file.provenance.replications }) {
            throw BaselineError(path: path, reason: "figure '\(short.key)' has \(short.value.count) values for \(file.provenance.replications) replications: the file is damaged; record it again")
        }
        let p = file.provenance
        streamKeying = p.stream_keying ?? 0
        guard streamKeying == StreamKeying.version else {
            throw BaselineError(path: path, reason: "recorded with random-stream keying v\(streamKeying), and this procsim keys its streams by v\(StreamKeying.version): the same seed no longer gives the same draws, so record the baseline again")
        }
        provenance = Provenance(
            procsimVersion: p.procsim_version ?? "", scenarioFile: p.scenario, scenarioHash: p.scenario_hash ?? "",
            seed: p.seed, replications: p.replications, variant: p.variant, overrides: p.overrides ?? [])
        resolvedScenario = file.resolved_scenario
        figures = file.figures.mapValues { $0.map { $0 ?? .nan } }
        // A decoded dictionary has no order; the layout order of the rebuilt model does.
        keys = figures.keys.sorted()
        self.path = path
    }

    /// Where the baseline was read from, for messages.
    public var path: String?

    /// The model the baseline was recorded from, rebuilt from its resolved scenario; files it
    /// names (arrival lists) are found relative to the scenario's recorded path.
    public func baseModel() throws -> Model {
        do {
            let model = try ScenarioLoader.parse(yaml: resolvedScenario, file: provenance.scenarioFile).model
            let missing = Set(MetricLayout.figures(of: model).map(\.key)).subtracting(figures.keys)
            if let first = missing.sorted().first {
                throw BaselineError(path: path ?? provenance.scenarioFile, reason: "figure '\(first)' of its scenario has no recorded values (\(missing.count) missing): the file is damaged; record it again")
            }
            return model
        } catch let error as ScenarioError {
            throw BaselineError(path: path ?? provenance.scenarioFile, reason: "its resolved scenario no longer builds a model (\(error.errorCount) error\(error.errorCount == 1 ? "" : "s"), the first: \(error.diagnostics.first { $0.severity == .error }?.message ?? "?")); record the baseline again")
        }
    }

    /// Extends the recorded figures to `count` replications by running the base model with the
    /// recorded seed: replication r is the same whenever it is run, so these pair with the
    /// current run exactly as recorded ones do.
    ///
    /// `source` supplies the replications (an `ExperimentDriver` records them in a shard).
    public mutating func extend(to count: Int, threads: Int, source: Experiment.Source = Experiment.simulated) throws {
        guard count > provenance.replications else { return }
        let model = try baseModel()
        let settings = ExperimentSettings(seed: provenance.seed, replications: count, threads: threads)
        let outputs = try source(CompiledModel(model), settings, provenance.replications..<count, nil)
        let extra = Experiment.reduce(model, settings: .init(seed: provenance.seed, replications: outputs.count, threads: threads), outputs: outputs)
        for (key, values) in extra.figureValues where figures[key] != nil { figures[key]! += values }
        provenance.replications = count
    }
}

/// A baseline that cannot be used: missing, damaged, foreign or of another stream keying (exit 66).
public struct BaselineError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): error: cannot use the baseline: \(reason)" }
}
