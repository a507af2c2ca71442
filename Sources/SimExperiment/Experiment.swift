import Foundation
import SimModel
import SimStatistics

/// How an experiment is run. `threads` never changes a figure; `exactLimit` decides only whether
/// lead-time percentiles are exact or from a histogram.
public struct ExperimentSettings: Sendable {
    public var seed: UInt64
    public var replications: Int
    /// Worker threads; results are byte-identical for any value.
    public var threads: Int
    /// Lead times kept exactly per replication before percentiles come from a histogram.
    public var exactLimit: Int
    /// Points of the work-in-progress series over the horizon.
    public var seriesPoints: Int

    public init(seed: UInt64, replications: Int, threads: Int, exactLimit: Int = 10_000_000, seriesPoints: Int = 100) {
        self.seed = seed
        self.replications = replications
        self.threads = threads
        self.exactLimit = exactLimit
        self.seriesPoints = seriesPoints
    }
}

/// The outcome of a Monte Carlo experiment: every replication's figures and their summary.
public struct ExperimentResult: Sendable {
    public let model: Model
    public let settings: ExperimentSettings
    public let layout: MetricLayout
    /// Replications × metrics, row-major, in replication order; NaN where undefined.
    public let matrix: [Double]
    public let summary: ReplicationSummary
    /// Mean work in progress over replications at each sampling time.
    public let wipSeriesTimes: [Double]
    public let wipSeriesMean: [Double]
    /// Per area over `wipSeriesTimes`, the mean over replications (`[sample * areas + area]`)
    /// of staff busy, items waiting and staff on duty (−1 where unlimited).
    public var areaBusyMean: [Double] = []
    /// The middle of each interval the area means average over.
    public var areaSeriesTimes: [Double] = []
    public var areaQueueMean: [Double] = []
    public var areaStaffMean: [Double] = []
    public let events: Int
    public let modelEvents: Int
    public let leadTimeMethod: DurationRecorder.Method
    public let stepMethod: DurationRecorder.Method
    /// The lead-time distribution: each replication's shares per bin form a replications-by-bins
    /// matrix whose means and intervals come from BLAS, for the histogram and its ECDF.
    public internal(set) var leadTimeDistribution: Distribution?
    /// Per demand type, when there are several (empty otherwise; `nil` where undefined).
    public var leadTimeDistributionByDemand: [Distribution?] = []

    public struct Distribution: Sendable {
        /// Bin edges in seconds: bin b spans [edges[b], edges[b + 1]).
        public let edges: [Double]
        public let shares: [Estimate]
        /// P(lead time < edges[b + 1]), with pointwise intervals.
        public let ecdf: [Estimate]
    }

    public func estimate(_ name: String, _ scope: MetricScope = .system) -> Estimate? {
        layout.index(name, scope).map { summary.estimates[$0] }
    }

    /// One replication's value of a figure.
    public func value(_ name: String, _ scope: MetricScope = .system, replication: Int) -> Double? {
        layout.index(name, scope).map { matrix[replication * layout.count + $0] }
    }
}

/// Runs replications of a model in parallel and reduces them in replication order.
public enum Experiment {
    /// Told after each replication finishes, from the worker that ran it: for progress displays
    /// only (it never influences a result).
    public typealias Progress = @Sendable (_ finished: Int) -> Void

    public static func run(_ model: Model, settings: ExperimentSettings, progress: Progress? = nil) -> ExperimentResult {
        reduce(model, settings: settings, outputs: replications(model, settings: settings, range: 0..<settings.replications, progress: progress))
    }

    /// Runs replications in batches until the 95% interval of every target figure is within
    /// `relative` of its estimate (half-width / |estimate|), or `maxReplications` is reached.
    ///
    /// The decision after each batch looks only at the replications of completed batches, in
    /// replication order, so where it stops does not depend on the thread count or on timing.
    public static func runToPrecision(
        _ model: Model, settings: ExperimentSettings, targets: [Int], relative: Double, batch: Int, maxReplications: Int,
        progress: Progress? = nil
    ) -> (result: ExperimentResult, reached: Bool) {
        let plan = SequentialPlan(first: min(settings.replications, maxReplications), batch: batch, cap: maxReplications)
        // Only the target columns are summarised at a look; the whole reduction runs once, at the end.
        let (reached, outputs) = sequential(model, settings: settings, plan: plan, progress: progress) { look -> Bool? in
            let rows = look.outputs.count
            var matrix: [Double] = []
            matrix.reserveCapacity(rows * targets.count)
            for output in look.outputs { for c in targets { matrix.append(output.metrics[c]) } }
            let summary = ReplicationSummary(matrix: matrix, rows: rows, columns: targets.count)
            let reached = summary.estimates.allSatisfy { e in
                guard let x = e.estimate, let ci = e.ci95 else { return false }
                return (ci.high - ci.low) / 2 <= relative * abs(x)
            }
            return reached || look.atCap ? reached : nil
        }
        var final = settings
        final.replications = outputs.count
        return (reduce(model, settings: final, outputs: outputs), reached)
    }

