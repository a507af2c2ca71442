/// A figure estimated from independent replications, with its 95% Student-t interval.
public struct Estimate: Sendable, Equatable {
    /// The mean over the replications in which the figure is defined; `nil` when it is defined in none.
    public var estimate: Double?
    /// The 95% confidence interval; `nil` with fewer than two defined values.
    public var ci95: (low: Double, high: Double)?
    /// The number of replications in which the figure is defined.
    public var n: Int

    public init(estimate: Double?, ci95: (low: Double, high: Double)?, n: Int) {
        self.estimate = estimate
        self.ci95 = ci95
        self.n = n
    }

    public static func == (a: Estimate, b: Estimate) -> Bool {
        a.estimate == b.estimate && a.n == b.n && a.ci95?.low == b.ci95?.low && a.ci95?.high == b.ci95?.high
    }
}

/// Summaries of a replications-by-metrics matrix: means, covariances and intervals.
public struct ReplicationSummary: Sendable {
    public let rows: Int
    public let columns: Int
    public let estimates: [Estimate]
    /// The sample covariance matrix of the metrics, row-major `columns × columns`, kept for
    /// comparisons and derived metrics; NaN in the rows and columns of metrics with undefined
    /// values. Empty with fewer than two replications.
    public let covariance: [Double]

    /// Summarises `matrix` (row-major, one row per replication, NaN where a metric is undefined).
    /// Fully defined columns go through BLAS in one pass; columns with gaps are summarised over
    /// their defined values by the reference code. An interval that reaches outside the values a
    /// metric can take (`bounds`, per column: a share lies in [0, 1], a time is never negative)
    /// is cut at the bound.
    public init(matrix: [Double], rows: Int, columns: Int, bounds: [ClosedRange<Double>]? = nil, confidence: Double = 0.95) {
        self.rows = rows
        self.columns = columns
        guard rows > 0 else {
            estimates = Array(repeating: Estimate(estimate: nil, ci95: nil, n: 0), count: columns)
            covariance = []
            return
        }
        let means = LinearAlgebra.columnMeans(matrix, rows: rows, columns: columns)
        let cov = rows > 1 ? LinearAlgebra.covariance(matrix, rows: rows, columns: columns, means: means) : []
        var estimates: [Estimate] = []
        estimates.reserveCapacity(columns)
        var quantiles: [Int: Double] = [:]  // t quantile by n: one bisection per distinct n, not per column
        func interval(mean: Double, variance: Double?, n: Int) -> Estimate {
            guard let variance, n > 1 else { return Estimate(estimate: mean, ci95: nil, n: n) }
            let t = quantiles[n] ?? SpecialFunctions.studentTQuantile(0.5 + confidence / 2, degreesOfFreedom: Double(n - 1))
            quantiles[n] = t
            let half = t * (max(variance, 0) / Double(n)).squareRoot()
            return Estimate(estimate: mean, ci95: (mean - half, mean + half), n: n)
        }
        for c in 0..<columns {
            if means[c].isFinite {
                estimates.append(interval(mean: means[c], variance: rows > 1 ? cov[c * columns + c] : nil, n: rows))
            } else {
                let defined = (0..<rows).map { matrix[$0 * columns + c] }.filter { $0.isFinite }
                if defined.isEmpty {
                    estimates.append(Estimate(estimate: nil, ci95: nil, n: 0))
                } else {
                    let m = ReferenceStatistics.mean(defined)
                    let v = defined.count > 1 ? ReferenceStatistics.variance(defined) : nil
                    estimates.append(interval(mean: m, variance: v, n: defined.count))
                }
            }
        }
        if let bounds {
            for c in 0..<columns {
                guard let ci = estimates[c].ci95 else { continue }
                estimates[c].ci95 = (Swift.max(ci.low, bounds[c].lowerBound), Swift.min(ci.high, bounds[c].upperBound))
            }
        }
        self.estimates = estimates
        self.covariance = cov
    }
}
