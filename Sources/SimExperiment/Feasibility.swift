import Foundation

/// Decides whether a design meets its targets, spending replications only where the answer is
/// close: a fully sequential feasibility check in the manner of Batur and Kim (2010), "Finding
/// feasible systems in the presence of constraints on multiple performance measures" (ACM
/// TOMACS 20(3)), after Andradóttir and Kim's single-constraint procedure.
///
/// For a target `x ≤ q` with a tolerance ε (the indifference zone), let yⱼ = xⱼ − q for the
/// replications j = 1, 2, … and R(r) = Σⱼ≤r yⱼ. After a first look of n₀ replications, whose
/// sample variance S² is kept, the procedure continues while R(r) lies inside the triangle
/// −g(r) < R(r) < g(r), g(r) = max(0, h²S²/(2ε) − εr/2), and declares the target met when R
/// leaves below, missed when it leaves above. The triangle closes at r = h²S²/ε², so a decision
/// is always reached. With h² = (n₀ − 1)((2β)^(−2/(n₀−1)) − 1), Fabian's bound on the triangle
/// (normal replications) gives: a design whose mean misses the target by ε or more is declared
/// feasible with probability at most β, and one that meets it with ε to spare is declared
/// infeasible with probability at most β. Between q − ε and q + ε either answer is acceptable:
/// that is what the tolerance means.
///
/// The decision at r replications is the first exit over r = n₀, n₀+1, …, so it is the same
/// whether replications arrive one at a time or in batches.
public struct FeasibilityCheck: Sendable {
    public struct Target: Sendable, Equatable {
        public var threshold: Double
        /// `true` for `x ≤ q` (times, queues), `false` for `x ≥ q` (on-time shares).
        public var atMost: Bool
        /// ε, in the target's unit: how close to the threshold a design may be either way.
        public var tolerance: Double

        public init(threshold: Double, atMost: Bool, tolerance: Double) {
            self.threshold = threshold
            self.atMost = atMost
            self.tolerance = tolerance
        }
    }

    public enum Decision: String, Sendable { case feasible, infeasible, undecided }

    public let targets: [Target]
    public let firstLook: Int
    public let h2: Double
    /// β, the error allowed each decision.
    public let beta: Double

    /// `errorPerDecision` is β for each target of each design: a caller that needs every
    /// decision of a search right at once divides its α among them (Bonferroni).
    public init(targets: [Target], errorPerDecision beta: Double, firstLook n0: Int = 10) {
        precondition(n0 >= 2 && beta > 0 && beta < 0.5)
        self.targets = targets
        self.beta = beta
        firstLook = n0
        h2 = Double(n0 - 1) * (pow(2 * beta, -2 / Double(n0 - 1)) - 1)
    }

    /// Each target's decision from the values of the replications so far (`values[t][j]`:
    /// target t in replication j, in replication order), and the replication at which it was
    /// reached. Fewer than `firstLook` values: undecided.
    public func decide(_ values: [[Double]]) -> [(decision: Decision, at: Int)] {
        zip(targets, values).map { target, xs in
            guard xs.count >= firstLook else { return (.undecided, xs.count) }
            let sign = target.atMost ? 1.0 : -1.0
            let y = xs.map { sign * ($0 - target.threshold) }
            let head = Array(y.prefix(firstLook))
            let mean = head.reduce(0, +) / Double(firstLook)
            let s2 = head.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(firstLook - 1)
            let eps = target.tolerance
            var sum = head.reduce(0, +)
            var r = firstLook
            while true {
                let g = max(0, h2 * s2 / (2 * eps) - eps * Double(r) / 2)
                if sum <= -g { return (.feasible, r) }
                if sum >= g { return (.infeasible, r) }
                guard r < y.count else { return (.undecided, r) }
                sum += y[r]
                r += 1
            }
        }
    }

    /// Replications after which every target is surely decided, from the first look's variances.
    public func replicationsToDecide(_ values: [[Double]]) -> Int {
        zip(targets, values).map { target, xs in
            let head = Array(xs.prefix(firstLook))
            guard head.count >= 2 else { return firstLook }
            let mean = head.reduce(0, +) / Double(head.count)
            let s2 = head.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(head.count - 1)
            return max(firstLook, Int((h2 * s2 / (target.tolerance * target.tolerance)).rounded(.up)))
        }.max() ?? firstLook
    }

    /// A design meets its targets when all are met, and misses them as soon as one is missed.
    public static func combine(_ decisions: [Decision]) -> Decision {
        if decisions.contains(.infeasible) { return .infeasible }
        return decisions.allSatisfy { $0 == .feasible } ? .feasible : .undecided
    }
}