    public static func replications(_ model: Model, settings: ExperimentSettings, range: Range<Int>, progress: Progress? = nil) -> [ReplicationOutput] {
        replications(CompiledModel(model), settings: settings, range: range, progress: progress)
    }

    /// The same, of a model compiled once: every worker shares it, and keeps one replication
    /// state that it resets for each replication it runs.
    public static func replications(_ compiled: CompiledModel, settings: ExperimentSettings, range: Range<Int>, progress: Progress? = nil) -> [ReplicationOutput] {
        replications(compiled, settings: settings, indices: Array(range), progress: progress)
    }

    /// Runs the replications numbered `indices` (from 0), in that order in the result, whatever
    /// the number of threads: a shard runs its share this way.
    public static func replications(_ compiled: CompiledModel, settings: ExperimentSettings, indices: [Int], progress: Progress? = nil) -> [ReplicationOutput] {
        let count = indices.count
        guard count > 0 else { return [] }
        LinearAlgebra.useSingleThread()
        let slots = UnsafeMutableBufferPointer<ReplicationOutput?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            _ = slots.deinitialize()
            slots.deallocate()
        }
        let shared = SendableBuffer(slots)
        let workers = max(1, min(settings.threads, count))
        // Results land in slot i, so the reduction sees them in replication order.
        let work: @Sendable (Int) -> Void = { worker in
            var replication = Replication(compiled)
            for i in stride(from: worker, to: count, by: workers) {
                let options = ReplicationOptions(seed: settings.seed, replication: indices[i], exactLimit: settings.exactLimit, seriesPoints: settings.seriesPoints)
                shared.buffer[i] = replication.run(options)
                progress?(indices[i])
            }
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        return slots.map { $0! }
    }

    /// The replications' figures as a matrix, summarised through BLAS, in replication order.
    public static func reduce(_ model: Model, settings: ExperimentSettings, outputs: [ReplicationOutput]) -> ExperimentResult {
        let layout = MetricLayout(model: model)
        let count = outputs.count
        var matrix: [Double] = []
        matrix.reserveCapacity(count * layout.count)
        for output in outputs { matrix.append(contentsOf: output.metrics) }
        let summary = ReplicationSummary(matrix: matrix, rows: count, columns: layout.count, bounds: layout.ranges)

        let points = outputs.map(\.wipSeries.count).min() ?? 0
        let times = Array(outputs.first?.seriesTimes.prefix(points) ?? [])
        var wipMean = [Double](repeating: 0, count: points)
        for output in outputs {
            for i in 0..<points { wipMean[i] += output.wipSeries[i] / Double(count) }
        }
        let method: DurationRecorder.Method = outputs.contains { $0.leadTimeMethod == .histogram } ? .histogram : .exact
        let areaPoints = outputs.map(\.areaSeriesTimes.count).min() ?? 0
        let cells = areaPoints * model.areas.count
        func mean(_ series: KeyPath<ReplicationOutput, [Double]>) -> [Double] {
            var out = [Double](repeating: 0, count: cells)
            for output in outputs where output[keyPath: series].count >= cells {
                for i in 0..<cells { out[i] += output[keyPath: series][i] / Double(count) }
            }
            return out
        }
        var result = ExperimentResult(
            model: model, settings: settings, layout: layout, matrix: matrix, summary: summary,
            wipSeriesTimes: times, wipSeriesMean: wipMean,
            events: outputs.reduce(0) { $0 + $1.events }, modelEvents: outputs.reduce(0) { $0 + $1.modelEvents },
            leadTimeMethod: method,
            stepMethod: outputs.contains { $0.stepMethod == .histogram } ? .histogram : .exact,
            leadTimeDistribution: distribution(outputs))
        if let first = outputs.first, !first.leadTimeBinsByDemand.isEmpty {
            result.leadTimeDistributionByDemand = first.leadTimeBinsByDemand.indices.map { d in
                distribution(outputs.map { d < $0.leadTimeBinsByDemand.count ? $0.leadTimeBinsByDemand[d] : [] })
            }
        }
        result.areaSeriesTimes = Array(outputs.first?.areaSeriesTimes.prefix(areaPoints) ?? [])
        result.areaBusyMean = mean(\.areaBusySeries)
        result.areaQueueMean = mean(\.areaQueueSeries)
        result.areaStaffMean = mean(\.areaStaffSeries)
        return result
    }

