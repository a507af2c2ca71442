/// The MSER-5 truncation rule for the warm-up of a steady-state simulation (White, 1997).
///
/// The series (work in progress averaged over replications) is cut into batch means of 5
/// points; the truncation d minimises the marginal standard error of the remaining batches,
/// MSER(d) = Σ_{i ≥ d} (Yᵢ − Ȳ_d)² / (n − d)², over the first half of the batches only. A
/// minimum at the middle (the statistic still falling there) means the run never settles (a
/// transient as long as half the run, or growth without bound).
public enum MSER {
    public struct Cut: Sendable, Equatable {
        /// The first point kept (a multiple of the batch size).
        public let point: Int
        /// Whether the minimum lies before the middle of the series, as the rule requires.
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
        // Only the first half are candidates: near the end, (n − d)² in the denominator makes
        // the statistic small for any series (a few batches always look alike), which would
        // call a settled run unsettled at random (White 1997; Hoad, Robinson & Davies 2010).
        let last = n / 2
        var statistic = [Double](repeating: .infinity, count: last + 1)
        for d in stride(from: n - 1, through: 0, by: -1) {
            sum += means[d]
            squares += means[d] * means[d]
            let k = Double(n - d)
            if d <= last { statistic[d] = max(squares - sum * sum / k, 0) / (k * k) }
        }
        let best = statistic.indices.min { statistic[$0] < statistic[$1] || (statistic[$0] == statistic[$1] && $0 > $1) }!
        // A minimum at the edge of the candidates: the statistic was still falling there, so the
        // transient lasts at least half the run (or never ends, as a growing backlog).
        guard best < last else { return Cut(point: best * batch, settled: false) }
        // Past the transient the statistic is flat but for noise (a calm stretch of a slowly
        // fluctuating series makes a later, lower minimum by chance): the cut is the earliest
        // point whose statistic is within the minimum's own sampling error, a relative standard
        // deviation of √(2/k) for a variance from k batch means.
        let tolerance = statistic[best] * (1 + (2 / Double(n - best)).squareRoot())
        let cut = statistic.indices.first { $0 <= best && statistic[$0] <= tolerance }!
        return Cut(point: cut * batch, settled: true)
    }
}
