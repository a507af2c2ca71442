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
    /// The path with list items by position (`steps[0]`, not `steps.answer`), as diagnostics
    /// name them: a finding under it is reported against this override.
    var resolvedPath: String?
    /// Appends `value` to the list at `path` instead of replacing it (a shift `plan` adds).
    public var appends = false

    /// An item appended to the list at `path`, such as a shift in `areas.logistics.shifts`.
    public init(appendingTo path: String, value: String) {
        self.path = path
        self.value = value
        appends = true
    }

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
    public var description: String { "--set \(NodeReader.shown(override.description)): \(reason)" }
}

extension Override {
    /// The tree with this override applied.
    func apply(to root: Node) throws(OverrideError) -> Node {
        guard let segments = TreePath.segments(path), !segments.isEmpty else {
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
        // The same rule as in a file: a control character in a value would end up in names,
        // reports and CSV files (and, raw in a terminal or a CI log, forge or recolour lines).
        if let bad = Composition.forbiddenScalar(in: replacement) {
            throw OverrideError(override: self, reason: "the value holds the control character U+\(String(format: "%04X", bad.value)); values may hold tabs, line breaks and printable characters only")
        }
        do {
            return try TreePath.edit(segments[...], in: root, at: "", appends ? .append(replacement) : .set(replacement))
        } catch {
            throw OverrideError(override: self, reason: error.reason)
        }
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
}

/// A path that leads nowhere in the tree.
struct PathProblem: Error {
    var reason: String
}

/// Dotted paths into a scenario's YAML tree, and edits at them: what `--set` overrides and
/// variants (`set`, `remove`, `add`) are made of.
///
/// A list of named items (steps, shifts) is addressed by name as well as by index:
/// `journeys.order.steps.credit-check` is the step whose `name` is `credit-check`.
enum TreePath {
    enum Segment {
        case key(String)
        case index(Int)
    }

    enum Edit {
        case set(Node)
        case remove
        /// Appends to a list (creating it when absent); a list value appends each of its items.
        case append(Node)
    }

    /// `steps[1].approval` → key steps, index 1, key approval.
    static func segments(_ path: String) -> [Segment]? {
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

    static func edit(_ segments: ArraySlice<Segment>, in node: Node, at path: String, _ edit: Edit) throws(PathProblem) -> Node {
        guard let first = segments.first else {
            switch edit {
            case .set(let value): return value
            case .remove: return node
            case .append(let value):
                guard case .sequence(var list) = node else {
                    throw PathProblem(reason: "'\(path)' is not a list, so nothing can be added to it; use 'set' to replace it")
                }
                let items: [Node] = value.sequence.map(Array.init) ?? [value]
                for item in items { list.append(item) }
                return .sequence(list)
            }
        }
        let rest = segments.dropFirst()
        switch first {
        case .key(let key):
            let here = path.isEmpty ? key : "\(path).\(key)"
            if case .sequence(var list) = node {
                // A named item of a list.
                guard let i = list.firstIndex(where: { $0.mapping?["name"]?.scalar?.string == key }) else {
                    let names = list.compactMap { $0.mapping?["name"]?.scalar?.string }
                    var reason = "'\(path)' has no item named '\(key)'"
                    if let near = suggestion(for: key, among: names) { reason += "; did you mean '\(path).\(near)'?" } else if !names.isEmpty {
                        reason += "; its items are \(NodeReader.list(names))"
                    }
                    throw PathProblem(reason: reason)
                }
                if rest.isEmpty, case .remove = edit {
                    list.remove(at: i)
                } else {
                    list[i] = try Self.edit(rest, in: list[i], at: here, edit)
                }
                return .sequence(list)
            }
            guard case .mapping(var mapping) = node else {
                throw PathProblem(reason: "'\(path)' is not a mapping, so it has no key '\(key)'")
            }
            if let child = mapping[key] {
                if rest.isEmpty, case .remove = edit {
                    mapping = Node.Mapping(mapping.filter { $0.key.scalar?.string != key }, mapping.tag, mapping.style, mapping.mark)
                } else {
                    mapping[key] = try Self.edit(rest, in: child, at: here, edit)
                }
            } else if rest.isEmpty {
                switch edit {
                case .set(let value):
                    // A new key; validation says whether it is allowed. The key takes the value's
                    // position, so that "unknown key" points at the line that wrote it.
                    let keyNode = Node.scalar(.init(key, .implicit, .plain, value.mark, value.anchor))
                    mapping = Node.Mapping(Array(mapping.map { ($0.key, $0.value) }) + [(keyNode, value)], mapping.tag, mapping.style, mapping.mark, mapping.anchor)
                case .append(let value):
                    // As for a new key: positioned where the value is written.
                    let keyNode = Node.scalar(.init(key, .implicit, .plain, value.mark, value.anchor))
                    let list = value.sequence != nil ? value : Node.sequence(.init([value], .implicit, .any, value.mark, value.anchor))
                    mapping = Node.Mapping(Array(mapping.map { ($0.key, $0.value) }) + [(keyNode, list)], mapping.tag, mapping.style, mapping.mark, mapping.anchor)
                case .remove: throw PathProblem(reason: Self.missing(key, here: here, path: path, in: mapping))
                }
            } else {
                throw PathProblem(reason: Self.missing(key, here: here, path: path, in: mapping))
            }
            return .mapping(mapping)
        case .index(let i):
            guard case .sequence(var sequence) = node else {
                throw PathProblem(reason: "'\(path)' is not a list, so it has no item [\(i)]")
            }
            guard i >= 0 && i < sequence.count else {
                throw PathProblem(reason: "'\(path)' has \(sequence.count) items, numbered from 0; there is no [\(i)]")
            }
            let index = sequence.index(sequence.startIndex, offsetBy: i)
            if rest.isEmpty, case .remove = edit {
                sequence.remove(at: index)
            } else {
                sequence[index] = try Self.edit(rest, in: sequence[index], at: "\(path)[\(i)]", edit)
            }
            return .sequence(sequence)
        }
    }

    /// The path as diagnostics write it: named list items by position.
    static func resolved(_ segments: [Segment], in root: Node) -> String {
        var node: Node? = root
        var out = ""
        for segment in segments {
            switch segment {
            case .key(let key):
                if case .sequence(let list)? = node, let i = list.firstIndex(where: { $0.mapping?["name"]?.scalar?.string == key }) {
                    out += "[\(i)]"
                    node = list[i]
                } else {
                    out += out.isEmpty ? key : ".\(key)"
                    node = node?.mapping?[key]
                }
            case .index(let i):
                out += "[\(i)]"
                node = node?.sequence.flatMap { $0.indices.contains(i) ? $0[i] : nil }
            }
        }
        return out
    }

    static func missing(_ key: String, here: String, path: String, in mapping: Node.Mapping) -> String {
        let known = Array(mapping.keys.compactMap { $0.scalar?.string })
        var reason = "the scenario has no '\(here)'"
        if let near = suggestion(for: key, among: known) { reason += "; did you mean '\(path.isEmpty ? near : "\(path).\(near)")'?" }
        return reason
    }
}
