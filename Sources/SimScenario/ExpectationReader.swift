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
