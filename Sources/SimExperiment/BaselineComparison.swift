import SimModel
import SimStatistics

/// A run judged against a recorded baseline, figure by figure: is any figure worse than the
/// baseline by more than its tolerance, beyond what noise explains?
///
/// Paired (the default) when the run used the baseline's seed: replication r of both saw the
/// same customers with the same work wherever the scenario did not change, so an unchanged
/// scenario differs by exactly zero and a change shows only where it acts. Unpaired (fresh
/// seeds) compares two independent samples by Welch's t-test, which answers a different
/// question: does the claim survive new random numbers?
///
/// Each judged figure gets three one-sided tests, each family corrected by Holm's method across
/// the figures: "worse by more than the tolerance" (a failure), "not worse by more than the
/// tolerance" (a pass), and "better by more than the tolerance" (reported). A figure for which
/// neither of the first two is significant is undecided: the caller adds replications or calls
/// the check inconclusive, rather than passing a change on no evidence. So the chance of
/// failing a scenario that is not worse beyond tolerance, and the chance of passing one that
/// is, each stay below `alpha` however many figures are judged.
public struct BaselineComparison: Sendable {
    public enum Pairing: String, Sendable { case paired, unpaired }
    public enum Verdict: String, Sendable { case worse, better, within, undecided }

    public struct Figure: Sendable {
        /// The figure's stable name (`lead_time.p95`).
        public let key: String
        public let rule: FigureRule
        public let base: Estimate
        public let current: Estimate
        /// Current minus base (paired: the mean of the per-replication differences), in the
        /// figure's unit, with its 95% interval.
        public let change: Estimate
        /// How much worse the figure may get before it counts, in the figure's unit.
        public let allowance: Double
        /// Holm-adjusted p-values of "worse beyond tolerance", "not worse beyond tolerance" and
        /// "better beyond tolerance".
        public let pWorse: Double
        public let pWithin: Double
        public let pBetter: Double
        public let verdict: Verdict
    }

    public let pairing: Pairing
    public let alpha: Double
    public let figures: [Figure]

    public var worse: [Figure] { figures.filter { $0.verdict == .worse } }
    public var better: [Figure] { figures.filter { $0.verdict == .better } }
    public var undecided: [Figure] { figures.filter { $0.verdict == .undecided } }