    /// Histogram and ECDF of the lead times with pointwise 95% bands, from the replications'
    /// bin shares; `nil` when a replication has none (histogram mode, or nothing delivered).
    static func distribution(_ outputs: [ReplicationOutput]) -> ExperimentResult.Distribution? {
        distribution(outputs.map(\.leadTimeBins))
    }

    /// From each replication's bin shares (one array per replication).
    static func distribution(_ bins: [[Double]]) -> ExperimentResult.Distribution? {
        guard !bins.isEmpty, bins.allSatisfy({ !$0.isEmpty && $0.contains { $0 > 0 } }) else { return nil }
        // Bins up to the last one any replication uses.
        let used = bins.map { o in (o.lastIndex { $0 > 0 } ?? 0) + 1 }.max()!
        let rows = bins.count
        var shares = [Double](), ecdf = [Double]()
        shares.reserveCapacity(rows * used)
        ecdf.reserveCapacity(rows * used)
        for o in bins {
            var total = 0.0
            for b in 0..<used {
                let x = b < o.count ? o[b] : 0
                shares.append(x)
                total += x
                ecdf.append(min(total, 1))
            }
        }
        let unit = [ClosedRange<Double>](repeating: 0...1, count: used)
        let s = ReplicationSummary(matrix: shares, rows: rows, columns: used, bounds: unit)
        let e = ReplicationSummary(matrix: ecdf, rows: rows, columns: used, bounds: unit)
        return .init(edges: (0...used).map { DurationRecorder.binEdge($0) }, shares: s.estimates, ecdf: e.estimates)
    }
}

/// Distinct replications write distinct slots, so sharing the buffer across workers is safe.
private struct SendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<ReplicationOutput?>
    init(_ buffer: UnsafeMutableBufferPointer<ReplicationOutput?>) { self.buffer = buffer }
}

extension Experiment {
    /// One replication again, with every service recorded for an event log. Replication r
    /// (from 0) draws the same numbers as in any experiment with this seed, so the log shows
    /// exactly the customers that replication's figures come from.
    public static func trace(_ model: Model, seed: UInt64, replication: Int, exactLimit: Int = ReplicationOptions.defaultExactLimit) -> [ServiceRecord] {
        var options = ReplicationOptions(seed: seed, replication: replication, exactLimit: exactLimit)
        options.trace = true
        var engine = Replication(CompiledModel(model))
        return engine.run(options).trace
    }
}

extension ExperimentResult {
    /// The same result with another lead-time distribution: one demand type's, for a chart.
    public func replacingDistribution(_ distribution: Distribution) -> ExperimentResult {
        var copy = self
        copy.leadTimeDistribution = distribution
        return copy
    }
}

extension Experiment {
    /// What the outputs of one experiment may keep in memory. Every replication's output (its
    /// figures, series and lead-time bins) is kept until the reduction, which needs them in
    /// replication order for byte-identical results and per-replication intervals; so the
    /// replications asked for are bounded instead, with a clear refusal.
    public static let memoryBudget = 1 << 30

    /// The bytes one replication's output keeps until the reduction, measured on replication 0
    /// of the model: outputs of one model have the same shape, whatever the replication.
    public static func retainedBytes(_ model: Model, settings: ExperimentSettings) -> Int {
        let options = ReplicationOptions(seed: settings.seed, replication: 0, exactLimit: settings.exactLimit, seriesPoints: settings.seriesPoints)
        var engine = Replication(CompiledModel(model))
        return engine.run(options).retainedBytes
    }

    /// The most replications of a model whose outputs fit `memoryBudget`; `replications` itself
    /// when a few thousand are asked for (their outputs are small beside a replication's work).
    public static func replicationCap(_ model: Model, settings: ExperimentSettings, replications: Int) -> Int {
        guard replications > 10_000 else { return replications }
        return memoryBudget / max(1, retainedBytes(model, settings: settings))
    }
}

extension ReplicationOutput {
    /// The heap memory the output holds, in bytes: its arrays' elements and headers, and its
    /// row of the replications-by-figures matrix the reduction builds beside the outputs.
    var retainedBytes: Int {
        let header = 32
        let arrays = [metrics, metrics, wipSeries, seriesTimes, areaBusySeries, areaQueueSeries, areaStaffSeries, areaSeriesTimes, leadTimeBins]
        let doubles = arrays.reduce(0) { $0 + $1.count } + leadTimeBinsByDemand.reduce(0) { $0 + $1.count }
        return 256 + doubles * MemoryLayout<Double>.size + (arrays.count + leadTimeBinsByDemand.count) * header
            + trace.count * MemoryLayout<ServiceRecord>.stride
    }
}
