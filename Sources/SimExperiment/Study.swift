import SimExpressions
import SimModel
import SimStatistics

/// A designed experiment over factors, and the least-squares metamodel that says which factor
/// moves each figure most.
public enum Study {
    /// A factor varied between two values; `levels` points for a full grid.
    public struct Factor: Sendable {
        public var path: String
        public var low: Double
        public var high: Double
        public var integer: Bool

        public init(path: String, low: Double, high: Double, integer: Bool) {
            self.path = path
            self.low = low
            self.high = high
            self.integer = integer
        }

        /// The value at coded level c ∈ [−1, 1].
        public func value(coded c: Double) -> Double {
            let x = low + (c + 1) / 2 * (high - low)
            return integer ? x.rounded() : x
        }

        public func coded(_ x: Double) -> Double { high == low ? 0 : 2 * (x - low) / (high - low) - 1 }
    }

    /// The design points, in coded units: a full grid of `levels` per factor (integers take
    /// every value when there are few), or a Latin hypercube of `points` rows drawn from `seed`.
    public static func design(_ factors: [Factor], full: Bool, levels: Int, points: Int, seed: UInt64) -> [[Double]] {
        if full {
            let perFactor: [[Double]] = factors.map { f in
                if f.integer && Int(f.high - f.low) + 1 <= 6 {
                    return stride(from: f.low, through: f.high, by: 1).map { f.coded($0) }
                }
                return (0..<levels).map { levels == 1 ? 0 : -1 + 2 * Double($0) / Double(levels - 1) }
            }
            var rows: [[Double]] = [[]]
            for values in perFactor { rows = rows.flatMap { row in values.map { row + [$0] } } }
            return rows
        }
        // Latin hypercube: each factor's range cut into `points` strata, one point per stratum,
        // strata paired at random (a keyed stream: the same design for the same seed).
        var state = seed ^ 0x9e37_79b9_7f4a_7c15
        func next() -> Double {
            state = state &+ 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        var columns: [[Double]] = []
        for _ in factors {
            var strata = (0..<points).map { (Double($0) + next()) / Double(points) * 2 - 1 }
            for i in stride(from: points - 1, to: 0, by: -1) { strata.swapAt(i, Int(next() * Double(i + 1))) }
            columns.append(strata)
        }
        return (0..<points).map { r in columns.map { $0[r] } }
    }

    /// The metamodel y = b₀ + Σ bᵢ·xᵢ in coded units, fitted by least squares (normal equations
    /// solved with LAPACK). `effects[i]` = 2·bᵢ: the change across factor i's whole range, with
    /// a 95% interval from the residual variance when there are more points than coefficients.
    public struct Fit: Sendable {
        public let intercept: Double
        public let effects: [Estimate]
        public let residualDegrees: Int
    }

    public static func fit(_ x: [[Double]], _ y: [Double]) -> Fit? {
        let rows = zip(x, y).filter { $0.1.isFinite }
        let n = rows.count, p = (x.first?.count ?? 0) + 1
        guard n >= p else { return nil }
        var xtx = [Double](repeating: 0, count: p * p), xty = [Double](repeating: 0, count: p)
        for (xi, yi) in rows {
            let v = [1] + xi
            for a in 0..<p {
                xty[a] += v[a] * yi
                for b in 0..<p { xtx[a * p + b] += v[a] * v[b] }
            }
        }
        guard let beta = LinearAlgebra.solve(xtx, xty, n: p) else { return nil }
        let sse = rows.reduce(0.0) { total, row in
            let v = [1] + row.0
            let predicted = zip(v, beta).reduce(0) { $0 + $1.0 * $1.1 }
            return total + (row.1 - predicted) * (row.1 - predicted)
        }
        let degrees = n - p
        var effects: [Estimate] = []
        for i in 1..<p {
            var interval: (low: Double, high: Double)?
            if degrees > 0 {
                // Var(bᵢ) = σ² · [(XᵀX)⁻¹]ᵢᵢ; the column of the inverse from one more solve.
                var unit = [Double](repeating: 0, count: p)
                unit[i] = 1
                if let column = LinearAlgebra.solve(xtx, unit, n: p) {
                    let sigma2 = sse / Double(degrees)
                    let se = (sigma2 * column[i]).squareRoot() * 2
                    let t = SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: Double(degrees))
                    interval = (2 * beta[i] - t * se, 2 * beta[i] + t * se)
                }
            }
            effects.append(Estimate(estimate: 2 * beta[i], ci95: interval, n: n))
        }
        return Fit(intercept: beta[0], effects: effects, residualDegrees: degrees)
    }
}

/// What a study found: each design point's factor values and the mean of each figure there, and
/// each figure's metamodel.
public struct StudyResult: Sendable {
    public var factors: [Study.Factor]
    /// The design's points in coded units ([-1, 1] per factor), as `Study.design` gave them.
    public var design: [[Double]]
    /// Per point, each factor's value.
    public var values: [[Double]]
    /// Per point, each figure's mean over the replications (NaN where no replication defines it).
    public var figures: [[Double]]
    /// Per figure, the linear metamodel (`nil`: too few points to fit).
    public var fits: [Study.Fit?]
    public var settings: ExperimentSettings
}

extension Study {
    /// Runs every point of `design` on common random numbers (the same seed and replication
    /// indices at every point, so that the differences between points are the factors', not the
    /// streams'), takes each figure's mean over the replications, and fits each figure's
    /// metamodel. `model` builds a point's model from its factor values. `nil` in shard mode:
    /// the shard's replications are in `driver.partial`, and the merge has the result.
    public static func run(_ factors: [Factor], design: [[Double]], figures: [MetricExpression], settings: ExperimentSettings,
                           driver: ExperimentDriver, model: (_ values: [Double]) throws -> Model) throws -> StudyResult? {
        var values: [[Double]] = [], means: [[Double]] = []
        for row in design {
            let point = zip(factors, row).map { f, c in f.value(coded: c) }
            guard let result = try driver.run(try model(point), settings: settings) else { continue }
            // A derived figure is computed per replication, then averaged.
            let n = result.settings.replications
            means.append(figures.map { e in
                let per = e.values(matrix: result.matrix, rows: n, layout: result.layout).filter(\.isFinite)
                return per.isEmpty ? .nan : per.reduce(0, +) / Double(per.count)
            })
            values.append(point)
        }
        guard driver.shard == nil else { return nil }
        try driver.finish()
        let coded = values.map { zip(factors, $0).map { f, x in f.coded(x) } }
        let fits = figures.indices.map { t in fit(coded, means.map { $0[t] }) }
        return StudyResult(factors: factors, design: design, values: values, figures: means, fits: fits, settings: settings)
    }
}
