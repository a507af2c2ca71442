import Foundation
import SimKernel
import SimModel
import SimStatistics

/// What one shard of a command wrote: the command line it ran, what it read, and every
/// replication it ran, exactly, so that `procsim merge` can reduce all shards' replications in
/// replication order and render what one process would have, byte for byte.
///
/// Replications rather than summaries travel because the summary is not associative in floating
/// point: a mean of shard means differs in the last bits from the mean of all values. A
/// replication's figures are a few hundred numbers, so keeping them costs little; they are stored
/// as their IEEE bit patterns (base64), which round-trip exactly, NaN included.
public struct PartialResult: Codable, Sendable {
    public static let schema = "procsim.partial/1"

    public var schema = PartialResult.schema
    /// The version line of the procsim that ran the shard: merging across builds is refused, since
    /// the figures of another build need not be the same.
    public var procsim: String
    /// The subcommand and its arguments, without `--shard` and `--partial`: the merge runs this.
    public var command: String
    public var arguments: [String]
    /// Every file read outside the units (scenarios, the files they extend, order books), in
    /// reading order, with the hash of its bytes.
    public var inputs: [InputRecord] = []
    public var streamKeying = StreamKeying.version
    public var shard: ShardRecord
    /// Every experiment the command ran, in the order it ran them.
    public var experiments: [ExperimentRecord] = []
    /// Whole units of a sequential procedure this shard ran (designs of `plan --exhaustive`):
    /// every replication each simulated, so that the merge can take the same decisions again.
    public var units: [UnitRecord] = []

    public struct ShardRecord: Codable, Sendable, Equatable {
        public var index: Int
        public var count: Int
    }

    public init(procsim: String, command: String, arguments: [String], shard: Shard) {
        self.procsim = procsim
        self.command = command
        self.arguments = arguments
        self.shard = .init(index: shard.index, count: shard.count)
    }

    enum CodingKeys: String, CodingKey {
        case schema, procsim, command, arguments, inputs, shard, experiments, units
        case streamKeying = "stream_keying"
    }

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Every field is a string, an integer or an array of them: encoding cannot fail.
        return try! encoder.encode(self)
    }

    public static func decode(_ bytes: [UInt8], file: String) throws(PartialError) -> PartialResult {
        // The schema first, so that another kind of file gets a plain answer, not a decoding trace.
        struct Head: Decodable { var schema: String? }
        let data = Data(bytes)
        guard let head = try? JSONDecoder().decode(Head.self, from: data) else {
            throw PartialError(file: file, "not a procsim partial result: not a JSON object (a truncated or damaged file, or another kind of file)")
        }
        guard head.schema == schema else {
            throw PartialError(file: file, "not a procsim partial result: expected \"schema\": \"\(schema)\", found \(head.schema.map { "\"\($0)\"" } ?? "none")")
        }
        do {
            return try JSONDecoder().decode(PartialResult.self, from: data)
        } catch {
            throw PartialError(file: file, "a damaged partial result: \(PartialError.describe(error))")
        }
    }
}

/// A file a command read, and the hash of its bytes: a merge must read the very same files.
public struct InputRecord: Codable, Sendable, Equatable {
    public var file: String
    public var hash: String
}

/// One experiment a shard ran: how many replications it has in all, and the ones this shard ran.
public struct ExperimentRecord: Codable, Sendable {
    public var seed: UInt64
    public var replications: Int
    /// Run whole by every shard (a warm-up pilot that decides the rest): kept by shard 1 only.
    public var whole: Bool
    public var outputs: [ReplicationRecord]
}

/// One unit of work that runs whole in one shard, and the replications it simulated, in the
/// order it asked for them.
public struct UnitRecord: Codable, Sendable {
    public var unit: Int
    public var calls: [CallRecord]
    /// How long the unit took in its shard (a check's JUnit report shows it).
    public var seconds: Double?
    /// The files the unit read (a check's scenario, what it extends, its baseline).
    public var inputs: [InputRecord] = []
}

/// One request for replications inside a unit: `range` of the experiment with `seed`.
public struct CallRecord: Codable, Sendable {
    public var seed: UInt64
    public var first: Int
    public var outputs: [ReplicationRecord]
}

/// One replication's figures and series, exactly.
public struct ReplicationRecord: Codable, Sendable {
    public var replication: Int
    var metrics: Doubles
    var wipSeries: Doubles
    var seriesTimes: Doubles
    var areaBusySeries: Doubles
    var areaQueueSeries: Doubles
    var areaStaffSeries: Doubles
    var areaSeriesTimes: Doubles
    var events: Int
    var modelEvents: Int
    var leadTimeMethod: String
    var leadTimeBins: Doubles
    var leadTimeBinsByDemand: [Doubles]
    var stepMethod: String

