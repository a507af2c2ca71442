/// The MSER-5 truncation rule for the warm-up of a steady-state simulation (White, 1997).
///
/// The series (work in progress averaged over replications) is cut into batch means of 5
/// points; the truncation d minimises the marginal standard error of the remaining batches,
/// MSER(d) = Σ_{i ≥ d} (Yᵢ − Ȳ_d)² / (n − d)². A minimum in the second half of the series
/// means the run never settles (a transient as long as the run, or growth without bound).
public enum MSER {
    public struct Cut: Sendable, Equatable {
        /// The first point kept (a multiple of the batch size).
        public let point: Int
        /// Whether the minimum lies in the first half, as the rule requires.
        public let settled: Bool

        public init(point: Int, settled: Bool) {
            self.point = point
            self.settled = settled
        }
    }

    public static func truncation(_ series: [Double], batch: Int = 5) -> Cut? {
        let n = series.count / batch
        guard n >= 4 else { return nil }
        let means = (0..<n).map { b in series[(b * batch)..<((b + 1) * batch)].reduce(0, +) / Double(batch) }
        // Suffix sums give each candidate's mean and sum of squares in one pass.
        var sum = 0.0, squares = 0.0
        var best = (d: n - 1, value: Double.infinity)
        for d in stride(from: n - 1, through: 0, by: -1) {
            sum += means[d]
            squares += means[d] * means[d]
            let k = Double(n - d)
            let sse = max(squares - sum * sum / k, 0)
            let value = sse / (k * k)
            if d < n - 1 && value <= best.value { best = (d, value) }
        }
        return Cut(point: best.d * batch, settled: best.d < n / 2)
    }
}
