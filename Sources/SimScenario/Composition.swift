import Foundation
import Yams
import SimModel

/// Builds the one YAML tree a run sees: the file, the files it `extends`, the variant chosen,
/// the `--set` overrides, in that order. Guards against hostile input on the way: files too
/// large, documents that expand without bound through aliases, nesting too deep.
enum Composition {
    /// Scenario files are descriptions, not data: 2 MiB is a hundred times the largest real
    /// one, and the most that validates within the promised two seconds (docs/limits.md). Order books
    /// belong in CSV files.
    static let maxBytes = 2 << 20
    /// Values in the expanded document. An alias bomb (`b: [*a, *a, …]` nested ten times) is
    /// small on disk and astronomically large expanded; it is stopped here.
    static let maxValues = 1_000_000
    /// Nesting of mappings and lists; real scenarios need about eight.
    static let maxDepth = 64
    /// Variants in one file (its own and its bases'): each is a model to build and check.
    static let maxVariants = 5_000
    /// Files in an `extends` chain.
    static let maxChain = 8

    /// Scalars stay untyped strings: the reader parses every value itself (durations, rates,
    /// `15%`), so YAML's implicit types are never used. Yams resolves a scalar's implicit type
    /// by running its regular expressions, and does so whenever a node is hashed or compared
    /// (duplicate keys, every `mapping["key"]`, the serializer): with the default resolver that
    /// was half the time of loading a large file.
    static let resolver = Resolver.basic

