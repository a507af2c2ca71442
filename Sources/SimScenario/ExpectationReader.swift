import Foundation
import SimExpressions
import SimModel
import Yams

extension ModelBuilder {
    /// The `expect:` list, parsed against the model's names. A problem inside an expression is
    /// located at its character: the node's column plus the offset (plus one for a quote).
    mutating func expectations(_ node: Node?, model: Model) -> [Expectation] {
        guard let node else { return [] }
        guard case .sequence(let items) = node else {
            reader.error(node, "expect", "expected a list of expectations such as '- p95(lead_time) <= 5d', found \(NodeReader.describe(node))")
            return []
        }
        let context = ExpressionContext(model: model)
        var out: [Expectation] = []
        for (i, original) in items.enumerated() {
            var item = original
            // `- mean(wait, step: pick) <= 4h` is, to YAML, a mapping (the ': ' makes it one).
            // The line as written is what the analyst meant: read it from the source.
            if case .mapping = original, let mark = original.mark {
                let source = reader.files[Composition.fileIndex(of: original)]
                if mark.line <= source.lines.count {
                    var raw = String(source.lines[mark.line - 1].dropFirst(mark.column - 1))
                    if let comment = raw.range(of: " #") { raw = String(raw[..<comment.lowerBound]) }
                    item = .scalar(.init(raw.trimmingCharacters(in: .whitespaces), .implicit, .plain, mark))
                }
            }
            guard case .scalar(let s) = item, !s.string.isEmpty else {
                reader.error(item, "expect[\(i)]", "expected an expectation such as 'p95(lead_time) <= 5d', found \(NodeReader.describe(item))")
                continue
            }
            do {
                let expectation = try ExpressionParser.expectation(s.string, in: context)
                if !model.calendarTime && Self.mentions("business_lead_time", in: expectation.expression) {
                    reader.error(item, "expect[\(i)]", "business_lead_time counts working hours on real dates: give the scenario a 'start' date (and 'calendars' if the default Mon–Fri 09:00–17:00 does not fit)")
                    continue
                }
                if Self.mentions("business_lead_time", in: expectation.expression), let days = Self.daysThreshold(s.string) {
                    // In a promise on the business clock `2d` means two working days; here it is
                    // 48 hours of working time. Say so rather than let the slip pass.
                    reader.warning(item, "expect[\(i)]", "business_lead_time is in working hours, so '\(days)' here means \(Self.hours(expectation.threshold)) of working time, far more than its working days; write the hours you mean (such as 16h for two 8-hour days)")
                }
                if let step = Self.stepWithoutHandoff(expectation.expression, model: model) {
                    reader.error(item, "expect[\(i)]", "step '\(step)' has no handoff, so its handoff time is undefined; give the step a 'handoff' or drop this expectation")
                    continue
                }
                out.append(expectation)
            } catch {
                let quoted = s.style == .singleQuoted || s.style == .doubleQuoted
                let multiline = s.string.contains("\n") || s.style == .literal || s.style == .folded
                if let mark = item.mark, !multiline {
                    let source = reader.files[Composition.fileIndex(of: item)]
                    reader.report(
                        .error, file: source.path, line: mark.line, column: mark.column + error.offset + (quoted ? 1 : 0),
                        source: mark.line <= source.lines.count ? String(source.lines[mark.line - 1]) : nil,
                        path: "expect[\(i)]", error.message)
                } else {
                    reader.error(item, "expect[\(i)]", error.message)
                }
            }
        }
        return out
    }
}

extension ModelBuilder {
    /// Whether an expression reads a metric of this family (`business_lead_time.p95`, …).
    static func mentions(_ family: String, in expression: MetricExpression) -> Bool {
        switch expression {
        case .constant: return false
        case .metric(let reference): return reference.name.hasPrefix(family + ".")
        case .binary(_, let a, let b): return mentions(family, in: a) || mentions(family, in: b)
        }
    }
}

extension ModelBuilder {
    /// A model with the names the file writes and nothing else: enough to check expectations
    /// when the model itself has errors.
    static func skeleton(of root: Node) -> Model {
        func names(_ key: String) -> [String] { root.mapping?[key]?.mapping?.keys.compactMap { $0.scalar?.string } ?? [] }
        let areas = names("areas").map { Area(name: $0, staff: 1) }
        let journeyNames = names("journeys")
        let journeys = journeyNames.map { name in
            let steps = root.mapping?["journeys"]?.mapping?[name]?.mapping?["steps"]?.sequence.map(Array.init) ?? []
            return Journey(name: name, steps: steps.compactMap { $0.mapping?["name"]?.scalar?.string }.map {
                Step(name: $0, area: 0, duration: .deterministic(1))
            })
        }
        let demands = names("demand").map { name in
            let journey = root.mapping?["demand"]?.mapping?[name]?.mapping?["journey"]?.scalar?.string
            return Demand(name: name, arrivals: .poisson(rate: 1), journey: journeyNames.firstIndex(of: journey ?? "") ?? 0)
        }
        return Model(name: "", horizon: nil, warmup: 0, areas: areas, demands: demands, journeys: journeys,
                     calendarTime: root.mapping?["start"] != nil || root.mapping?["timezone"] != nil || root.mapping?["calendars"] != nil)
    }
}

extension ModelBuilder {
    /// The threshold's text when it is written in days or weeks (`2d`, `1 week`), else `nil`.
    static func daysThreshold(_ source: String) -> String? {
        guard let op = source.range(of: "[<>≤≥]=?", options: .regularExpression) else { return nil }
        let threshold = source[op.upperBound...].trimmingCharacters(in: .whitespaces)
        let unit = threshold.drop { $0.isNumber || $0 == "." || $0 == " " }.lowercased()
        return ["d", "day", "days", "w", "wk", "week", "weeks"].contains(unit) ? threshold : nil
    }

    static func hours(_ seconds: Double) -> String {
        let h = seconds / 3600
        // Int(h) traps beyond Int.max: a huge threshold is shown as the number it is.
        return h == h.rounded() && abs(h) < 1e15 ? "\(Int(h))h" : "\(h)h"
    }
}

extension ModelBuilder {
    /// The name of a step whose `handoff` figure the expression reads but which has no handoff.
    static func stepWithoutHandoff(_ expression: MetricExpression, model: Model) -> String? {
        switch expression {
        case .constant: return nil
        case .metric(let reference):
            guard reference.name.hasPrefix("handoff."), case .step(let j, let s) = reference.scope,
                  model.journeys[j].steps[s].handoff == nil else { return nil }
            return model.journeys[j].steps[s].name
        case .binary(_, let a, let b): return stepWithoutHandoff(a, model: model) ?? stepWithoutHandoff(b, model: model)
        }
    }
}
