import SimModel
import SimStatistics

/// A design compared with a base on common random numbers: per metric, the paired difference of
/// the replications with its interval and p-value, corrected for multiplicity by Holm's method
/// across every metric and design compared.
///
/// The designs share streams because draws are keyed by names (demand type, item, step, purpose),
/// so replication r of each design sees the same customers with the same work wherever the
/// designs agree. The difference of each pair of replications then carries only the change's
/// effect, and its variance is far below the sum of the two designs' variances; `varianceRatio`
/// reports by how much.
public struct DesignComparison: Sendable {
    public struct Metric: Sendable {
        /// A stable name: `lead_time.p95`, `demand.orders.on_time`, `areas.credit.utilisation`,
        /// `steps.order/pick.wait.mean`.
        public let key: String
        public let base: Estimate
        public let design: Estimate
        /// Design minus base, paired by replication.
        public let difference: Estimate
        /// Two-sided paired t-test; `nil` when undefined.
        public let pValue: Double?
        /// Holm-adjusted p-value across all metrics and designs compared.
        public var adjustedP: Double?
        /// var(difference) / (var(base) + var(design)): 1 for independent runs, near 0 when the
        /// common random numbers cancel the noise. `nil` when either design does not vary.
        public let varianceRatio: Double?
        public var significant: Bool { (adjustedP ?? 1) < 0.05 }
    }

    public let designName: String
    public var metrics: [Metric]

    /// Every figure of a result under its stable name, with its column.
    public static func keys(_ result: ExperimentResult) -> [(key: String, column: Int)] {
        MetricLayout.figures(of: result.model)
    }

    /// Compares each design with the base; the results must come from the same settings (seed
    /// and replications), which is what makes the comparison paired.
    public static func compare(base: ExperimentResult, designs: [(name: String, result: ExperimentResult)]) -> [DesignComparison] {
        let baseKeys = Dictionary(keys(base).map { ($0.key, $0.column) }, uniquingKeysWith: { a, _ in a })
        var out: [DesignComparison] = []
        for (name, result) in designs {
            let common = keys(result).filter { baseKeys[$0.key] != nil }
            let rows = min(base.settings.replications, result.settings.replications)
            let k = common.count
            var diff = [Double](repeating: .nan, count: rows * k)
            var x = [Double](repeating: .nan, count: rows * k), y = x
            for r in 0..<rows {
                for (c, entry) in common.enumerated() {
                    let b = base.matrix[r * base.layout.count + baseKeys[entry.key]!]
                    let v = result.matrix[r * result.layout.count + entry.column]
                    x[r * k + c] = b
                    y[r * k + c] = v
                    diff[r * k + c] = v - b
                }
            }
            // The replications × metrics matrices go through BLAS (means and covariances).
            let d = ReplicationSummary(matrix: diff, rows: rows, columns: k)
            let sx = ReplicationSummary(matrix: x, rows: rows, columns: k)
            let sy = ReplicationSummary(matrix: y, rows: rows, columns: k)
            var metrics: [Metric] = []
            for (c, entry) in common.enumerated() {
                let column = (0..<rows).map { diff[$0 * k + c] }.filter(\.isFinite)
                let bx = (0..<rows).map { x[$0 * k + c] }.filter(\.isFinite)
                let by = (0..<rows).map { y[$0 * k + c] }.filter(\.isFinite)
                var p: Double?
                var ratio: Double?
                if column.count > 1 {
                    let mean = ReferenceStatistics.mean(column), variance = ReferenceStatistics.variance(column)
                    if variance > 0 {
                        let t = abs(mean) / (variance / Double(column.count)).squareRoot()
                        p = 2 * (1 - SpecialFunctions.studentTCDF(t, degreesOfFreedom: Double(column.count - 1)))
                    } else {
                        p = mean == 0 ? 1 : 0
                    }
                    if bx.count > 1 && by.count > 1 {
                        let sum = ReferenceStatistics.variance(bx) + ReferenceStatistics.variance(by)
                        if sum > 0 { ratio = variance / sum }
                    }
                }
                metrics.append(Metric(key: entry.key, base: sx.estimates[c], design: sy.estimates[c], difference: d.estimates[c],
                                      pValue: p, adjustedP: nil, varianceRatio: ratio))
            }
            out.append(DesignComparison(designName: name, metrics: metrics))
        }
        holm(&out)
        return out
    }

    /// Holm's step-down correction over every defined p-value: the i-th smallest of m is
    /// multiplied by (m − i), and adjusted values are made non-decreasing.
    static func holm(_ comparisons: inout [DesignComparison]) {
        var places: [(c: Int, m: Int)] = [], ps: [Double] = []
        for (c, comparison) in comparisons.enumerated() {
            for (m, metric) in comparison.metrics.enumerated() { if let p = metric.pValue { places.append((c, m)); ps.append(p) } }
        }
        for (place, adjusted) in zip(places, holm(ps)) { comparisons[place.c].metrics[place.m].adjustedP = adjusted }
    }

    /// Holm's step-down adjustment of p-values, in their given order.
    public static func holm(_ ps: [Double]) -> [Double] {
        var adjusted = [Double](repeating: 1, count: ps.count)
        var running = 0.0
        for (i, index) in ps.indices.sorted(by: { ps[$0] < ps[$1] }).enumerated() {
            running = max(running, min(1, ps[index] * Double(ps.count - i)))
            adjusted[index] = running
        }
        return adjusted
    }
}
