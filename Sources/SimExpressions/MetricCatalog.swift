import SimModel

/// One named figure of the metric vector, as the language exposes it.
///
/// Built from `FigureCatalog`, the one table of figures, so that the table in
/// docs/expressions.md, the parser and the tests that check every entry against `MetricLayout`
/// all read the same thing.
struct MetricInfo: Sendable {
    /// The base name: `lead_time`, `utilisation`. A distribution's JSON fields are `name.statistic`.
    let name: String
    let dimension: Dimension
    /// The scopes it is measured in; `.system` means it may be written without a scope.
    let scopes: [ScopeKind]
    /// The scope a positional name argument resolves to (`utilisation(logistics)` → area);
    /// `nil` when the figure is for the system only.
    let natural: ScopeKind?
    /// The statistic functions that apply (`mean`, `p95`, …): empty for a figure that is one
    /// number per replication and is written bare or with a scope (`on_time`, `on_time(orders)`).
    let statistics: [String]

    var isDistribution: Bool { !statistics.isEmpty }

    /// The JSON field (and `MetricLayout`) name of the figure, with a statistic when it has them.
    func field(_ statistic: String?) -> String {
        statistic.map { "\(name).\($0)" } ?? name
    }

    /// "for the system or per demand type", for messages.
    var scopePhrase: String {
        scopes.map { $0 == .system ? "for the system" : "per \($0.noun)" }.joined(separator: " or ")
    }
}

extension MetricInfo {
    init(_ figure: Figure) {
        self.init(name: figure.name, dimension: figure.dimension, scopes: figure.scopes, natural: figure.natural,
                  statistics: figure.statistics.map(\.rawValue))
    }
}

enum MetricCatalog {
    /// Statistic functions, which are also the JSON suffixes: `p95(lead_time)` reads `lead_time.p95`.
    static let statistics = Statistic.allCases.map(\.rawValue)

    /// The figures of `FigureCatalog`, as the language sees them.
    static let metrics: [MetricInfo] = FigureCatalog.figures.map(MetricInfo.init)

    /// `share(m)` is `m / arrivals` in the same scope: the part of the arrivals that ended this way.
    static let shareable = ["completed", "cancelled", "turned_away", "abandoned", "unfinished"]

    /// Every name that may be followed by `(`.
    static let functions: [String] = statistics + ["rate", "share"] + metrics.filter { !$0.isDistribution }.map(\.name)

    static func metric(_ name: String) -> MetricInfo? {
        metrics.first { $0.name == name }
    }
}
