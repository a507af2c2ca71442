import SimModel

/// The names an expression resolves against: the model's areas, demand types and journey steps.
///
/// Expressions are resolved when they are parsed, not when they are evaluated, so a misspelt area
/// is reported once, with its position in the text, before any replication runs.
public struct ExpressionContext: Sendable {
    let areas: [String]
    let demands: [String]
    let journeys: [String]
    /// Step names per journey, in the journey order of the model (and of `MetricLayout`).
    let steps: [[String]]

    public init(model: Model) {
        areas = model.areas.map(\.name)
        demands = model.demands.map(\.name)
        journeys = model.journeys.map(\.name)
        steps = model.journeys.map { $0.steps.map(\.name) }
    }

    /// The scope a name denotes, or an error at `offset` naming what was found and what was expected.
    func resolve(_ kind: ScopeKind, _ name: String, at offset: Int) throws(ExpressionError) -> MetricScope {
        switch kind {
        case .system:
            return .system
        case .area:
            if let i = areas.firstIndex(of: name) { return .area(i) }
            throw ExpressionError(offset: offset, message: Suggestion.unknown("area", name, among: areas))
        case .demand:
            if let i = demands.firstIndex(of: name) { return .demand(i) }
            throw ExpressionError(offset: offset, message: Suggestion.unknown("demand type", name, among: demands))
        case .step:
            return try step(name, at: offset)
        }
    }

    /// The scope a name denotes, or `nil`: for hints, where a failed lookup is not yet an error.
    func lookup(_ kind: ScopeKind, _ name: String) -> MetricScope? {
        try? resolve(kind, name, at: 0)
    }

    /// A bare step name when it is unique across journeys, else `journey.step`. The bare name is
    /// tried first, so a step whose own name contains a dot is still found.
    func step(_ name: String, at offset: Int) throws(ExpressionError) -> MetricScope {
        var found: [(journey: Int, step: Int)] = []
        for (j, names) in steps.enumerated() {
            if let s = names.firstIndex(of: name) { found.append((j, s)) }
        }
        if found.count == 1 { return .step(journey: found[0].journey, step: found[0].step) }
        if found.count > 1 {
            let options = found.map { "'\(journeys[$0.journey]).\(name)'" }
            throw ExpressionError(
                offset: offset,
                message: "step '\(name)' is in more than one journey; write \(Suggestion.alternatives(options))")
        }
        var dot = name.firstIndex(of: ".")
        while let d = dot {
            let journey = String(name[..<d]), stepName = String(name[name.index(after: d)...])
            if let j = journeys.firstIndex(of: journey), let s = steps[j].firstIndex(of: stepName) {
                return .step(journey: j, step: s)
            }
            dot = name[name.index(after: d)...].firstIndex(of: ".")
        }
        throw ExpressionError(offset: offset, message: Suggestion.unknown("step", name, among: stepSpellings))
    }

    /// Every way a step may be written: bare names once each, then every `journey.step`.
    var stepSpellings: [String] {
        var out: [String] = []
        for names in steps { for n in names where !out.contains(n) { out.append(n) } }
        for (j, names) in steps.enumerated() { out += names.map { "\(journeys[j]).\($0)" } }
        return out
    }

    /// A name of this kind from the model, for examples in messages (`utilisation(logistics)`).
    func example(_ kind: ScopeKind) -> String {
        switch kind {
        case .system: return ""
        case .area: return areas.first ?? "AREA"
        case .demand: return demands.first ?? "DEMAND"
        case .step: return steps.first?.first ?? "STEP"
        }
    }
}

/// "Did you mean" for names, by edit distance.
enum Suggestion {
    /// `unknown area 'logstics'; did you mean 'logistics'?`, or the list of names when none is near.
    static func unknown(_ kind: String, _ name: String, among candidates: [String]) -> String {
        var message = "unknown \(kind) '\(name)'"
        if let near = nearest(name, among: candidates) {
            message += "; did you mean '\(near)'?"
        } else if !candidates.isEmpty {
            message += "; expected \(candidates.count == 1 ? "" : "one of ")\(candidates.map { "'\($0)'" }.joined(separator: ", "))"
        }
        return message
    }

    static func nearest(_ name: String, among candidates: [String]) -> String? {
        Names.nearest(name, among: candidates)
    }

    /// "'a', 'b' or 'c'".
    static func alternatives(_ quoted: [String]) -> String {
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }
}
