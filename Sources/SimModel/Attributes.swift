import SimKernel

/// What an item carries with it from arrival: an order's value, a customer's segment. Sampled
/// once per item, keyed by the item and the attribute's name, and read by conditions on routes
/// and priorities.
public struct Attribute: Sendable, Equatable {
    public var name: String
    /// The names of a categorical attribute's values, in the order their indices encode them;
    /// empty for a numeric attribute.
    public var categories: [String]

    public init(name: String, categories: [String] = []) {
        self.name = name
        self.categories = categories
    }
}

/// One attribute of a demand type: which, and how it is drawn.
public struct AttributeDraw: Sendable, Equatable {
    public var attribute: Int
    public var source: AttributeSource

    public init(attribute: Int, source: AttributeSource) {
        self.attribute = attribute
        self.source = source
    }
}

/// How one demand type draws one attribute.
public enum AttributeSource: Sendable, Equatable {
    /// A number from a distribution (an order value).
    case number(Distribution)
    /// A category with shares (`key: 20%, regular: 80%`): cumulative shares over category indices.
    case category(indices: [Int], cumulative: [Double])

    public func sample(_ stream: inout RandomStream) -> Double {
        switch self {
        case .number(let distribution):
            return distribution.sample(&stream)
        case .category(let indices, let cumulative):
            let u = stream.nextOpenUnit()
            for (i, c) in cumulative.enumerated() where u < c { return Double(indices[i]) }
            return Double(indices[indices.count - 1])
        }
    }
}

public enum Comparison: String, Sendable, Equatable, CaseIterable {
    case lessOrEqual = "<=", greaterOrEqual = ">=", notEqual = "!=", equal = "==", less = "<", greater = ">"
}

/// A condition on an item's attributes: `value > 5000`, `segment == key`,
/// `segment in [key, gold] and value >= 1000`. An attribute the item does not have is NaN, for
/// which every comparison is false.
public indirect enum Condition: Sendable, Equatable {
    case compare(attribute: Int, Comparison, Double)
    case oneOf(attribute: Int, [Double])
    case all([Condition])
    case any([Condition])
    case not(Condition)

    public func holds(_ value: (Int) -> Double) -> Bool {
        switch self {
        case .compare(let a, let op, let x):
            let v = value(a)
            switch op {
            case .less: return v < x
            case .lessOrEqual: return v <= x
            case .greater: return v > x
            case .greaterOrEqual: return v >= x
            case .equal: return v == x
            case .notEqual: return !v.isNaN && v != x
            }
        case .oneOf(let a, let xs):
            let v = value(a)
            return xs.contains(v)
        case .all(let cs): return cs.allSatisfy { $0.holds(value) }
        case .any(let cs): return cs.contains { $0.holds(value) }
        case .not(let c): return !c.holds(value)
        }
    }
}

/// A priority that depends on the item: the first rule whose condition holds (or that has none).
public struct PriorityRule: Sendable, Equatable {
    public var condition: Condition?
    public var priority: Int

    public init(condition: Condition?, priority: Int) {
        self.condition = condition
        self.priority = priority
    }
}
