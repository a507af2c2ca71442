import SimModel

/// What a scope argument names. `system` is the figure for all items together (no argument).
enum ScopeKind: String, CaseIterable, Sendable {
    case system, demand, area, step

    /// The word for messages: "per demand type".
    var noun: String {
        switch self {
        case .system: return "the system"
        case .demand: return "demand type"
        case .area: return "area"
        case .step: return "step"
        }
    }

    /// The keys a user may write before a colon, in the order messages list them.
    static let keys: [ScopeKind] = [.demand, .area, .step]
}

/// One named figure of the metric vector, as the language exposes it.
///
/// The catalog is data, not code paths, so that the table in docs/expressions.md, the parser and
/// the tests that check every entry against `MetricLayout` all read the same thing.
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

enum MetricCatalog {
    /// Statistic functions, which are also the JSON suffixes: `p95(lead_time)` reads `lead_time.p95`.
    static let statistics = ["mean", "p50", "p90", "p95", "p99", "max"]

    static let metrics: [MetricInfo] = {
        let all = statistics
        let outcome: [ScopeKind] = [.system, .demand]
        func plain(_ name: String, _ d: Dimension, _ scopes: [ScopeKind] = [.system, .demand], natural: ScopeKind = .demand) -> MetricInfo {
            MetricInfo(name: name, dimension: d, scopes: scopes, natural: natural, statistics: [])
        }
        return [
            MetricInfo(name: "lead_time", dimension: .duration, scopes: outcome, natural: .demand, statistics: all),
            MetricInfo(name: "business_lead_time", dimension: .duration, scopes: outcome, natural: .demand, statistics: all),
            MetricInfo(name: "unfinished_age", dimension: .duration, scopes: outcome, natural: .demand, statistics: ["mean", "max"]),
            MetricInfo(name: "wait", dimension: .duration, scopes: [.step], natural: .step, statistics: all),
            MetricInfo(name: "service", dimension: .duration, scopes: [.step], natural: .step, statistics: all),
            MetricInfo(name: "handoff", dimension: .duration, scopes: [.step], natural: .step, statistics: all),
            MetricInfo(name: "queue", dimension: .count, scopes: [.area], natural: .area, statistics: ["mean"]),
            MetricInfo(name: "busy", dimension: .count, scopes: [.area], natural: .area, statistics: ["mean"]),
            MetricInfo(name: "on_duty", dimension: .count, scopes: [.area], natural: .area, statistics: ["mean"]),
            MetricInfo(name: "wip", dimension: .count, scopes: [.system], natural: nil, statistics: ["mean"]),
            plain("on_time", .fraction),
            plain("throughput", .rate),
            plain("arrival_rate", .rate),
            plain("arrivals", .count),
            plain("completed", .count),
            plain("rework", .count),
            plain("cancelled", .count),
            plain("turned_away", .count, [.system, .demand, .area]),
            plain("abandoned", .count, [.system, .demand, .step]),
            plain("failed", .count, [.step], natural: .step),
            plain("setups", .count, [.area], natural: .area),
            plain("unfinished", .count),
            plain("utilisation", .fraction, [.area], natural: .area),
            plain("visits", .count, [.step], natural: .step),
            plain("waited", .fraction, [.step], natural: .step),
        ]
    }()

    /// `share(m)` is `m / arrivals` in the same scope: the part of the arrivals that ended this way.
    static let shareable = ["completed", "cancelled", "turned_away", "abandoned", "unfinished"]

    /// Every name that may be followed by `(`.
    static let functions: [String] = statistics + ["rate", "share"] + metrics.filter { !$0.isDistribution }.map(\.name)

    static func metric(_ name: String) -> MetricInfo? {
        metrics.first { $0.name == name }
    }
}
