import Yams

/// Walks a YAML node tree, reading typed values and recording a located diagnostic for every
/// problem instead of stopping at the first.
struct NodeReader {
    /// The scenario file first, then the files it builds on (`extends`), for locating findings.
    /// A file's lines are kept only when it looks like a scenario (a line starts with one of the
    /// format's top-level keys): a diagnostic never quotes a file that is not one.
    private(set) var files: [(path: String, lines: [Substring])] = []
    /// Where the files a scenario names may be read from; `nil`: nowhere.
    var root: ReadRoot?
    var file: String { files[0].path }
    var lines: [Substring] { files[0].lines }
    /// `--set` overrides: a value without a source position came from one of them.
    var overrides: [Override]
    var diagnostics: [Diagnostic] = []
    /// The findings already reported, so that the same one is said once without searching
    /// every earlier finding (a file with a warning per area made that quadratic).
    private var reported = Set<Diagnostic>()
    /// Name comparisons left for "did you mean" suggestions. Each suggestion compares the
    /// misspelt name with every candidate; a file with tens of thousands of names and as many
    /// misspellings would spend minutes on them, so beyond this budget messages go without.
    private var suggestionBudget = 5_000_000

    init(file: String, text: String, overrides: [Override] = [], root: ReadRoot? = nil) {
        self.overrides = overrides
        self.root = root
        _ = addFile(path: file, text: text)
    }

    /// The anchors that label nodes from files other than the first. Yams holds anchors
    /// weakly; the reader keeps them alive for as long as the tree is read.
    private(set) var fileAnchors: [Anchor] = []

    /// Registers another source file; returns its index.
    mutating func addFile(path: String, text: String) -> Int {
        fileAnchors.append(Anchor(rawValue: Composition.fileAnchorPrefix + String(files.count)))
        // `\r\n` is one Character in Swift, and a newline: files saved on Windows split correctly.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let content = lines.contains { line in !line.allSatisfy(\.isWhitespace) && !line.drop(while: \.isWhitespace).hasPrefix("#") }
        files.append((path, !content || lines.contains(where: Self.startsScenarioKey) ? lines : []))
        return files.count - 1
    }

    /// `version: 1`, `{"version": 1`: the line every scenario declares (in block style, flow
    /// style or JSON) and that a password file, a key, a configuration file or a compose file
    /// (`version: "3.8"`) does not have.
    /// A file that extends another inherits its version, so its `extends:` line marks it too.
    static func startsScenarioKey(_ line: Substring) -> Bool {
        var rest = line.drop { $0 == " " || $0 == "\t" || $0 == "{" }
        func quote() { if rest.first == "\"" || rest.first == "'" { rest = rest.dropFirst() } }
        quote()
        if rest.hasPrefix("extends") {
            rest = rest.dropFirst("extends".count)
            quote()
            return rest.drop { $0 == " " || $0 == "\t" }.hasPrefix(":")
        }
        guard rest.hasPrefix("version") else { return false }
        rest = rest.dropFirst("version".count)
        quote()
        guard rest.hasPrefix(":") else { return false }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        quote()
        guard rest.hasPrefix("1") else { return false }
        rest = rest.dropFirst()
        return rest.first.map { !$0.isNumber && $0 != "." } ?? true
    }

