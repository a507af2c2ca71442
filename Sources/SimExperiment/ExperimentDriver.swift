import Foundation
import SimModel

/// Runs a command's experiments in one process, as one shard of many, or from the shards'
/// partial results, so that a command is written once and gives the same bytes every way.
///
/// - `whole`: every replication runs here.
/// - `shard`: only the shard's share runs; `run` returns `nil` and the command, instead of
///   reporting, writes `partial` (the command line, the scenario hashes, the replications).
/// - `merge`: nothing runs; the n-th experiment the command asks for is answered with the n-th
///   experiment of the merged parts, reduced in replication order exactly as `whole` reduces it.
///
/// The experiments a command asks for must not depend on results in shard mode (a shard does
/// not have them): a fixed number of replications per experiment, in an order set by the command
/// line. A sequential rule (add replications until an interval is narrow) cannot be split by
/// replication; `requireFixed` refuses it with the reason.
public final class ExperimentDriver {
    public enum Mode {
        case whole
        case shard(Shard)
        case merge(MergedParts)
    }

    public let mode: Mode
    /// What a shard writes; in `whole` and `merge` mode it is kept too, but unused.
    public private(set) var partial: PartialResult?
    private var calls = 0
    private var inputCount = 0
    /// The unit running now: its calls so far (shard: recorded; merge: to be replayed).
    private var unitIndex: Int?
    private var unitCalls: [CallRecord] = []
    private var replay: [(seed: UInt64, first: Int, outputs: [ReplicationOutput])] = []
    /// The running unit's files read so far (shard), or still to be read (merge).
    private var unitInputs: [InputRecord] = []
    private var unitsRun = 0

    public init(_ mode: Mode = .whole, procsim: String = "", command: String = "", arguments: [String] = []) {
        self.mode = mode
        if case .shard(let shard) = mode {
            partial = PartialResult(procsim: procsim, command: command, arguments: arguments, shard: shard)
        }
    }

    public var shard: Shard? {
        if case .shard(let s) = mode { return s }
        return nil
    }

    /// The partial results a merge reads: no output may replace one.
    public var partFiles: [String] {
        if case .merge(let parts) = mode { return parts.files }
        return []
    }

    public var isMerging: Bool {
        if case .merge = mode { return true }
        return false
    }

