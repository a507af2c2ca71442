import Yams

/// A `--set KEY=VALUE` override: a dotted path into the scenario and a YAML value.
///
/// Overrides are applied to the YAML tree before validation, so an overridden value is checked
/// exactly like one written in the file (`--set areas.logistics.staff=-1` is refused the same way).
/// Paths use the file's own keys: `areas.logistics.staff`, `demand.orders.rate`,
/// `journeys.order.steps[1].approval.reject`.
public struct Override: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var value: String

    /// Parses `KEY=VALUE`; `nil` when there is no `=` or no key.
    public init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        path = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
        value = String(argument[argument.index(after: equals)...])
    }

    public var description: String { "\(path)=\(value)" }
}

/// An override whose path does not lead into the scenario: bad command-line use.
public struct OverrideError: Error, Sendable, CustomStringConvertible {
    public var override: Override
    public var reason: String
    public var description: String { "--set \(override): \(reason)" }
}

extension Override {
    enum Segment {
        case key(String)
        case index(Int)
    }

    /// `steps[1].approval` → key steps, index 1, key approval.
    func segments() -> [Segment]? {
        var out: [Segment] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let name = rest.prefix { $0 != "[" }
            guard !name.isEmpty else { return nil }
            out.append(.key(String(name)))
            rest = rest.dropFirst(name.count)
            while rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]"), let i = Int(rest[rest.index(after: rest.startIndex)..<close]) else { return nil }
                out.append(.index(i))
                rest = rest[rest.index(after: close)...]
            }
            guard rest.isEmpty else { return nil }
        }
        return out
    }

    /// The tree with this override applied.
    func apply(to root: Node) throws(OverrideError) -> Node {
        guard let segments = segments(), !segments.isEmpty else {
            throw OverrideError(override: self, reason: "expected a dotted path such as 'areas.logistics.staff' or 'journeys.order.steps[1].duration'")
        }
        if path.hasPrefix("x-") {
            throw OverrideError(override: self, reason: "'x-' keys only hold anchors, whose aliases are resolved when the file is read; set the value where it is used instead")
        }
        let replacement: Node
        if let parsed = (try? Yams.compose(yaml: value)) ?? nil {
            replacement = Self.withoutMarks(parsed)
        } else {
            replacement = Node(value)
        }
        return try set(segments[...], in: root, at: "", to: replacement)
    }

    /// The same tree with no source positions: the positions of a parsed value are within the
    /// `--set` text, not the file, and a node without one is reported against the override.
    static func withoutMarks(_ node: Node) -> Node {
        switch node {
        case .scalar(let s): return Node(s.string, s.tag, s.style)
        case .mapping(let m): return Node(m.map { (withoutMarks($0.key), withoutMarks($0.value)) }, m.tag, m.style)
        case .sequence(let q): return Node(q.map(withoutMarks), q.tag, q.style)
        case .alias: return node
        }
    }

    private func set(_ segments: ArraySlice<Segment>, in node: Node, at path: String, to value: Node) throws(OverrideError) -> Node {
        guard let first = segments.first else { return value }
        let rest = segments.dropFirst()
        switch first {
        case .key(let key):
            guard case .mapping(var mapping) = node else {
                throw OverrideError(override: self, reason: "'\(path)' is not a mapping, so it has no key '\(key)'")
            }
            let here = path.isEmpty ? key : "\(path).\(key)"
            if let child = mapping[key] {
                mapping[key] = try set(rest, in: child, at: here, to: value)
            } else if rest.isEmpty {
                mapping[key] = value  // a new key; validation says whether it is allowed
            } else {
                let known = Array(mapping.keys.compactMap { $0.scalar?.string })
                var reason = "the scenario has no '\(here)'"
                if let near = suggestion(for: key, among: known) { reason += "; did you mean '\(path.isEmpty ? near : "\(path).\(near)")'?" }
                throw OverrideError(override: self, reason: reason)
            }
            return .mapping(mapping)
        case .index(let i):
            guard case .sequence(var sequence) = node else {
                throw OverrideError(override: self, reason: "'\(path)' is not a list, so it has no item [\(i)]")
            }
            guard i >= 0 && i < sequence.count else {
                throw OverrideError(override: self, reason: "'\(path)' has \(sequence.count) items, numbered from 0; there is no [\(i)]")
            }
            let index = sequence.index(sequence.startIndex, offsetBy: i)
            sequence[index] = try set(rest, in: sequence[index], at: "\(path)[\(i)]", to: value)
            return .sequence(sequence)
        }
    }
}