    /// Whether the file at `index` has content but nothing that looks like a scenario.
    func isForeign(_ index: Int) -> Bool {
        files[index].lines.isEmpty
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The diagnostics in source order, as a compiler lists them; those about the whole file first.
    var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let ka = (a.element.line ?? 0, a.element.column ?? 0, a.offset)
            let kb = (b.element.line ?? 0, b.element.column ?? 0, b.offset)
            return ka < kb
        }.map(\.element)
    }

    mutating func report(_ severity: Diagnostic.Severity, at node: Node?, _ path: String, _ message: String) {
        if let node, node.mark == nil,
           let override = overrides.last(where: { o in
               let p = o.resolvedPath ?? o.path
               return path == p || path.hasPrefix(p + ".") || path.hasPrefix(p + "[")
           }) {
            diagnostics.append(Diagnostic(severity: severity, file: "--set \(override)", line: nil, column: nil, path: path, message: message))
            return
        }
        let mark = node?.mark
        let line = mark?.line, column = mark?.column
        let source = node.map { files[Composition.fileIndex(of: $0)] } ?? files[0]
        let text = line.flatMap { $0 >= 1 && $0 <= source.lines.count ? String(source.lines[$0 - 1]) : nil }
        report(severity, file: source.path, line: line, column: column, source: text, path: path, message)
    }

    /// A finding in another file (an arrivals CSV), located directly.
    mutating func report(_ severity: Diagnostic.Severity, file: String, line: Int?, column: Int?, source: String?, path: String, _ message: String) {
        // The same finding twice (an order book read by two demand types) is said once.
        let d = Diagnostic(severity: severity, file: file, line: line, column: column, path: path, message: message, sourceLine: source)
        if reported.insert(d).inserted { diagnostics.append(d) }
    }

    mutating func error(_ node: Node?, _ path: String, _ message: String) { report(.error, at: node, path, message) }

    /// The closest candidate to a misspelt name, while the suggestion budget lasts.
    mutating func suggestion(for name: String, among candidates: [String]) -> String? {
        guard suggestionBudget >= candidates.count else { return nil }
        suggestionBudget -= candidates.count
        return SimScenario.suggestion(for: name, among: candidates)
    }
    mutating func warning(_ node: Node?, _ path: String, _ message: String) { report(.warning, at: node, path, message) }

    /// Text as a message quotes it: line breaks, control characters and invisible characters
    /// (zero-width spaces, no-break spaces, byte-order marks) written as escapes, so that a
    /// diagnostic stays on one line and `'sta\u{200B}ff'` does not read as `'staff'`.
    static func shown(_ text: String, keepingTabs: Bool = false) -> String {
        // Printable ASCII shows as itself; asking for each scalar's general category costs more
        // than the rest of a file's check when it has a warning per line.
        if text.utf8.allSatisfy({ (0x20..<0x7F).contains($0) || keepingTabs && $0 == 0x09 }) { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += keepingTabs ? "\t" : "\\t"
            case "\r": out += "\\r"
            default:
                let invisible = scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0xA0).contains(scalar.value)
                    || scalar.properties.generalCategory == .format || scalar.properties.generalCategory == .spaceSeparator && scalar != " "
                    || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator
                out += invisible ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
            }
        }
        return out
    }

    /// How a node looks, for "found …" in messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return s.string.isEmpty ? "nothing" : "'\(shown(s.string))'"
        case .mapping: return "a mapping"
        case .sequence(let items): return items.isEmpty ? "an empty list" : "a list"
        case .alias: return "an alias"
        }
    }

    /// The entries of a mapping, in document order, with unknown keys and missing required keys
    /// reported. `nil` when the node is not a mapping.
    mutating func mapping(_ node: Node, _ path: String, allowed: [String], required: [String] = [], what: String? = nil)
        -> Entries?
    {
        guard case .mapping(let mapping) = node else {
            error(node, path, "expected \(what ?? "a mapping with keys \(Self.list(allowed))"), found \(Self.describe(node))")
            return nil
        }
        var entries = Entries()
        for (keyNode, value) in Self.mergingKeys(mapping) {
            guard let key = keyNode.scalar?.string else {
                error(keyNode, path, "expected a name as key, found \(Self.describe(keyNode))")
                continue
            }
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            // Top-level keys starting with `x-` hold anchors for reuse (`x-defaults: &slow …`), as in
            // Compose files; they are not part of the model.
            if path.isEmpty && key.hasPrefix("x-") { continue }
            if !allowed.contains(key) {
                var message = "unknown key '\(Self.shown(key))'"
                if let near = suggestion(for: key, among: allowed) {
                    message += "; did you mean '\(near)'?"
                } else {
                    message += "; expected one of \(Self.list(allowed))"
                }
                error(keyNode, keyPath, message)
                continue
            }
            if key == "description", value.scalar == nil {
                error(value, keyPath, "expected text, found \(Self.describe(value))")
            }
            entries.append(key: key, keyNode: keyNode, value: value)
        }
        for key in required where entries[key] == nil {
            error(node, path, "missing key '\(key)'\(what.map { " in \($0)" } ?? "")")
        }
        return entries
    }

    /// The pairs of a mapping with YAML merge keys (`<<: *defaults`) resolved: the merged
    /// mapping's pairs come first, and keys written explicitly win.
    static func mergingKeys(_ mapping: Node.Mapping) -> [(Node, Node)] {
        // Most mappings have no merge key: their pairs are the answer.
        if !mapping.contains(where: { $0.key.scalar?.string == "<<" }) { return mapping.map { ($0.key, $0.value) } }
        var explicit: [(Node, Node)] = []
        var merged: [(Node, Node)] = []
        for (key, value) in mapping {
            guard key.scalar?.string == "<<" else { explicit.append((key, value)); continue }
            let sources: [Node] = value.sequence.map(Array.init) ?? [value]
            for case .mapping(let source) in sources { merged.append(contentsOf: mergingKeys(source)) }
        }
        let names = Set(explicit.compactMap { $0.0.scalar?.string })
        return merged.filter { !names.contains($0.0.scalar?.string ?? "") } + explicit
    }

    /// A mapping from user-chosen names (areas, demand types) to definitions, in document order.
    mutating func namedMapping(_ node: Node, _ path: String, what: String) -> [(name: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            error(node, path, "expected a mapping from \(what) names to their definitions, found \(Self.describe(node))")
            return []
        }
        var out: [(String, Node, Node)] = []
        for (keyNode, value) in Self.mergingKeys(mapping) {
            guard let name = keyNode.scalar?.string, !name.isEmpty else {
                error(keyNode, path, "expected \(Self.article(what)) name, found \(Self.describe(keyNode))")
                continue
            }
            if name.contains(".") || name.contains("/") || name.contains(where: { $0.isWhitespace || Self.isControl($0) }) {
                error(keyNode, "\(path).\(name)", "\(Self.article(what).capitalizedFirst) name may not contain spaces, line breaks, '.' or '/', found '\(Self.shown(name))'")
                continue
            }
            out.append((name, keyNode, value))
        }
        return out
    }

    /// A control character (C0, DEL, C1): never part of a name or a title.
    static func isControl(_ c: Character) -> Bool {
        c.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// Text on one line, for what reports print as a line of its own (the scenario's name, a
    /// step's): a line break there would start a line of the report's choosing, such as a CI
    /// runner's command (`::error::`).
    mutating func singleLine(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        if text.contains(where: { $0.isNewline || Self.isControl($0) }) {
            error(node, path, "expected text on one line, found '\(Self.shown(text))' with a line break or a control character; names and titles are printed on lines of their own")
            return nil
        }
        return text
    }

    mutating func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let s) = node, !s.string.isEmpty else {
            error(node, path, "expected text, found \(Self.describe(node))")
            return nil
        }
        return s.string
    }

    mutating func integer(_ node: Node, _ path: String, atLeast minimum: Int, atMost maximum: Int = Int(Int32.max), what: String) -> Int? {
        guard case .scalar(let s) = node, let value = Int(s.string) else {
            if case .scalar(let s) = node, case let digits = s.string.drop(while: { $0 == "-" || $0 == "+" }), !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                error(node, path, "expected \(what), found \(s.string), \(s.string.hasPrefix("-") ? "below the smallest" : "above the largest") value procsim accepts here (\(s.string.hasPrefix("-") ? minimum : maximum))")
            } else {
                error(node, path, "expected \(what), found \(Self.describe(node))")
            }
            return nil
        }
        guard value >= minimum else {
            error(node, path, "expected \(what), found \(value)")
            return nil
        }
        guard value <= maximum else {
            error(node, path, "expected \(what), found \(value), above the largest value procsim accepts here (\(maximum))")
            return nil
        }
        return value
    }

    /// A duration with a unit; `positive` also refuses zero.
    mutating func duration(_ node: Node, _ path: String, positive: Bool = false) -> Double? {
        let expected = positive ? "a positive duration with a unit (90s, 30m, 4h, 2d, 1w)" : "a duration with a unit (90s, 30m, 4h, 2d, 1w)"
        guard case .scalar(let s) = node else {
            error(node, path, "expected \(expected), found \(Self.describe(node))")
            return nil
        }
        guard let value = Quantities.duration(s.string) else {
            if Double(s.string) != nil {
                error(node, path, "expected \(expected), found '\(s.string)' without a unit; write for example '\(s.string)m' or '\(s.string)h'")
            } else if let problem = Quantities.unitProblem(s.string) {
                error(node, path, "expected \(expected), found '\(Self.shown(s.string))': \(problem)")
            } else {
                error(node, path, "expected \(expected), found '\(Self.shown(s.string))'")
            }
            return nil
        }
        if value < 0 || (positive && value == 0) {
            error(node, path, "expected \(expected), found \(value < 0 ? "a negative duration" : "zero") '\(s.string)'")
            return nil
        }
        if value > Quantities.longestDuration {
            error(node, path, "expected \(expected) of at most 36525d (a hundred years), found '\(s.string)'")
            return nil
        }
        return value
    }

    /// A probability in [0, 1], written `0.15` or `15%`.
    mutating func probability(_ node: Node, _ path: String) -> Double? {
        guard case .scalar(let s) = node, let value = Quantities.fraction(s.string) else {
            error(node, path, "expected a probability such as 0.15 or 15%, found \(Self.describe(node))")
            return nil
        }
        guard value >= 0 && value <= 1 else {
            error(node, path, "expected a probability between 0 and 1 (0% to 100%), found '\(Self.scalarText(node))'")
            return nil
        }
        return value
    }

    /// A plain number (an attribute's value), at least zero; `positive` also refuses zero.
    mutating func number(_ node: Node, _ path: String, positive: Bool = false) -> Double? {
        guard case .scalar(let s) = node, let value = Double(s.string), value.isFinite, value >= 0, !(positive && value == 0) else {
            error(node, path, "expected a \(positive ? "positive " : "")number such as 5000, found \(Self.describe(node))")
            return nil
        }
        return value
    }

    /// A positive plain number (a shape, a coefficient of variation).
    mutating func positiveNumber(_ node: Node, _ path: String, what: String) -> Double? {
        guard case .scalar(let s) = node, let value = Double(s.string), value.isFinite else {
            error(node, path, "expected \(what), found \(Self.describe(node))")
            return nil
        }
        guard value > 0 else {
            error(node, path, "expected \(what), found \(s.string)")
            return nil
        }
        return value
    }

    static func scalarText(_ node: Node) -> String { node.scalar?.string ?? "" }

    /// "an area", "a demand type".
    static func article(_ noun: String) -> String {
        ("aeiou".contains(noun.first ?? "x") ? "an " : "a ") + noun
    }

    /// Names quoted for a message; a long list (the areas of a file with thousands) is cut
    /// short, so that a message per misspelling does not repeat every name.
    static func list(_ names: [String]) -> String {
        let shown = names.prefix(listLimit).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > listLimit ? shown + " and \(names.count - listLimit) more" : shown
    }
    static let listLimit = 30
}

/// The entries of one mapping, in document order, addressable by key.
struct Entries {
    private(set) var items: [(key: String, keyNode: Node, value: Node)] = []

    /// The keys alone, searched without copying the nodes beside them (that copying, with its
    /// reference counting, was a tenth of the time of loading a large file).
    private var keys: [String] = []

    mutating func append(key: String, keyNode: Node, value: Node) {
        items.append((key, keyNode, value))
        keys.append(key)
    }

    subscript(key: String) -> Node? { keys.firstIndex(of: key).map { items[$0].value } }
    func keyNode(_ key: String) -> Node? { keys.firstIndex(of: key).map { items[$0].keyNode } }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