    /// Parses one file's text into a tree whose nodes remember which file they came from.
    static func compose(_ text: String, file index: Int, reader: inout NodeReader) -> Node? {
        if text.utf8.count > maxBytes {
            reader.report(.error, file: reader.files[index].path, line: 1, column: 1, source: nil, path: "",
                          "the file is \(text.utf8.count / (1 << 20)) MiB; scenario files are limited to \(maxBytes >> 20) MiB (put order books in a CSV file and refer to it with 'arrivals')")
            return nil
        }
        if let problem = ScenarioLoader.forbiddenCharacter(in: text, file: reader.files[index].path) {
            reader.diagnostics.append(problem)
            return nil
        }
        if reader.isForeign(index) {
            // Not one line of it is shown: a CI log is public, and the file may be a secret. Only
            // where a `version` key is (or a near miss of it) is said, since that is the fix.
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            let keyed = lines.firstIndex { line in
                let key = line.prefix { $0 != ":" && $0 != " " }
                return line.contains(":") && (key == "version" || Names.nearest(String(key), among: ["version"]) != nil)
            }
            let message = keyed.map { lines[$0].hasPrefix("version") ? "this procsim reads version 1 scenarios, and line \($0 + 1) declares another" : "line \($0 + 1) misspells 'version'" }
                ?? "the file does not look like a procsim scenario: it has no line 'version: 1', which every scenario declares"
            reader.report(.error, file: reader.files[index].path, line: keyed.map { $0 + 1 }, column: keyed.map { _ in 1 }, source: nil, path: keyed == nil ? "" : "version",
                          message + "; none of its content is shown")
            return nil
        }
        if let problem = AliasExpansion.check(text, maxValues: maxValues) {
            let lines = reader.files[index].lines
            reader.report(.error, file: reader.files[index].path, line: problem.line, column: problem.column,
                          source: problem.line <= lines.count ? String(lines[problem.line - 1]) : nil, path: "", problem.message)
            return nil
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, Self.resolver)
        } catch {
            reader.diagnostics.append(contentsOf: ScenarioLoader.syntaxDiagnostics(error, file: reader.files[index].path, lines: reader.files[index].lines))
            return nil
        }
        guard let node else {
            reader.report(.error, file: reader.files[index].path, line: nil, column: nil, source: nil, path: "", "the file is empty; expected a scenario starting with 'version: 1'")
            return nil
        }
        var budget = maxValues
        if let problem = measure(node, depth: 0, budget: &budget) {
            reader.report(.error, file: reader.files[index].path, line: node.mark?.line, column: node.mark?.column, source: nil, path: "", problem)
            return nil
        }
        let labelled = index == 0 ? node : label(node, with: reader.fileAnchors[index])
        let before = reader.diagnostics.count
        checkNodes(labelled, reader: &reader)
        return reader.diagnostics.count == before ? labelled : nil
    }

    /// The tags a scenario may carry: YAML's core schema. Others (`!!python/object`, `!!binary`,
    /// `!custom`) would be ignored without a word.
    static let coreTags: Set<Tag.Name> = [.implicit, .nonSpecific, .str, .int, .float, .bool, .null, .seq, .map, .merge, .timestamp]

    /// What YAML lets through but a scenario must not hold, each reported where written: a merge
    /// key (`<<: *defaults`) that merges no mapping (`<<: 5`, an alias of a scalar) would be
    /// dropped silently; a tag outside the core schema would be ignored; a control character
    /// written as an escape (`"sh\0ip"`) would end up in names, reports and CSV files.
    static func checkNodes(_ node: Node, reader: inout NodeReader) {
        if case let tag = Tag.Name(rawValue: node.tag.rawValue), !coreTags.contains(tag) {
            reader.error(node, "", "the tag '\(tag.rawValue.replacingOccurrences(of: "tag:yaml.org,2002:", with: "!!"))' is not part of the scenario language, which reads plain YAML values; remove it")
        }
        switch node {
        case .mapping(let m):
            for (key, value) in m {
                if key.scalar?.string == "<<" {
                    let sources: [Node] = value.sequence.map(Array.init) ?? [value]
                    for source in sources where source.mapping == nil {
                        reader.error(key, "", "a merge key '<<' takes a mapping or a list of mappings (such as '<<: *defaults' with '&defaults' on a mapping), found \(NodeReader.describe(source))")
                    }
                }
                checkNodes(key, reader: &reader)
                checkNodes(value, reader: &reader)
            }
        case .sequence(let q):
            for item in q { checkNodes(item, reader: &reader) }
        case .scalar(let s):
            if let bad = s.string.unicodeScalars.first(where: isForbidden) {
                reader.error(node, "", "the value holds \(bad.value == 0x2028 || bad.value == 0x2029 ? "the separator" : "the control character") U+\(String(format: "%04X", bad.value)) (written as an escape); values may hold tabs, line breaks and printable characters only")
            }
        case .alias:
            break
        }
    }

    /// A character no value may hold: C0 controls but tab and line breaks, DEL, C1 controls
    /// (NEL among them) and the Unicode line and paragraph separators, which YAML, terminals
    /// and editors each treat differently.
    static func isForbidden(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\t" && c != "\n" && c != "\r") || (0x7F...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029
    }

    /// The first forbidden character in any scalar of `node` (keys included).
    static func forbiddenScalar(in node: Node) -> Unicode.Scalar? {
        switch node {
        case .scalar(let s): return s.string.unicodeScalars.first(where: isForbidden)
        case .mapping(let m):
            for (k, v) in m { if let bad = forbiddenScalar(in: k) ?? forbiddenScalar(in: v) { return bad } }
            return nil
        case .sequence(let q):
            for item in q { if let bad = forbiddenScalar(in: item) { return bad } }
            return nil
        case .alias: return nil
        }
    }

    /// Walks the expanded tree within a budget; a message when it is too large or too deep.
    static func measure(_ node: Node, depth: Int, budget: inout Int) -> String? {
        budget -= 1
        if budget < 0 {
            return "the document expands to more than \(maxValues) values; this happens when aliases refer to aliases (an 'alias bomb'); a scenario needs far fewer"
        }
        if depth > maxDepth { return "the document is nested more than \(maxDepth) levels deep; a scenario needs about eight" }
        switch node {
        case .scalar, .alias: return nil
        case .mapping(let m):
            for (k, v) in m {
                if let p = measure(k, depth: depth + 1, budget: &budget) ?? measure(v, depth: depth + 1, budget: &budget) { return p }
            }
        case .sequence(let q):
            for v in q { if let p = measure(v, depth: depth + 1, budget: &budget) { return p } }
        }
        return nil
    }

    /// The anchor field carries the file a node came from once aliases are resolved (they are,
    /// by then): Yams marks hold only a line and a column, and cannot be made outside Yams.
    static func label(_ node: Node, with anchor: Anchor) -> Node {
        switch node {
        case .scalar(let s): return .scalar(.init(s.string, s.tag, s.style, s.mark, anchor))
        case .mapping(let m): return .mapping(.init(m.map { (label($0.key, with: anchor), label($0.value, with: anchor)) }, m.tag, m.style, m.mark, anchor))
        case .sequence(let q): return .sequence(.init(q.map { label($0, with: anchor) }, q.tag, q.style, q.mark, anchor))
        case .alias: return node
        }
    }

    static let fileAnchorPrefix = "procsim-file-"
    /// Top-level sections that map names to definitions: `add` creates entries in them.
    static let namedSections = ["calendars", "areas", "campaigns", "demand", "journeys"]

    /// The index of the file a node came from (0: the scenario file itself).
    static func fileIndex(of node: Node) -> Int {
        let anchor: Anchor?
        switch node {
        case .scalar(let s): anchor = s.anchor
        case .mapping(let m): anchor = m.anchor
        case .sequence(let q): anchor = q.anchor
        case .alias: anchor = nil
        }
        guard let raw = anchor?.rawValue, raw.hasPrefix(fileAnchorPrefix) else { return 0 }
        return Int(raw.dropFirst(fileAnchorPrefix.count)) ?? 0
    }

    /// Resolves `extends`: the base file's tree with this one's keys merged over it.
    static func resolveExtends(_ root: Node, file index: Int, reader: inout NodeReader, chain: [String]) -> Node? {
        guard case .mapping(var mapping) = root, let target = mapping["extends"] else { return root }
        mapping = Node.Mapping(mapping.filter { $0.key.scalar?.string != "extends" }, mapping.tag, mapping.style, mapping.mark, mapping.anchor)
        let here = reader.files[index].path
        let folder = (here as NSString).deletingLastPathComponent
        if case .scalar(let s) = target, chain.contains(canonical(s.string, in: folder)) {
            reader.error(target, "extends", "'\(s.string)' is already part of this chain of files (\(chain.map { ($0 as NSString).lastPathComponent }.joined(separator: " → "))): a file cannot build on itself")
            return nil
        }
        if chain.count >= maxChain {
            reader.error(target, "extends", "more than \(maxChain) files build on one another; flatten the chain")
            return nil
        }
        guard let (path, text) = reader.referencedFile(
            target, "extends", relativeTo: folder, extensions: ["yaml", "yml"],
            what: "the scenario file this one builds on", limit: maxBytes) else { return nil }
        let baseIndex = reader.addFile(path: path, text: text)
        guard let baseRoot = compose(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, file: baseIndex, reader: &reader),
              baseVersionReads(baseRoot, reader: &reader),
              let base = resolveExtends(baseRoot, file: baseIndex, reader: &reader, chain: chain + [canonical(path, in: "")]) else { return nil }
        return merge(base, over: .mapping(mapping))
    }

    /// A base of another format version would be read as this one's, silently: refused in the
    /// base itself.
    static func baseVersionReads(_ base: Node, reader: inout NodeReader) -> Bool {
        guard let v = base.mapping?["version"], NodeReader.scalarText(v) != "1" else { return true }
        reader.error(v, "version", "this procsim reads version 1 scenarios, found version \(NodeReader.describe(v)) in the file this one builds on")
        return false
    }

    /// A file's path as the chain of `extends` records it, to tell a cycle.
    static func canonical(_ name: String, in folder: String) -> String {
        let path = name.hasPrefix("/") || folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
        return ReadRoot.realPath(path) ?? (path as NSString).standardizingPath
    }

    /// The tree as plain YAML, without the keys that do not make the model and without the
    /// file labels: what a baseline records to rebuild the same model later.
    /// Descriptions and the scenario's name are left out too: editing them changes no figure.
    static func resolvedText(_ root: Node) -> String {
        func plain(_ node: Node) -> Node {
            switch node {
            case .scalar(let s): return .scalar(.init(s.string, s.tag, s.style))
            case .mapping(let m): return .mapping(.init(m.filter { !($0.key.scalar?.string == "description" && $0.value.scalar != nil) }.map { (plain($0.key), plain($0.value)) }, m.tag, m.style))
            case .sequence(let q): return .sequence(.init(q.map(plain), q.tag, q.style))
            case .alias: return node
            }
        }
        guard case .mapping(let m) = root else { return "" }
        let kept = Node.mapping(.init(m.filter { !["variants", "expect", "tolerances", "extends", "name"].contains($0.key.scalar?.string ?? "") }, m.tag, m.style))
        return (try? Yams.serialize(node: plain(kept))) ?? ""
    }

    /// `top` over `base`: mappings merge key by key (recursively), anything else replaces.
    static func merge(_ base: Node, over top: Node) -> Node {
        guard case .mapping(var b) = base, case .mapping(let t) = top else { return top }
        for (key, value) in t {
            if let name = key.scalar?.string, let old = b[name] {
                b[name] = merge(old, over: value)
            } else {
                b = Node.Mapping(Array(b.map { ($0.key, $0.value) }) + [(key, value)], b.tag, b.style, b.mark, b.anchor)
            }
        }
        return .mapping(b)
    }

    /// Applies the named variant (its `remove`, `set` and `add`, in the order written) to the tree.
    static func applyVariant(_ name: String, to root: Node, reader: inout NodeReader) throws(UnknownVariant) -> Node? {
        let variants = root.mapping?["variants"]
        guard let definition = variants?.mapping?[name] else {
            let names = variants?.mapping?.keys.compactMap { $0.scalar?.string } ?? []
            var message = "the scenario has no variant '\(name)'"
            if let near = suggestion(for: name, among: names) { message += "; did you mean '\(near)'?" } else if !names.isEmpty {
                message += "; its variants are \(NodeReader.list(names))"
            } else {
                message += "; it defines no 'variants'"
            }
            throw UnknownVariant(name: name, message: message)
        }
        return applyVariant(named: name, definition, to: root, reader: &reader)
    }

    /// Applies a variant's definition (found already) to the tree.
    static func applyVariant(named name: String, _ definition: Node, to root: Node, reader: inout NodeReader) -> Node? {
        let path = "variants.\(name)"
        guard let fields = reader.mapping(definition, path, allowed: Format.variantKeys, what: "a variant with 'set', 'remove' and/or 'add'") else { return nil }
        var tree = root
        var ok = true
        for (key, _, value) in fields.items where key != "description" {
            switch key {
            case "remove":
                let items: [Node] = value.sequence.map(Array.init) ?? [value]
                for (i, item) in items.enumerated() {
                    ok = edit(&tree, item, NodeReader.scalarText(item), .remove, "\(path).remove[\(i)]", reader: &reader) && ok
                }
            case "set", "add":
                guard case .mapping(let changes) = value else {
                    reader.error(value, "\(path).\(key)", "expected a mapping from dotted paths to values, such as 'areas.logistics.staff: 4', found \(NodeReader.describe(value))")
                    ok = false
                    continue
                }
                for (k, v) in changes {
                    let target = NodeReader.scalarText(k)
                    let parts = target.split(separator: ".").map(String.init)
                    if key == "add" && parts.count == 2 && Self.namedSections.contains(parts[0]) {
                        // A new named entry (`calendars.night`, `areas.packing`): the section is
                        // created when the base has none; an existing name is not overwritten.
                        if tree.mapping?[parts[0]]?.mapping?[parts[1]] != nil {
                            reader.error(k, "\(path).add.\(target)", "'\(target)' already exists; use 'set' to change it")
                            ok = false
                            continue
                        }
                        if tree.mapping?[parts[0]] == nil, case .mapping(var top) = tree {
                            top[parts[0]] = Node([(Node(parts[1]), v)])
                            tree = .mapping(top)
                            continue
                        }
                        ok = edit(&tree, k, target, .set(v), "\(path).add.\(target)", reader: &reader) && ok
                        continue
                    }
                    ok = edit(&tree, k, target, key == "set" ? .set(v) : .append(v), "\(path).\(key).\(target)", reader: &reader) && ok
                }
            default:
                break
            }
        }
        return ok ? tree : nil
    }

    static func edit(_ tree: inout Node, _ node: Node, _ target: String, _ change: TreePath.Edit, _ path: String, reader: inout NodeReader) -> Bool {
        guard let segments = TreePath.segments(target), !segments.isEmpty, !target.hasPrefix("variants") else {
            reader.error(node, path, "expected a dotted path into the scenario such as 'areas.logistics.staff' or 'journeys.order.steps.credit-check', found '\(target)'")
            return false
        }
        do {
            tree = try TreePath.edit(segments[...], in: tree, at: "", change)
            return true
        } catch {
            reader.error(node, path, error.reason)
            return false
        }
    }
}

/// `--variant NAME` names no variant of the scenario: bad command-line use, like a `--set`
/// path that leads nowhere.
public struct UnknownVariant: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var message: String
    public var description: String { "--variant \(name): \(message)" }
}