    /// Records a file read and the hash of its bytes (shard), or checks them against what the
    /// shards read (merge): a merge must read the very files the shards read. Inside a unit the
    /// file belongs to the unit (only its shard reads it); outside, to every shard.
    public func read(scenario path: String, hash: String) throws(PartialError) {
        // `./a.yaml` and `a.yaml` are one file: shards run by hand need not spell it alike.
        // (Foundation's standardizingPath keeps a leading `./` on Linux.)
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset == 0 || ($0.element != "." && !$0.element.isEmpty) }.map(\.element)
        let file = parts.count > 1 && parts[0] == "." ? parts.dropFirst().joined(separator: "/") : parts.joined(separator: "/")
        let record = InputRecord(file: file, hash: hash)
        switch mode {
        case .whole: return
        case .shard:
            if unitIndex != nil { unitInputs.append(record) } else { partial?.inputs.append(record) }
        case .merge(let parts):
            let expected: InputRecord?
            if unitIndex != nil {
                expected = unitInputs.first
                if !unitInputs.isEmpty { unitInputs.removeFirst() }
            } else {
                expected = inputCount < parts.inputs.count ? parts.inputs[inputCount] : nil
                inputCount += 1
            }
            guard let expected else {
                throw PartialError(file: file, "the shards did not read this file; merge with the same command line, in the folder the shards ran in, with the files they read")
            }
            guard expected.file == file else {
                throw PartialError(file: file, "the shards read \(expected.file) where this merge reads this file: the files have changed since the shards ran; merge with the files the shards read")
            }
            guard expected.hash == hash else {
                throw PartialError(file: file, "the file has changed since the shards ran (its hash is \(hash), the shards read \(expected.hash)); merge with the files the shards read")
            }
        }
    }

    /// Runs `settings.replications` replications of `model` (all, this shard's share, or none);
    /// `nil` in shard mode, where no result exists until the merge.
    public func run(_ model: Model, settings: ExperimentSettings, progress: Experiment.Progress? = nil) throws(PartialError) -> ExperimentResult? {
        defer { calls += 1 }
        switch mode {
        case .whole:
            return Experiment.run(model, settings: settings, progress: progress)
        case .shard(let shard):
            let indices = shard.units(of: 0..<settings.replications)
            let outputs = Experiment.replications(CompiledModel(model), settings: settings, indices: indices, progress: progress)
            partial?.experiments.append(ExperimentRecord(
                seed: settings.seed, replications: settings.replications, whole: false,
                outputs: zip(indices, outputs).map { ReplicationRecord(replication: $0, $1) }))
            return nil
        case .merge(let parts):
            return Experiment.reduce(model, settings: settings, outputs: try parts.outputs(call: calls, settings: settings, whole: false))
        }
    }

    /// An experiment every shard needs in full before it can go on (a warm-up pilot that sets the
    /// main run's warm-up): each shard runs it whole; shard 1 keeps its replications so that the
    /// merge need not run it again.
    public func runWhole(_ model: Model, settings: ExperimentSettings) throws(PartialError) -> ExperimentResult {
        defer { calls += 1 }
        switch mode {
        case .whole:
            return Experiment.run(model, settings: settings)
        case .shard(let shard):
            let outputs = Experiment.replications(model, settings: settings, range: 0..<settings.replications)
            partial?.experiments.append(ExperimentRecord(
                seed: settings.seed, replications: settings.replications, whole: true,
                outputs: shard.index == 1 ? outputs.enumerated().map { ReplicationRecord(replication: $0, $1) } : []))
            return Experiment.reduce(model, settings: settings, outputs: outputs)
        case .merge(let parts):
            return Experiment.reduce(model, settings: settings, outputs: try parts.outputs(call: calls, settings: settings, whole: true))
        }
    }

    /// Runs unit `k` of a procedure whose units are independent (the designs of an exhaustive
    /// plan) but each sequential inside: whole, in the shard that owns it (`k mod N = I-1`), with
    /// every replication it asks for (through `replications`) recorded; `nil` in other shards.
    /// In merge mode the unit runs again with its replications taken from the record, so it takes
    /// the very decisions it took in its shard, without simulating.
    public func unit<T>(_ k: Int, _ body: () throws -> T) throws -> T? {
        try timedUnit(k, body)?.value
    }

    /// `unit`, with the seconds it took: measured here, or in merge mode the seconds it took in
    /// its shard (replaying it takes no time worth reporting).
    public func timedUnit<T>(_ k: Int, _ body: () throws -> T) throws -> (value: T, seconds: Double)? {
        precondition(unitIndex == nil, "units do not nest")
        let clock = ContinuousClock(), start = clock.now
        func elapsed() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        switch mode {
        case .whole:
            let value = try body()
            return (value, elapsed())
        case .shard(let shard):
            guard shard.owns(k) else { return nil }
            unitIndex = k
            unitCalls = []
            unitInputs = []
            defer { unitIndex = nil }
            let value = try body()
            let seconds = elapsed()
            partial?.units.append(UnitRecord(unit: k, calls: unitCalls, seconds: seconds, inputs: unitInputs))
            return (value, seconds)
        case .merge(let parts):
            guard let calls = parts.units[k] else {
                throw PartialError("unit \(k + 1) (a design or a scenario) is in none of the partial results: the shards had fewer (a file added since they ran?); merge with the same command line and files")
            }
            unitIndex = k
            replay = calls
            unitInputs = parts.unitInputs[k] ?? []
            defer { unitIndex = nil; unitsRun += 1 }
            let value = try body()
            if let missed = unitInputs.first {
                throw PartialError(file: missed.file, "the shards read this file for unit \(k + 1), and this merge did not; merge with the same command line and files")
            }
            if !replay.isEmpty { throw PartialError("unit \(k + 1) of the partial results holds replications the command did not ask for; merge with the same command line") }
            return (value, parts.unitSeconds[k] ?? elapsed())
        }
    }

    /// This driver's replications as a procedure's source (see `replications`).
    public var source: Experiment.Source {
        { [self] compiled, settings, range, progress in try replications(compiled, settings: settings, range: range, progress: progress) }
    }

    /// The replications `range` of `compiled`: simulated (and, inside a shard's unit, recorded),
    /// or in merge mode the ones the unit's shard recorded for this request.
    public func replications(_ compiled: CompiledModel, settings: ExperimentSettings, range: Range<Int>,
                             progress: Experiment.Progress? = nil) throws -> [ReplicationOutput] {
        switch mode {
        case .merge:
            guard unitIndex != nil else { throw PartialError("a merge simulates only inside a unit; merge with the same command line") }
            guard let next = replay.first, next.seed == settings.seed, next.first == range.lowerBound, next.outputs.count == range.count else {
                throw PartialError("unit \(unitIndex! + 1) of the partial results does not hold the replications the command asks for; merge with the same command line")
            }
            replay.removeFirst()
            return next.outputs
        case .whole, .shard:
            let outputs = Experiment.replications(compiled, settings: settings, range: range, progress: progress)
            if unitIndex != nil, shard != nil {
                unitCalls.append(CallRecord(seed: settings.seed, first: range.lowerBound,
                                            outputs: zip(range, outputs).map { ReplicationRecord(replication: $0, $1) }))
            }
            return outputs
        }
    }

    /// Refuses, in shard or merge mode, a procedure whose next experiment depends on the last one.
    public func requireFixed(_ what: String, because reason: String) throws(PartialError) {
        switch mode {
        case .whole: return
        case .shard, .merge: throw PartialError("\(what) cannot be sharded: \(reason)")
        }
    }

    /// In merge mode: every experiment of the parts has been asked for (a command line that asks
    /// for fewer is not the one the shards ran).
    public func finish() throws(PartialError) {
        if case .merge(let parts) = mode, calls != parts.experiments.count || inputCount != parts.inputs.count || unitsRun != parts.units.count {
            throw PartialError("the partial results hold \(parts.experiments.count) experiments and \(parts.units.count) units, the command asked for \(calls) and \(unitsRun); merge with the same command line")
        }
    }
}

extension MergedParts {
    func outputs(call: Int, settings: ExperimentSettings, whole: Bool) throws(PartialError) -> [ReplicationOutput] {
        guard call < experiments.count else {
            throw PartialError("the command asks for more experiments than the partial results hold (\(experiments.count)); merge with the same command line")
        }
        let e = experiments[call]
        guard e.outputs.count == settings.replications, e.seed == settings.seed else {
            throw PartialError("experiment \(call + 1) of the partial results has \(e.outputs.count) replications from seed \(e.seed), the command asks for \(settings.replications) from seed \(settings.seed)")
        }
        return e.outputs
    }
}