    enum CodingKeys: String, CodingKey {
        case replication, metrics, events
        case wipSeries = "wip_series", seriesTimes = "series_times"
        case areaBusySeries = "area_busy_series", areaQueueSeries = "area_queue_series"
        case areaStaffSeries = "area_staff_series", areaSeriesTimes = "area_series_times"
        case modelEvents = "model_events", leadTimeMethod = "lead_time_method"
        case leadTimeBins = "lead_time_bins", leadTimeBinsByDemand = "lead_time_bins_by_demand"
        case stepMethod = "step_method"
    }

    public init(replication: Int, _ o: ReplicationOutput) {
        self.replication = replication
        metrics = .init(o.metrics)
        wipSeries = .init(o.wipSeries)
        seriesTimes = .init(o.seriesTimes)
        areaBusySeries = .init(o.areaBusySeries)
        areaQueueSeries = .init(o.areaQueueSeries)
        areaStaffSeries = .init(o.areaStaffSeries)
        areaSeriesTimes = .init(o.areaSeriesTimes)
        events = o.events
        modelEvents = o.modelEvents
        leadTimeMethod = o.leadTimeMethod.rawValue
        leadTimeBins = .init(o.leadTimeBins)
        leadTimeBinsByDemand = o.leadTimeBinsByDemand.map(Doubles.init)
        stepMethod = o.stepMethod.rawValue
    }

    /// The replication's output as the engine gave it; `nil` when a method name is unknown.
    var output: ReplicationOutput? {
        guard let lead = DurationRecorder.Method(rawValue: leadTimeMethod), let step = DurationRecorder.Method(rawValue: stepMethod) else { return nil }
        var o = ReplicationOutput(metrics: metrics.values, wipSeries: wipSeries.values, seriesTimes: seriesTimes.values, events: events,
                                  modelEvents: modelEvents, leadTimeMethod: lead, leadTimeBins: leadTimeBins.values, stepMethod: step)
        o.areaBusySeries = areaBusySeries.values
        o.areaQueueSeries = areaQueueSeries.values
        o.areaStaffSeries = areaStaffSeries.values
        o.areaSeriesTimes = areaSeriesTimes.values
        o.leadTimeBinsByDemand = leadTimeBinsByDemand.map(\.values)
        return o
    }
}

/// Doubles as the base64 of their little-endian IEEE bit patterns: exact, and a third of the size
/// of their shortest decimal forms.
struct Doubles: Codable, Sendable {
    var values: [Double]

    init(_ values: [Double]) { self.values = values }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let data = Data(base64Encoded: text), data.count % 8 == 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected the base64 of 8-byte numbers"))
        }
        values = data.withUnsafeBytes { raw in
            (0..<data.count / 8).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        var container = encoder.singleValueContainer()
        try container.encode(Data(bytes).base64EncodedString())
    }
}

/// Partial results that cannot be merged: not a partial, damaged, or not from the same command.
/// Exit 65, as for any invalid input document (66 is kept for a file that cannot be read).
public struct PartialError: Error, Sendable, CustomStringConvertible {
    public var file: String?
    public var message: String

    public init(file: String? = nil, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { (file.map { "\($0): " } ?? "") + "error: " + message }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "" : " at \(p.hasPrefix(".") ? String(p.dropFirst()) : p)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context.debugDescription + path(context)
        @unknown default: return "\(error)"
        }
    }
}

/// The shards' partial results, checked to belong together and to be complete, with each
/// experiment's replications back in replication order.
public struct MergedParts: Sendable {
    public let command: String
    public let arguments: [String]
    public let inputs: [InputRecord]
    /// The parts' own files: the merge must not write over them.
    public let files: [String]
    public let shardCount: Int
    /// Per experiment, in call order: every replication's output, in replication order.
    let experiments: [(seed: UInt64, outputs: [ReplicationOutput])]
    /// Per unit: its requests for replications, in order.
    let units: [Int: [(seed: UInt64, first: Int, outputs: [ReplicationOutput])]]
    /// Per unit: how long it took in its shard, and the files it read.
    let unitSeconds: [Int: Double]
    let unitInputs: [Int: [InputRecord]]

