import SimModel

/// How dimensions combine under arithmetic and comparison.
///
/// The rules are the ones an analyst checks by hand: like adds to like, scaling by a plain number
/// or a share keeps what a thing is, a ratio of like quantities is a plain number, and the three
/// relations of Little's law (rate × duration = count, count / duration = rate,
/// count / rate = duration) hold. Everything else is refused with a message rather than computed.
enum DimensionRules {
    /// The dimension of `a op b`, or `nil` when the combination has no meaning.
    static func combine(_ op: Operator, _ a: Dimension, _ b: Dimension) -> Dimension? {
        switch op {
        case .add, .subtract:
            if a == b { return a }
            // A plain number adds to any dimensionless figure: `on_time - 0.9`, `completed + 5`.
            if a == .number, b == .fraction || b == .count { return b }
            if b == .number, a == .fraction || a == .count { return a }
            return nil
        case .multiply:
            if a == .number || a == .fraction { return b == .number ? a : b }
            if b == .number || b == .fraction { return a }
            if (a == .rate && b == .duration) || (a == .duration && b == .rate) { return .count }
            return nil
        case .divide:
            if a == b { return .number }
            if b == .number || b == .fraction { return a }
            if isDimensionless(a), isDimensionless(b) { return .number }
            if a == .count || a == .number {
                if b == .duration { return .rate }
                if b == .rate { return .duration }
            }
            return nil
        }
    }

    static func isDimensionless(_ d: Dimension) -> Bool {
        d == .number || d == .fraction || d == .count
    }

    /// Whether a figure of dimension `figure` may be compared with a literal of dimension `value`.
    /// Durations and rates need their unit; a share may be written 95% or 0.95; a count is
    /// compared with a plain number (a percentage of a count is almost always a slip for `share`).
    static func comparable(_ figure: Dimension, with value: Dimension) -> Bool {
        switch figure {
        case .duration: return value == .duration
        case .rate: return value == .rate
        case .fraction, .number: return value == .fraction || value == .number
        case .count: return value == .number
        }
    }

    /// The dimension with its article, for messages: "a duration".
    static func noun(_ d: Dimension) -> String {
        switch d {
        case .duration: return "a duration"
        case .fraction: return "a fraction"
        case .rate: return "a rate"
        case .count: return "a count"
        case .number: return "a plain number"
        }
    }

    /// What to compare a figure of this dimension with, for messages.
    static func comparisonHint(_ d: Dimension) -> String {
        switch d {
        case .duration: return "compare it with a duration such as 5d"
        case .rate: return "compare it with a rate such as 20/day"
        case .fraction: return "compare it with a percentage such as 95% or a fraction such as 0.95"
        case .count: return "compare it with a plain number such as 12"
        case .number: return "compare it with a plain number such as 0.02 or a percentage such as 2%"
        }
    }
}