    /// Judges `current` against `base`, both per-replication values keyed by figure name in
    /// replication order. Figures missing on either side, without a direction, or ignored by
    /// `rules` are not judged; the order of `current` is kept.
    public static func judge(base: [String: [Double]], current: [(key: String, values: [Double])], pairing: Pairing,
                             rules: (String) -> FigureRule? = { FigureRule.direction(for: $0) }, alpha: Double = 0.05) -> BaselineComparison {
        var judged: [(key: String, rule: FigureRule, before: [Double], after: [Double], allowance: Double)] = []
        for (key, after) in current {
            guard let rule = rules(key), let before = base[key] else { continue }
            let defined = before.filter(\.isFinite)
            guard !defined.isEmpty, var allowance = rule.tolerance.allowance(base: ReferenceStatistics.mean(defined)) else { continue }
            // A relative tolerance of a baseline of none would tolerate nothing: the rule's floor,
            // a share of the arrivals of the figure's scope, is the least it allows.
            if case .relative = rule.tolerance, rule.arrivalsFloor > 0,
               let arrivals = base[Self.scope(of: key) + "arrivals"]?.filter(\.isFinite), !arrivals.isEmpty {
                allowance = max(allowance, rule.arrivalsFloor * ReferenceStatistics.mean(arrivals))
            }
            judged.append((key, rule, before, after, allowance))
        }
        var tests: [(change: Estimate, base: Estimate, current: Estimate, pWorse: Double, pWithin: Double, pBetter: Double)] = []
        for figure in judged {
            let (before, after) = (figure.before, figure.after)
            let baseEstimate = Self.summary(before.filter(\.isFinite))
            let currentEstimate = Self.summary(after.filter(\.isFinite))
            // worse > 0: the figure moved the wrong way.
            let sign = figure.rule.worseIfHigher ? 1.0 : -1.0
            var change = Estimate(estimate: nil, ci95: nil, n: 0)
            var pWorse = 1.0, pWithin = 1.0, pBetter = 1.0
            switch pairing {
            case .paired:
                let pairs = (0..<min(before.count, after.count)).compactMap { r -> Double? in
                    before[r].isFinite && after[r].isFinite ? after[r] - before[r] : nil
                }
                change = Self.summary(pairs)
                if pairs.count > 1 {
                    let n = Double(pairs.count)
                    let mean = ReferenceStatistics.mean(pairs), se = (ReferenceStatistics.variance(pairs) / n).squareRoot()
                    pWorse = Self.pAbove(sign * mean, shift: figure.allowance, se: se, df: n - 1)
                    pWithin = Self.pBelow(sign * mean, shift: figure.allowance, se: se, df: n - 1)
                    pBetter = Self.pAbove(-sign * mean, shift: figure.allowance, se: se, df: n - 1)
                }
            case .unpaired:
                let x = before.filter(\.isFinite), y = after.filter(\.isFinite)
                if x.count > 1 && y.count > 1 {
                    let vx = ReferenceStatistics.variance(x) / Double(x.count), vy = ReferenceStatistics.variance(y) / Double(y.count)
                    let mean = ReferenceStatistics.mean(y) - ReferenceStatistics.mean(x)
                    let se = (vx + vy).squareRoot()
                    // Welch–Satterthwaite degrees of freedom.
                    let df = se > 0 ? (vx + vy) * (vx + vy) / (vx * vx / Double(x.count - 1) + vy * vy / Double(y.count - 1)) : Double(x.count + y.count - 2)
                    let t = SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: df)
                    change = Estimate(estimate: mean, ci95: (mean - t * se, mean + t * se), n: min(x.count, y.count))
                    pWorse = Self.pAbove(sign * mean, shift: figure.allowance, se: se, df: df)
                    pWithin = Self.pBelow(sign * mean, shift: figure.allowance, se: se, df: df)
                    pBetter = Self.pAbove(-sign * mean, shift: figure.allowance, se: se, df: df)
                }
            }
            tests.append((change, baseEstimate, currentEstimate, pWorse, pWithin, pBetter))
        }
        let adjustedWorse = DesignComparison.holm(tests.map(\.pWorse))
        let adjustedWithin = DesignComparison.holm(tests.map(\.pWithin))
        let adjustedBetter = DesignComparison.holm(tests.map(\.pBetter))
        let figures = judged.indices.map { i in
            let verdict: Verdict = adjustedWorse[i] < alpha ? .worse
                : adjustedWithin[i] >= alpha ? .undecided
                : adjustedBetter[i] < alpha ? .better : .within
            return Figure(key: judged[i].key, rule: judged[i].rule, base: tests[i].base, current: tests[i].current, change: tests[i].change,
                          allowance: judged[i].allowance, pWorse: adjustedWorse[i], pWithin: adjustedWithin[i], pBetter: adjustedBetter[i],
                          verdict: verdict)
        }
        return BaselineComparison(pairing: pairing, alpha: alpha, figures: figures)
    }

    /// The prefix naming a figure's scope: `demand.orders.` of `demand.orders.abandoned`.
    static func scope(of key: String) -> String {
        key.lastIndex(of: ".").map { String(key[...$0]) } ?? ""
    }

    /// The one-sided p-value of "the true mean exceeds `shift`" for an observed mean `x`.
    static func pAbove(_ x: Double, shift: Double, se: Double, df: Double) -> Double {
        guard se > 0 else { return x > shift ? 0 : 1 }
        return 1 - SpecialFunctions.studentTCDF((x - shift) / se, degreesOfFreedom: df)
    }

    /// The one-sided p-value of "the true mean is below `shift`". Without noise (differences of
    /// exactly the same value, as an unchanged scenario gives) a mean at the shift is within it.
    static func pBelow(_ x: Double, shift: Double, se: Double, df: Double) -> Double {
        guard se > 0 else { return x <= shift ? 0 : 1 }
        return SpecialFunctions.studentTCDF((x - shift) / se, degreesOfFreedom: df)
    }

    /// A sample's mean and 95% interval, through the BLAS-backed summary.
    static func summary(_ xs: [Double]) -> Estimate {
        ReplicationSummary(matrix: xs, rows: xs.count, columns: 1).estimates[0]
    }
}

extension ExperimentResult {
    /// Every figure's per-replication values under its stable name, in layout order.
    public var figureValues: [(key: String, values: [Double])] {
        let width = layout.count, n = settings.replications
        return MetricLayout.figures(of: model).map { key, column in
            (key, (0..<n).map { matrix[$0 * width + column] })
        }
    }
}