    public init(_ parts: [(file: String, part: PartialResult)]) throws(PartialError) {
        guard let (firstFile, first) = parts.first else { throw PartialError("no partial results given") }
        let count = first.shard.count
        // Everything that makes two shards parts of one experiment.
        for (file, part) in parts.dropFirst() {
            func differs(_ what: String, _ a: String, _ b: String) -> PartialError {
                PartialError(file: file, "not a shard of the same experiment as \(firstFile): its \(what) is \(b), there \(a)")
            }
            if part.procsim != first.procsim { throw differs("procsim", first.procsim, part.procsim) }
            if part.command != first.command || part.arguments != first.arguments {
                throw PartialError(file: file, "not a shard of the same experiment as \(firstFile): its command is \(Self.line(part)), there \(Self.line(first)) (the shards of one experiment run one command line, options in the same order; only --shard, --partial, --threads, --quiet and --no-color may differ)")
            }
            if part.inputs != first.inputs {
                let shown = { (inputs: [InputRecord]) in inputs.map { "\($0.file) \($0.hash)" }.joined(separator: ", ") }
                throw differs("input files", shown(first.inputs), shown(part.inputs))
            }
            if part.streamKeying != first.streamKeying { throw differs("stream keying", "\(first.streamKeying)", "\(part.streamKeying)") }
            if part.shard.count != count { throw differs("shard count", "\(count)", "\(part.shard.count)") }
            if part.experiments.count != first.experiments.count {
                throw differs("number of experiments", "\(first.experiments.count)", "\(part.experiments.count)")
            }
        }
        var byIndex: [Int: (file: String, part: PartialResult)] = [:]
        var seenFiles = Set<String>()
        for (file, part) in parts {
            if !seenFiles.insert((file as NSString).standardizingPath).inserted {
                throw PartialError(file: file, "the same file is given twice; give each shard's part once")
            }
            guard let shard = Shard(index: part.shard.index, count: part.shard.count) else {
                throw PartialError(file: file, "a damaged partial result: shard \(part.shard.index)/\(part.shard.count)")
            }
            if let earlier = byIndex[shard.index] {
                throw PartialError(file: file, "shard \(shard) is given twice: here and in \(earlier.file); give each shard once")
            }
            byIndex[shard.index] = (file, part)
        }
        let missing = (1...count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let list = missing.prefix(10).map { "\($0)/\(count)" }.joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
            throw PartialError("\(missing.count) of \(count) shards missing: \(list); merge needs every shard's partial result (a shard that failed must be run again)")
        }
        var experiments: [(seed: UInt64, outputs: [ReplicationOutput])] = []
        for k in first.experiments.indices {
            let head = first.experiments[k]
            var slots = [ReplicationOutput?](repeating: nil, count: head.replications)
            for index in 1...count {
                let (file, part) = byIndex[index]!
                let record = part.experiments[k]
                guard record.replications == head.replications, record.seed == head.seed, record.whole == head.whole else {
                    throw PartialError(file: file, "not a shard of the same experiment as \(firstFile): experiment \(k + 1) differs")
                }
                let shard = Shard(index: index, count: count)!
                let expected = head.whole ? (index == 1 ? Array(0..<head.replications) : []) : shard.units(of: 0..<head.replications)
                guard record.outputs.map(\.replication) == expected else {
                    throw PartialError(file: file, "a damaged partial result: experiment \(k + 1) does not hold the replications of shard \(shard)")
                }
                for r in record.outputs {
                    guard let output = r.output else {
                        throw PartialError(file: file, "a damaged partial result: replication \(r.replication + 1) names an unknown percentile method")
                    }
                    slots[r.replication] = output
                }
            }
            experiments.append((head.seed, slots.map { $0! }))
        }
        var units: [Int: [(seed: UInt64, first: Int, outputs: [ReplicationOutput])]] = [:]
        var seconds: [Int: Double] = [:]
        var unitInputs: [Int: [InputRecord]] = [:]
        for index in 1...count {
            let (file, part) = byIndex[index]!
            let shard = Shard(index: index, count: count)!
            for u in part.units {
                guard shard.owns(u.unit), units[u.unit] == nil else {
                    throw PartialError(file: file, "a damaged partial result: unit \(u.unit + 1) does not belong to shard \(shard)")
                }
                var calls: [(seed: UInt64, first: Int, outputs: [ReplicationOutput])] = []
                for call in u.calls {
                    var outputs: [ReplicationOutput] = []
                    for r in call.outputs {
                        guard let o = r.output else { throw PartialError(file: file, "a damaged partial result: replication \(r.replication + 1) names an unknown percentile method") }
                        outputs.append(o)
                    }
                    guard call.outputs.map(\.replication) == Array(call.first..<call.first + outputs.count) else {
                        throw PartialError(file: file, "a damaged partial result: unit \(u.unit + 1) holds replications out of order")
                    }
                    calls.append((call.seed, call.first, outputs))
                }
                units[u.unit] = calls
                seconds[u.unit] = u.seconds
                unitInputs[u.unit] = u.inputs
            }
        }
        files = parts.map(\.file)
        self.units = units
        unitSeconds = seconds
        self.unitInputs = unitInputs
        command = first.command
        arguments = first.arguments
        inputs = first.inputs
        shardCount = count
        self.experiments = experiments
    }

    static func line(_ part: PartialResult) -> String {
        "'procsim \(([part.command] + part.arguments).joined(separator: " "))'"
    }
}
