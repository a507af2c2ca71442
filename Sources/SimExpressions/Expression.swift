// The expression language of expectations (`expect:`) and targets (`--target`); see docs/expressions.md.
import SimModel

/// One figure of a replication's metric vector: its JSON field name and the scope it is taken in.
public struct MetricReference: Sendable, Equatable {
    /// The JSON field name, which is also the name in `MetricLayout` (`lead_time.p95`, `utilisation`).
    public var name: String
    public var scope: MetricScope
    public var dimension: Dimension

    public init(name: String, scope: MetricScope, dimension: Dimension) {
        self.name = name
        self.scope = scope
        self.dimension = dimension
    }
}

/// An arithmetic operator between two expressions.
public enum Operator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
}

/// A derived figure, computed per replication from the metric vector and then given its
/// interval like any other figure (so `rate(complaints) / rate(orders)` gets a proper interval,
/// not a ratio of two means).
public indirect enum MetricExpression: Sendable, Equatable {
    /// A value in SI units (seconds, fractions, per second) with its dimension.
    case constant(Double, Dimension)
    case metric(MetricReference)
    case binary(Operator, MetricExpression, MetricExpression)
}

/// How an expectation compares its expression with the threshold.
public enum Comparator: String, Sendable {
    case lessOrEqual = "<=", less = "<", greaterOrEqual = ">=", greater = ">"
}

/// A parsed expectation such as `p95(lead_time) <= 5d`.
public struct Expectation: Sendable, Equatable {
    /// The text as written, for reports.
    public var source: String
    public var expression: MetricExpression
    public var comparator: Comparator
    /// In SI units: seconds, fractions, per second.
    public var threshold: Double
    /// The dimension of `expression`.
    public var dimension: Dimension

    public init(source: String, expression: MetricExpression, comparator: Comparator, threshold: Double, dimension: Dimension) {
        self.source = source
        self.expression = expression
        self.comparator = comparator
        self.threshold = threshold
        self.dimension = dimension
    }
}

/// The outcome of an expectation judged by a confidence interval.
public enum Verdict: String, Sendable {
    case met, violated, undecided
}

/// A problem in an expression's text: where it is and what was found instead of what was expected.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 0-based `Character` offset into the source text, so a caller can point a caret at it
    /// (or add it to the column of the YAML scalar the text came from).
    public var offset: Int
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(offset): \(message)" }
}

extension MetricExpression {
    /// The value for one replication's metric vector.
    ///
    /// NaN propagates (an undefined figure, such as a percentile of no items, makes the derived
    /// figure undefined too), and so does division by zero: `x / 0` is NaN, not infinity, because
    /// a ratio of an empty denominator is undefined rather than huge, and JSON shows it as `null`.
    /// The expression in each replication of a replications × figures matrix (row-major, in
    /// the layout's order): a derived figure is computed per replication, then given its interval.
    public func values(matrix: [Double], rows: Int, layout: MetricLayout) -> [Double] {
        let width = layout.count
        return (0..<rows).map { r in value(Array(matrix[r * width..<(r + 1) * width]), layout: layout) }
    }

    public func value(_ metrics: [Double], layout: MetricLayout) -> Double {
        switch self {
        case .constant(let value, _):
            return value
        case .metric(let reference):
            guard let index = layout.index(reference.name, reference.scope), metrics.indices.contains(index) else {
                return .nan
            }
            return metrics[index]
        case .binary(let op, let left, let right):
            let a = left.value(metrics, layout: layout), b = right.value(metrics, layout: layout)
            switch op {
            case .add: return a + b
            case .subtract: return a - b
            case .multiply: return a * b
            case .divide: return b == 0 ? .nan : a / b
            }
        }
    }

    /// The dimension of the whole expression, by the rules the parser checks; `nil` only for a
    /// hand-built expression whose parts do not combine (the parser never produces one).
    public var dimension: Dimension? {
        switch self {
        case .constant(_, let dimension): return dimension
        case .metric(let reference): return reference.dimension
        case .binary(let op, let left, let right):
            guard let a = left.dimension, let b = right.dimension else { return nil }
            return DimensionRules.combine(op, a, b)
        }
    }
}

extension Expectation {
    /// Whether one value meets the expectation; `nil` when the value is NaN (undefined).
    public func isMet(by value: Double) -> Bool? {
        if value.isNaN { return nil }
        switch comparator {
        case .lessOrEqual: return value <= threshold
        case .less: return value < threshold
        case .greaterOrEqual: return value >= threshold
        case .greater: return value > threshold
        }
    }

    /// Verdict from a confidence interval [lo, hi] for the expression's mean: `.met` when the whole
    /// interval satisfies the comparison, `.violated` when none of it does, `.undecided` otherwise
    /// (also when either bound is NaN).
    ///
    /// The values that satisfy a comparison form a half-line, so the whole interval satisfies it
    /// exactly when both bounds do, and none of it does exactly when neither bound does.
    public func verdict(lower: Double, upper: Double) -> Verdict {
        guard let low = isMet(by: lower), let high = isMet(by: upper) else { return .undecided }
        if low && high { return .met }
        if !low && !high { return .violated }
        return .undecided
    }
}
