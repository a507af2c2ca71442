import Foundation
import SimKernel
import SimExpressions
import SimModel
import Yams

/// A scenario file, loaded and validated.
public struct Scenario: Sendable {
    public var model: Model
    /// The seed the file asks for, if any (the command line wins).
    public var seed: UInt64?
    public var file: String
    /// FNV-1a 64-bit hash of the file's bytes, as hex: identifies the input in provenance.
    public var contentHash: String
    /// Findings that let the run go ahead (unstable areas, unreachable steps, …).
    public var warnings: [Diagnostic]
    public var analysis: FlowAnalysis
    /// The variant applied, if any, and every variant the file defines.
    public var variant: String?
    public var variantNames: [String]
    /// The file's `expect:` entries, parsed.
    public var expectations: [Expectation]
    /// Named windows of time (the campaigns), in seconds after the start: `plan` can staff an
    /// area differently in one (`areas.logistics.staff@spring-sale`).
    public var periods: [Period] { model.campaigns }
    /// The instant the simulation starts (`start:` in `timezone:`; a Monday in 2024 when the
    /// scenario names none) and its time zone: event logs carry real dates.
    public var start: Date = Date(timeIntervalSince1970: 0)
    public var timeZone: TimeZone = TimeZone(identifier: "UTC")!
    /// Every file read to make this scenario: the file, the files it `extends`, its order
    /// books. An output must not be any of them.
    public var inputFiles: [String] = []
    /// `mode: terminating`: a run that starts empty and observes everything up to the horizon,
    /// so no warm-up applies to it (`--warmup` is refused as `warmup:` in the file is).
    public var terminating = false
    /// `tolerances:`, for `check --baseline`.
    public var tolerances: ToleranceTable
    /// The model's part of the tree a run sees (the file with its `extends`, variant and
    /// overrides applied; no `variants`, `expect` or `tolerances`), as YAML. A baseline records
    /// it, so that more replications of the base can be run later from exactly this model.
    public var resolvedYAML: String { resolvedText.value }
    /// Serialized on first use: most commands never record a baseline, and serializing a large
    /// tree costs a sixth of loading it.
    let resolvedText: ResolvedText
}

/// The YAML of a resolved tree, serialized once, when first asked for. The tree is only read
/// (under the lock, since Yams tags resolve themselves lazily) and released once serialized.
final class ResolvedText: @unchecked Sendable {
    private let lock = NSLock()
    private var tree: Node?
    private var text: String?

    init(_ tree: Node?) { self.tree = tree }

    var value: String {
        lock.withLock {
            if let text { return text }
            let made = tree.map(Composition.resolvedText) ?? ""
            text = made
            tree = nil
            return made
        }
    }
}

/// A file that cannot be read at all (exit code 66), as opposed to one that reads but is wrong.
public struct UnreadableFile: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    /// What the file was to be: "scenario file", "partial result".
    public var what: String

    public init(path: String, reason: String, what: String = "scenario file") {
        self.path = path
        self.reason = reason
        self.what = what
    }
    public var description: String { "\(path): error: cannot read the \(what): \(reason)" }
}

/// A named window of elapsed time: a campaign.
public typealias Period = Campaign

/// Reads scenario files: YAML → `Scenario`, reporting every problem with its location.
public enum ScenarioLoader {

    /// Loads a file, with `--set` overrides applied. Throws `UnreadableFile` when it cannot be read,
    /// `OverrideError` when an override's path leads nowhere, `ScenarioError` when it is invalid.
    /// `root` is the folder tree the files it names may come from (default: the file's folder).
    public static func load(path: String, variant: String? = nil, overrides: [Override] = [], root: ReadRoot? = nil) throws -> Scenario {
        let bytes = try readScenario(path)
        return try parse(bytes: bytes, file: path, variant: variant, overrides: overrides, root: root)
    }

    /// Scenario bytes: UTF-8 is checked here, with the first bad byte located.
    public static func parse(bytes: [UInt8], file: String, variant: String? = nil, overrides: [Override] = [], root: ReadRoot? = nil) throws -> Scenario {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ScenarioError(diagnostics: [invalidUTF8(bytes, file: file)])
        }
        return try parse(yaml: text, file: file, variant: variant, overrides: overrides, root: root)
    }

    /// The bytes of a scenario file named on the command line, or `UnreadableFile` (exit 66) at
    /// once for anything but a regular file within the size limit.
    static func readScenario(_ path: String) throws(UnreadableFile) -> [UInt8] {
        do {
            return try InputFile.read(path, limit: Composition.maxBytes)
        } catch .tooLarge(let bytes, let limit) {
            throw UnreadableFile(path: path, reason: "the file is \(InputFile.size(bytes)); scenario files are limited to \(InputFile.size(Int64(limit))) (put order books in a CSV file and refer to it with 'arrivals')")
        } catch {
            throw UnreadableFile(path: path, reason: error.description)
        }
    }

    /// The variants a file defines (its own and those of the files it builds on), read without
    /// validating anything else: `validate` checks each even when the base has errors.
    public static func variantNames(path: String, root: ReadRoot? = nil) -> [String] {
        guard let bytes = try? readScenario(path), let text = String(validating: bytes, as: UTF8.self) else { return [] }
        var reader = NodeReader(file: path, text: text, root: root ?? ReadRoot(scenario: path))
        guard let node = Composition.compose(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, file: 0, reader: &reader),
              let root = Composition.resolveExtends(node, file: 0, reader: &reader, chain: [Composition.canonical(path, in: "")]) else { return [] }
        return root.mapping?["variants"]?.mapping?.keys.compactMap { $0.scalar?.string } ?? []
    }

    /// A duration as the scenario language writes it (`90s`, `2d 4h`), in seconds; `nil` when
    /// unreadable. For command-line options that take durations.
    public static func duration(_ text: String) -> Double? { Quantities.duration(text) }

    /// The fingerprint of a file's bytes as provenance records it, or `nil` when it cannot be read.
    /// `nil` too for a file that does not look like a scenario (no `version:` or `extends:`
    /// line): the hash of a secret printed in a public CI log would let anyone test guesses.
    public static func fingerprint(path: String) -> String? {
        guard let bytes = try? readScenario(path), let text = String(validating: bytes, as: UTF8.self),
              text.split(whereSeparator: \.isNewline).contains(where: NodeReader.startsScenarioKey) else { return nil }
        return fnv1a64Hex(bytes)
    }

    /// The fingerprint of a file a scenario was made from (`Scenario.inputFiles`: the file, the
    /// files it extends, its order books), so that a merge can tell it reads the very files its
    /// shards read; `nil` when it can no longer be read.
    /// `limit`: the most bytes such a file may have (default: a scenario's or an order book's;
    /// a baseline's is larger).
    public static func inputFingerprint(path: String, limit: Int? = nil) -> String? {
        guard let bytes = try? InputFile.read(path, limit: limit ?? max(Composition.maxBytes, NodeReader.maxArrivalBytes)) else { return nil }
        return fnv1a64Hex(bytes)
    }

    /// Where the first byte that is not UTF-8 sits, as line and column.
    static func invalidUTF8(_ bytes: [UInt8], file: String) -> Diagnostic {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0, line = 1, lineStart = 0
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar):
                if scalar.count == 1 && scalar.first == UInt8(ascii: "\n") { line += 1; lineStart = offset + 1 }
                offset += scalar.count
            case .error(let length):
                _ = length
                break loop
            case .emptyInput:
                break loop
            }
        }
        let hex = offset < bytes.count ? String(bytes[offset], radix: 16, uppercase: true) : "?"
        if bytes.starts(with: [0xFF, 0xFE, 0, 0]) || bytes.starts(with: [0, 0, 0xFE, 0xFF]) {
            return Diagnostic(
                severity: .error, file: file, line: 1, column: 1, path: "",
                message: "the file is UTF-32 text (it starts with a UTF-32 byte-order mark); save it as UTF-8")
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return Diagnostic(
                severity: .error, file: file, line: 1, column: 1, path: "",
                message: "the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8")
        }
        if looksLikeUTF16(bytes) {
            // Text with a character beyond ASCII (μ, ≈) saved as UTF-16: its NULs come first,
            // but so does a byte that is not UTF-8.
            return Diagnostic(
                severity: .error, file: file, line: 1, column: 1, path: "",
                message: "the file looks like UTF-16 text without a byte-order mark (a NUL byte beside most characters); save it as UTF-8")
        }
        if offset < bytes.count, (0xC2...0xF4).contains(bytes[offset]) {
            // A byte that starts a character whose continuation is missing or wrong.
            return Diagnostic(
                severity: .error, file: file, line: line, column: offset - lineStart + 1, path: "",
                message: "the file is not UTF-8 text: the character that byte 0x\(hex) starts is cut short or malformed, as in a file saved as Latin-1 or Windows-1252; save the file as UTF-8")
        }
        return Diagnostic(
            severity: .error, file: file, line: line, column: offset - lineStart + 1, path: "",
            message: "the file is not UTF-8 text: byte 0x\(hex) cannot start a character here; save the file as UTF-8")
    }

    /// The first character YAML does not allow in a document (a NUL, an escape, another control
    /// character), located; `nil` when there is none. A file of NULs every other byte is UTF-16
    /// without a byte-order mark, and is named so.
    static func forbiddenCharacter(in text: String, file: String) -> Diagnostic? {
        var line = 1, column = 1
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0x0A { line += 1; column = 1; continue }
            let allowed = v == 0x09 || v == 0x0D || (0x20...0x7E).contains(v) || (0xA0...0xD7FF).contains(v)
                || (0xE000...0xFFFD).contains(v) || v >= 0x10000
            if v == 0x85 || v == 0x2028 || v == 0x2029 {
                // YAML breaks lines at them, editors do not: every position after one would be off.
                let name = v == 0x85 ? "NEL (U+0085)" : v == 0x2028 ? "LINE SEPARATOR (U+2028)" : "PARAGRAPH SEPARATOR (U+2029)"
                return Diagnostic(severity: .error, file: file, line: line, column: column, path: "",
                                  message: "\(name) is not allowed in a scenario file: YAML reads it as a line break, most editors do not; use a plain line break")
            }
            if !allowed {
                let name = v == 0 ? "NUL" : v == 0x1B ? "ESC" : v == 0x7F ? "DEL" : "a control character"
                let code = "U+" + String(repeating: "0", count: max(0, 4 - String(v, radix: 16).count)) + String(v, radix: 16, uppercase: true)
                var message = "\(name) (\(code)) is not allowed in a scenario file"
                if v == 0, looksLikeUTF16(text) {
                    message = "the file looks like UTF-16 text without a byte-order mark (a NUL byte beside each character); save it as UTF-8"
                } else {
                    message += "; YAML text may hold tabs, line breaks and printable characters only"
                }
                return Diagnostic(severity: .error, file: file, line: line, column: column, path: "", message: message)
            }
            column += 1
        }
        return nil
    }

    /// NULs at nine in ten of the even or of the odd bytes of the first hundred, and none at
    /// the others: text written as UTF-16 (mostly ASCII, as YAML keys are).
    static func looksLikeUTF16(_ text: String) -> Bool { looksLikeUTF16(Array(text.utf8)) }

    static func looksLikeUTF16(_ bytes: [UInt8]) -> Bool {
        let head = Array(bytes.prefix(100))
        guard head.count >= 4 else { return false }
        let even = stride(from: 0, to: head.count, by: 2).filter { head[$0] == 0 }.count
        let odd = stride(from: 1, to: head.count, by: 2).filter { head[$0] == 0 }.count
        return max(even, odd) * 10 >= head.count / 2 * 9 && min(even, odd) == 0
    }

    /// Parses and validates scenario text; `file` is used in diagnostics and to find the files
    /// it refers to (`extends`, arrival lists), relative to its folder.
    public static func parse(yaml source: String, file: String, variant: String? = nil, overrides: [Override] = [], root: ReadRoot? = nil) throws -> Scenario {
        var source = try Composed(yaml: source, file: file, overrides: overrides, root: root ?? ReadRoot(scenario: file))
        let variantNames = source.root.mapping?["variants"]?.mapping?.keys.compactMap { $0.scalar?.string } ?? []
        if let variant {
            guard let changed = try Composition.applyVariant(variant, to: source.root, reader: &source.reader) else {
                throw ScenarioError(diagnostics: source.reader.sorted)
            }
            source.root = changed
        }
        return try source.scenario(variant: variant, variantNames: variantNames, overrides: overrides)
    }

    /// Checks every variant a file defines (its own and its bases'), in the order written,
    /// calling `body` with each: the warnings of a valid variant, or the error that stops it
    /// (`ScenarioError`, `OverrideError`). Nothing is called when the file itself cannot be
    /// composed. What `validate` needs; `load(path:variant:)` gives a variant's scenario.
    ///
    /// The file and its bases are read and composed once, and each variant is built without
    /// the `variants` section (the file's own check covers it) and without the resolved YAML
    /// a baseline records: loading the whole file again per variant made `validate`
    /// quadratic in the number of variants.
    public static func forEachVariant(path: String, overrides: [Override] = [], root: ReadRoot? = nil, _ body: (String, Result<[Diagnostic], any Error>) throws -> Void) rethrows {
        guard let bytes = try? readScenario(path), let text = String(validating: bytes, as: UTF8.self),
              let source = try? Composed(yaml: text, file: path, overrides: overrides, root: root ?? ReadRoot(scenario: path)),
              case .mapping(var top) = source.root, let section = top["variants"]?.mapping else { return }
        top["variants"] = nil
        for (key, definition) in section {
            guard let name = key.scalar?.string else { continue }
            var variant = source
            let outcome: Result<[Diagnostic], any Error>
            do {
                guard let changed = Composition.applyVariant(named: name, definition, to: .mapping(top), reader: &variant.reader) else {
                    throw ScenarioError(diagnostics: variant.reader.sorted)
                }
                variant.root = changed
                outcome = .success(try variant.scenario(variant: name, variantNames: [], overrides: overrides, resolving: false).warnings)
            } catch {
                outcome = .failure(error)
            }
            try body(name, outcome)
        }
    }

    /// Where `key:` is written for the second time, in block or flow style, from a line on.
    static func secondOccurrence(of key: String, in lines: [Substring], after start: Int) -> (line: Int, column: Int)? {
        var seen = 0
        for index in max(0, start - 1)..<lines.count {
            let text = String(lines[index])
            var searchFrom = text.startIndex
            while let range = text.range(of: key + ":", range: searchFrom..<text.endIndex) {
                let before = range.lowerBound == text.startIndex ? " " : text[text.index(before: range.lowerBound)]
                if " {,-\t".contains(before) {
                    seen += 1
                    if seen == 2 { return (index + 1, text.distance(from: text.startIndex, to: range.lowerBound) + 1) }
                }
                searchFrom = range.upperBound
            }
        }
        return nil
    }

    static func syntaxDiagnostics(_ error: Error, file: String, lines: [Substring]) -> [Diagnostic] {
        var problem = "the file is not valid YAML"
        var mark: Mark?
        switch error as? YamlError {
        case .scanner(let context, let p, let m, _), .parser(let context, let p, let m, _), .composer(let context, let p, let m, _):
            problem = "invalid YAML: \(p)"
            mark = m
            if p.hasPrefix("Maximum nesting level reached") {
                problem = "the document is nested more than \(Composition.maxDepth) levels deep; a scenario needs about eight"
            } else if let context, context.mark.line != m.line || context.mark.column != m.column {
                // An unclosed bracket is found at the end of the file; say where it was opened.
                problem += " (\(context.text) that starts at line \(context.mark.line), column \(context.mark.column))"
            }
            if m.line >= 1 && m.line <= lines.count && lines[m.line - 1].contains("\t") {
                problem += "; YAML does not allow tabs for indentation, use spaces"
            }
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams reports where the mapping starts; point at each key's second appearance instead.
            return duplicates.map { key in
                let found = secondOccurrence(of: key, in: lines, after: context.mark.line)
                let line = found?.line ?? context.mark.line, column = found?.column ?? context.mark.column
                return Diagnostic(
                    severity: .error, file: file, line: line, column: column, path: "",
                    message: "the key '\(key)' appears a second time in the same mapping; each key may appear once",
                    sourceLine: line >= 1 && line <= lines.count ? String(lines[line - 1]) : nil)
            }
        case .reader(let p, _, _, _):
            problem = "the file cannot be read as YAML: \(p)"
        default:
            break
        }
        let source = mark.flatMap { $0.line >= 1 && $0.line <= lines.count ? String(lines[$0.line - 1]) : nil }
        return [Diagnostic(severity: .error, file: file, line: mark?.line, column: mark?.column, path: "", message: problem, sourceLine: source)]
    }

    static func fnv1a64Hex(_ bytes: [UInt8]) -> String {
        let hex = String(StreamKeying.fnv1a(bytes), radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// A scenario file composed into one tree (its bases merged in), with the reader holding the
/// findings so far: what every variant of the file starts from.
struct Composed {
    var root: Node
    var reader: NodeReader
    let file: String
    /// The fingerprint of the file's text, for provenance.
    let contentHash: String

    /// `root`: where the files the scenario names may be read from; `nil`: nowhere.
    init(yaml source: String, file: String, overrides: [Override], root readRoot: ReadRoot?) throws(ScenarioError) {
        // A byte-order mark, as Windows editors write, is not content.
        let text = source.hasPrefix("\u{FEFF}") ? String(source.dropFirst()) : source
        var reader = NodeReader(file: file, text: text, overrides: overrides, root: readRoot)
        guard let composed = Composition.compose(text, file: 0, reader: &reader),
              let root = Composition.resolveExtends(composed, file: 0, reader: &reader, chain: [Composition.canonical(file, in: "")])
        else { throw ScenarioError(diagnostics: reader.sorted, fileRefused: true) }
        if let variants = root.mapping?["variants"], let count = variants.mapping?.count, count > Composition.maxVariants {
            // Each variant is a model of its own to check: a bound keeps `validate` within its time.
            reader.error(variants, "variants", "the file defines \(count) variants; at most \(Composition.maxVariants) are checked, so split them into files that extend this one")
            throw ScenarioError(diagnostics: reader.sorted, fileRefused: true)
        }
        self.root = root
        self.reader = reader
        self.file = file
        contentHash = ScenarioLoader.fnv1a64Hex(Array(text.utf8))
    }

    /// The validated scenario of this tree (a variant already applied): overrides, the model,
    /// the checks of its flow, expectations and tolerances.
    /// `resolving: false` leaves `resolvedYAML` empty and lets the tree go at once.
    func scenario(variant: String?, variantNames: [String], overrides: [Override], resolving: Bool = true) throws -> Scenario {
        var root = self.root
        var reader = self.reader
        var resolved: [Override] = []
        for var override in overrides {
            if let segments = TreePath.segments(override.path) { override.resolvedPath = TreePath.resolved(segments, in: root) }
            root = try override.apply(to: root)
            resolved.append(override)
        }
        reader.overrides = resolved
        var builder = ModelBuilder(reader: reader)
        builder.folder = (file as NSString).deletingLastPathComponent.isEmpty ? "." : (file as NSString).deletingLastPathComponent
        let result = builder.build(root, file: file)
        guard let (model, seed) = result, !builder.reader.hasErrors else {
            // The expectations are still checked, against the names the file writes, so that
            // their problems are not hidden behind the model's.
            _ = builder.expectations(root.mapping?["expect"], model: ModelBuilder.skeleton(of: root))
            throw ScenarioError(diagnostics: builder.reader.sorted)
        }
        let analysis = FlowAnalysis(model: model)
        builder.checkFlow(model, analysis: analysis)
        let expectations = builder.expectations(root.mapping?["expect"], model: model)
        let tolerances = builder.tolerances(root.mapping?["tolerances"], model: model)
        reader = builder.reader
        if reader.hasErrors { throw ScenarioError(diagnostics: reader.sorted) }
        var scenario = Scenario(
            model: model, seed: seed, file: file, contentHash: contentHash,
            warnings: reader.sorted, analysis: analysis, variant: variant, variantNames: variantNames,
            expectations: expectations, tolerances: tolerances, resolvedText: ResolvedText(resolving ? root : nil))
        scenario.start = builder.clock.start
        scenario.timeZone = builder.clock.calendar.timeZone
        scenario.terminating = builder.terminating
        scenario.inputFiles = reader.files.map(\.path) + builder.orderBooks.values.map(\.file).sorted()
        return scenario
    }
}

/// Turns the node tree into a `Model`, resolving names to indices.
struct ModelBuilder {
    var reader: NodeReader
    /// Where areas, journeys and steps were defined, for findings about the model as a whole.
    var nodes: [String: Node] = [:]
    /// Every calendar name, valid or not, so that a reference to a broken calendar is not also
    /// reported as unknown.
    var calendarNames: [String] = []
    /// The folder of the scenario file: CSV files are found relative to it.
    var folder: String = "."
    /// The scenario's clock, calendars and horizon, once read: handoffs collect on them.
    var clock = LocalClock(start: LocalClock.defaultStart, timeZone: TimeZone(identifier: "UTC")!)
    var calendars: [String: WeeklyHours] = [:]
    var horizon: Double?
    /// The campaigns' windows, once read.
    var periods: [Period] = []
    /// `mode: terminating`: the run starts empty and observes everything (no warm-up).
    var terminating = false
    /// Campaigns whose `demand:` names the types they multiply (the others multiply every type).
    var namedDemands: Set<String> = []
    /// Each demand type's `rate`, as written (per second), before patterns and campaigns.
    var rates: [String: Double] = [:]
    /// The attributes items may carry (read ahead: journeys' conditions name them).
    var attributes: [Attribute] = []
    /// Whether the file gives a horizon (valid or not): a missing one is reported once, at the
    /// place that needs it; an invalid one has its own error.
    var horizonGiven = false
    /// Each calendar's open hours over the horizon (the default office's under `nil`), built
    /// once: a timetable walks every day of the horizon through Foundation's calendar, and
    /// thousands of demand types or areas on one calendar rebuilt it each time.
    var timetables: [String?: Timetable] = [:]
    /// Local times converted to elapsed seconds on the scenario's clock, remembered: every
    /// demand type's rate profile walks the same days.
    var instants = InstantCache(clock: LocalClock(start: LocalClock.defaultStart, timeZone: TimeZone(identifier: "UTC")!))
    /// The demand type names, for the order-book reader's suggestions.
    var demandNames = NameTable([])
    /// Order books read, by the path written in the scenario.
    var orderBooks: [String: OrderBook] = [:]

    mutating func build(_ root: Node, file: String) -> (Model, UInt64?)? {
        guard let top = reader.mapping(root, "", allowed: Format.topKeys, required: Format.required(Format.top), what: "the scenario") else { return nil }
        if let v = top["version"], reader.integer(v, "version", atLeast: 1, what: "version 1") != nil, NodeReader.scalarText(v) != "1" {
            reader.error(v, "version", "this procsim reads version 1 scenarios, found version \(NodeReader.scalarText(v))")
        }
        let defaultName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = top["name"].flatMap { reader.singleLine($0, "name") } ?? defaultName
        if let d = top["description"] { _ = reader.string(d, "description") }
        var seed: UInt64?
        if let s = top["seed"] {
            if case .scalar(let scalar) = s, let value = UInt64(scalar.string) { seed = value } else {
                reader.error(s, "seed", "expected a whole number from 0 to 18446744073709551615, found \(NodeReader.describe(s))")
            }
        }
        let horizon = top["horizon"].flatMap { reader.duration($0, "horizon", positive: true) }
        horizonGiven = top["horizon"] != nil
        nodes["horizon"] = top.keyNode("horizon")
        let warmup = top["warmup"].flatMap { reader.duration($0, "warmup") } ?? 0
        if let m = top["mode"], let mode = reader.string(m, "mode") {
            terminating = mode == "terminating"
            if mode == "terminating", let w = top["warmup"], warmup > 0 {
                reader.error(w, "warmup", "a terminating run starts empty and observes everything up to the horizon; remove 'warmup' or set 'mode: steady-state'")
            } else if mode != "terminating" && mode != "steady-state" {
                reader.error(m, "mode", unknown("mode", mode, ["terminating", "steady-state"]))
            }
        }
        let clock = readClock(top)
        calendarNames = top["calendars"]?.mapping.map { $0.keys.compactMap { $0.scalar?.string } } ?? []
        let calendars = readCalendars(top["calendars"])
        let calendarTime = top["start"] != nil || top["timezone"] != nil || top["calendars"] != nil

        let systems = readSystems(top["systems"], horizon: horizon)
        let systemNames = NameTable(top["systems"]?.mapping?.keys.compactMap { $0.scalar?.string } ?? [])

        // Areas first: journeys refer to them.
        let areaEntries = top["areas"].map { reader.namedMapping($0, "areas", what: "area") } ?? []
        var areas: [Area] = []
        for (name, keyNode, node) in areaEntries {
            let path = "areas.\(name)"
            nodes[path] = keyNode
            var staff: Int?
            var staffInvalid = false
            var queueLimit: Int?
            var schedule: StaffSchedule?
            var needs: [Int] = []
            var callIn: CallIn?
            var setup: Distribution?
            var cost: Double?
            var shifts: [Shift] = []
            if let fields = reader.mapping(node, path, allowed: Format.areaKeys, required: Format.required(Format.area), what: "area '\(name)'") {
                if let s = fields["staff"] {
                    if NodeReader.scalarText(s) == "unlimited" { staff = nil } else if case .scalar(let text) = s, Int(text.string) == nil,
                                                                                     Names.nearest(text.string.lowercased(), among: ["unlimited"]) != nil {
                        reader.error(s, "\(path).staff", "expected a whole number of staff of at least 1, or 'unlimited', found '\(NodeReader.shown(text.string))'; did you mean 'unlimited'?")
                        staffInvalid = true
                    } else {
                        staff = reader.integer(s, "\(path).staff", atLeast: 1, atMost: 1_000_000, what: "a whole number of staff of at least 1, or 'unlimited'")
                        staffInvalid = staff == nil
                    }
                }
                if let q = fields["queue_limit"] {
                    queueLimit = reader.integer(q, "\(path).queue_limit", atLeast: 0, what: "a whole number of waiting places of at least 0")
                    if NodeReader.scalarText(fields["staff"] ?? q) == "unlimited" {
                        reader.warning(q, "\(path).queue_limit", "area '\(name)' has unlimited staff, so nobody ever waits and the queue limit has no effect")
                    }
                }
                if !staffInvalid {
                    schedule = staffSchedule(fields, path, staff: staff, horizon: horizon, clock: clock, calendars: calendars, shiftList: &shifts)
                }
                if let c = fields["cost"] {
                    if let x = Quantities.costRate(NodeReader.scalarText(c)), x >= 0 {
                        cost = x
                    } else {
                        reader.error(c, "\(path).cost", "expected what one person costs per period, such as '3200/month' (periods: hour, day, week, month, year), found \(NodeReader.describe(c))")
                    }
                }
                if let n = fields["needs"] { needs = systemReferences(n, "\(path).needs", names: systemNames) }
                if let c = fields["call_in"] { callIn = callInRule(c, "\(path).call_in", unlimited: staff == nil && !staffInvalid) }
                setup = fields["setup"].flatMap { distribution($0, "\(path).setup") }
                if let d = fields["description"] { _ = reader.string(d, "\(path).description") }
            }
            var area = Area(name: name, staff: staff, queueLimit: queueLimit, schedule: schedule)
            area.systems = needs
            area.callIn = callIn
            area.setup = setup
            area.costPerSecond = cost
            area.shifts = shifts
            // Who is employed when follows from the shifts, as it does for a plan's edits.
            area.resolveShifts(horizon: horizon)
            areas.append(area)
        }
        if top["areas"] != nil && areaEntries.isEmpty && !reader.hasErrors {
            reader.error(top["areas"], "areas", "expected at least one area")
        }

        // Journeys next: demand refers to them.
        // Demand type names first: a step's complaint names the demand type it creates.
        demandNames = NameTable(top["demand"]?.mapping?.keys.compactMap { $0.scalar?.string } ?? [])
        attributes = collectAttributes(top["demand"])
        self.clock = clock
        instants = InstantCache(clock: clock)
        self.calendars = calendars
        self.horizon = horizon
        let journeyEntries = top["journeys"].map { reader.namedMapping($0, "journeys", what: "journey") } ?? []
        let journeyNames = NameTable(journeyEntries.map(\.name))
        let areaNames = NameTable(areas.map(\.name))
        var journeys: [Journey] = []
        for (name, keyNode, node) in journeyEntries {
            nodes["journeys.\(name)"] = keyNode
            journeys.append(journey(name, node, areas: areas, areaNames: areaNames))
        }

        let demandEntries = top["demand"].map { reader.namedMapping($0, "demand", what: "demand type") } ?? []
        demandNames = NameTable(demandEntries.map(\.name))
        let campaigns = readCampaigns(top["campaigns"], clock: clock, demandNames: demandNames, horizon: horizon)
        // Each demand type's campaigns, gathered once (filtering every campaign's list of
        // demand types per demand type was quadratic).
        var campaignsOf = [[Campaign]](repeating: [], count: demandEntries.count)
        for campaign in campaigns { for d in campaign.demands { campaignsOf[d].append(campaign) } }
        periods = campaigns
        var demands: [Demand] = []
        let time = DemandTime(clock: clock, horizon: horizon, calendars: calendars, calendarTime: calendarTime)
        for (d, (name, _, node)) in demandEntries.enumerated() {
            if let demand = demand(name, node, journeyNames: journeyNames, time: time, campaigns: campaignsOf[d]) {
                demands.append(demand)
            }
        }
        if top["demand"] != nil && demandEntries.isEmpty && !reader.hasErrors {
            reader.error(top["demand"], "demand", "expected at least one demand type")
        }

        // A demand type without arrivals of its own must be created by something.
        var created = Set<Int>()
        // The complaint of a failure the customer is told of (`customer_told: true`, as a variant
        // may set it) is switched off, not missing: its demand type gets no items, which the
        // failure's own warning says; removing the type by hand must not be needed.
        var switchedOff = Set<Int>()
        for journey in journeys {
            for step in journey.steps {
                guard let failure = step.failure, let c = failure.complaint else { continue }
                if failure.customerTold { switchedOff.insert(c.demand) } else { created.insert(c.demand) }
            }
        }
        for d in demands { if let c = d.lateContact { created.insert(c.demand) } }
        for (d, demand) in demands.enumerated() where demands.count == demandNames.count && demand.arrivals == .triggered && !created.contains(d) && !switchedOff.contains(d) {
            reader.error(nodes["demand.\(demand.name)"], "demand.\(demand.name)", "demand type '\(demand.name)' never arrives: give it 'rate' (such as 20/day), 'interarrival' (a gap distribution) or 'arrivals' (a CSV file), or make it the complaint of a step's failure or of a late delivery")
        }
        if horizon == nil && top["horizon"] == nil && !demands.isEmpty && demands.contains(where: { $0.maxArrivals == nil && !$0.isScheduled && $0.arrivals != .triggered }) {
            reader.error(root, "", "missing key 'horizon': a scenario runs for a horizon (such as 'horizon: 90d') unless every demand type sets 'max_arrivals'")
        }
        if let horizon, warmup >= horizon, let w = top["warmup"] {
            reader.warning(w, "warmup", "the warm-up (\(NodeReader.scalarText(w))) is not shorter than the horizon (\(NodeReader.scalarText(top["horizon"]!))): nothing will be observed")
        }
        if let v = top["variants"] {
            for (name, _, value) in reader.namedMapping(v, "variants", what: "variant") {
                _ = reader.mapping(value, "variants.\(name)", allowed: Format.variantKeys, what: "a variant with 'set', 'remove' and/or 'add'")
            }
        }
        if let m = top["mode"], NodeReader.scalarText(m) == "steady-state", warmup == 0 {
            reader.warning(m, "mode", "steady-state mode without a warm-up: the empty start biases every figure; set 'warmup' (such as 'warmup: 10d')")
        }
        if reader.hasErrors { return nil }
        var model = Model(name: name, horizon: horizon, warmup: warmup, areas: areas, demands: demands, journeys: journeys, calendarTime: calendarTime)
        model.systems = systems
        model.attributes = attributes
        model.campaigns = periods
        Self.estimateConditionalBranches(&model)
        return (model, seed)
    }

    mutating func demand(_ name: String, _ node: Node, journeyNames: NameTable, time: DemandTime, campaigns: [Campaign]) -> Demand? {
        let path = "demand.\(name)"
        guard let fields = reader.mapping(node, path, allowed: Format.demandKeys, required: ["journey"], what: "demand type '\(name)'") else { return nil }
        var arrivals: ArrivalProcess?
        let given = ["rate", "interarrival", "arrivals"].filter { fields[$0] != nil }
        if given.count > 1 {
            reader.error(fields.keyNode(given[1]), path, "give one of 'rate' (Poisson arrivals), 'interarrival' (a gap distribution) or 'arrivals' (a CSV file of arrival times), found both '\(given[0])' and '\(given[1])'")
        } else if let r = fields["rate"] {
            if case .scalar(let s) = r, let rate = Quantities.rate(s.string) {
                if rate > 0 && rate.isFinite { arrivals = .poisson(rate: rate); rates[name] = rate } else if rate.isFinite {
                    reader.error(r, "\(path).rate", "expected a positive rate, found '\(s.string)': a demand type that never arrives has nothing to simulate")
                } else {
                    reader.error(r, "\(path).rate", "expected a finite rate, found '\(s.string)'")
                }
            } else {
                reader.error(r, "\(path).rate", "expected a rate with a period (20/day, 3/h, 100/week), found \(NodeReader.describe(r))")
            }
        } else if let g = fields["interarrival"] {
            if let gaps = distribution(g, "\(path).interarrival") {
                if gaps.mean > 0 { arrivals = .renewal(gaps) } else {
                    reader.error(g, "\(path).interarrival", "expected gaps with a positive mean; a mean gap of zero would mean infinitely many arrivals")
                }
            }
        } else if let file = fields["arrivals"] {
            arrivals = scheduledArrivals(file, "\(path).arrivals", demand: name, clock: time.clock, horizon: time.horizon)
        } else {
            // Without arrivals of its own, items come only from other items (complaints); the
            // model check says so if nothing creates any.
            arrivals = .triggered
        }
        // A pattern or a campaign turns a constant rate into a varying one.
        let pattern = fields["pattern"].flatMap { demandPattern($0, "\(path).pattern") }
        var demandShape: DemandShape?
        if pattern != nil || !campaigns.isEmpty, let current = arrivals {
            let culprit = fields.keyNode("pattern") ?? nodes["campaigns.\(campaigns.first?.name ?? "")"]
            if case .poisson(let rate) = current {
                if let horizon = time.horizon {
                    let shape = (pattern ?? DemandPattern()).shape(rate: rate, instants: &instants, horizon: horizon)
                    let profile = shape.profile(horizon: horizon, campaigns: campaigns)
                    demandShape = shape
                    if profile.expectedArrivals(before: horizon) <= 0 {
                        reader.error(culprit, "\(path)", "with its pattern and campaigns, demand type '\(name)' has a rate of zero at all times within the horizon")
                    }
                    arrivals = .varying(profile)
                } else if !horizonGiven {
                    reader.error(culprit, fields["pattern"] != nil ? "\(path).pattern" : path, "a demand pattern or campaign needs a horizon: set 'horizon' (such as 90d)")
                }
            } else if fields["pattern"] != nil {
                reader.error(fields.keyNode("pattern"), "\(path).pattern", "a pattern shapes a Poisson 'rate'; it cannot apply to \(given.first == "arrivals" ? "a list of arrivals" : "gaps from a distribution")")
            } else if case .triggered = current {
                // Items made by other items (complaints, late contacts): a campaign over every
                // demand type multiplies their causes, and so them; only one that names this type
                // deserves a word.
                if let named = campaigns.first(where: { namedDemands.contains($0.name) }) {
                    reader.warning(nodes["campaigns.\(named.name)"], path, "campaign '\(named.name)' names demand type '\(name)', which has no arrivals of its own (its items are made by other items' complaints or contacts): the campaign multiplies their causes, not it")
                }
            } else {
                reader.warning(culprit, path, "campaign '\(campaigns[0].name)' multiplies a Poisson 'rate'; demand type '\(name)' has \(given.first == "arrivals" ? "a list of arrivals" : "gaps from a distribution") and is left unchanged")
            }
        }
        var journey: Int?
        if let j = fields["journey"], let jname = reader.string(j, "\(path).journey") {
            journey = journeyNames.index(of: jname)
            if journey == nil { reader.error(j, "\(path).journey", unknown("journey", jname, journeyNames.names)) }
        }
        let (priority, rules) = fields["priority"].map { priorityRules($0, "\(path).priority") } ?? (0, [])
        let draws = fields["attributes"].map { attributeDraws($0, "\(path).attributes") } ?? []
        var businessHours = WeeklyHours.office
        // The calendar's name, for its timetable's cache; the default office has none.
        var businessCalendar: String?
        if let c = fields["calendar"], let hours = calendarReference(c, "\(path).calendar", calendars: time.calendars) { businessHours = hours; businessCalendar = NodeReader.scalarText(c) }
        var promise: Double?
        var clockKind = PromiseClock.elapsed
        if let p = fields["promise"], let pf = reader.mapping(p, "\(path).promise", allowed: Format.promiseKeys, required: ["lead_time"], what: "a promise such as '{lead_time: 5d}'") {
            if let c = pf["calendar"], let hours = calendarReference(c, "\(path).promise.calendar", calendars: time.calendars) { businessHours = hours; businessCalendar = NodeReader.scalarText(c) }
            promise = pf["lead_time"].flatMap { reader.duration($0, "\(path).promise.lead_time", positive: true) }
            if let c = pf["clock"], let clock = reader.string(c, "\(path).promise.clock") {
                if clock == "business" {
                    clockKind = .business
                    if !time.calendarTime {
                        reader.error(c, "\(path).promise.clock", "the business clock counts working hours on real dates: give the scenario a 'start' date (and 'calendars' if the default Mon–Fri 09:00–17:00 does not fit)")
                    } else if time.horizon == nil {
                        reader.error(c, "\(path).promise.clock", "the business clock needs a horizon: set 'horizon' (such as 90d)")
                    }
                    // Days on the business clock are working days of the promise's calendar.
                    if let text = pf["lead_time"].map(NodeReader.scalarText), let days = promise {
                        promise = Self.businessDuration(text, seconds: days, workingDay: businessHours.workingDay)
                    }
                } else if clock != "elapsed" {
                    reader.error(c, "\(path).promise.clock", unknown("clock", clock, ["elapsed", "business"]))
                }
            }
        }
        let limit = fields["max_arrivals"].flatMap { reader.integer($0, "\(path).max_arrivals", atLeast: 1, what: "a whole number of arrivals of at least 1") }
        let patience = fields["patience"].flatMap { patienceDistribution($0, "\(path).patience") }
        let lateContact = fields["late_contact"].flatMap { contact($0, "\(path).late_contact") }
        if lateContact != nil && fields["promise"] == nil {
            reader.error(fields.keyNode("late_contact"), "\(path).late_contact", "a late contact follows a broken promise: give demand type '\(name)' a 'promise'")
        }
        if case .triggered? = arrivals { nodes["demand.\(name)"] = node }
        if let d = fields["description"] { _ = reader.string(d, "\(path).description") }
        guard let arrivals, let journey else { return nil }
        let hours = time.calendarTime ? time.horizon.map { openHours(businessCalendar, businessHours, clock: time.clock, until: $0) } : nil
        var demand = Demand(
            name: name, arrivals: arrivals, journey: journey, priority: priority, promise: promise,
            promiseClock: clockKind, businessHours: hours, maxArrivals: limit, patience: patience, lateContact: lateContact)
        demand.attributes = draws
        demand.priorityRules = rules
        demand.shape = demandShape
        demand.writtenRate = rates[name]
        return demand
    }

    /// The open hours of a calendar (by name; `nil` for the default office) from the start to
    /// the horizon, from the cache when built before.
    mutating func openHours(_ name: String?, _ hours: WeeklyHours, clock: LocalClock, until horizon: Double) -> Timetable {
        if let known = timetables[name] { return known }
        let made = hours.timetable(on: clock, until: horizon)
        timetables[name] = made
        return made
    }

    /// A business-clock duration in working seconds: days and weeks count working days (a week
    /// is five of them); hours and minutes count as written.
    static func businessDuration(_ text: String, seconds: Double, workingDay: Double) -> Double {
        // Re-read the parts: `2d 4h` is two working days and four working hours.
        var total = 0.0
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            guard let (value, length) = Quantities.leadingNumber(rest) else { return seconds }
            rest = rest.dropFirst(length).drop { $0 == " " }
            let unit = rest.prefix { $0.isLetter }.lowercased()
            rest = rest.dropFirst(unit.count)
            guard let factor = Quantities.units[unit] else { return seconds }
            switch factor {
            case 86_400: total += value * workingDay
            case 604_800: total += value * 5 * workingDay
            default: total += value * factor
            }
        }
        return total
    }

    mutating func journey(_ name: String, _ node: Node, areas: [Area], areaNames: NameTable) -> Journey {
        let path = "journeys.\(name)"
        guard let fields = reader.mapping(node, path, allowed: Format.journeyKeys, required: ["steps"], what: "journey '\(name)'"),
              let stepsNode = fields["steps"] else { return Journey(name: name, steps: []) }
        guard case .sequence(let list) = stepsNode, !list.isEmpty else {
            reader.error(stepsNode, "\(path).steps", "expected a list of steps (each '- name: …'), found \(NodeReader.describe(stepsNode))")
            return Journey(name: name, steps: [])
        }
        // Names first, so that branches may point forward.
        var names: [String] = []
        var seen = Set<String>()
        for (i, stepNode) in list.enumerated() {
            // An unnamed step gets a placeholder no name can collide with; it is reported as missing.
            let stepName = stepNode.mapping?["name"]?.scalar?.string ?? "\u{0}\(i)"
            if stepName == "exit" || stepName == "cancel" {
                reader.error(stepNode.mapping?["name"], "\(path).steps[\(i)].name", "'\(stepName)' is reserved: branches use it to leave the journey; choose another step name")
            } else if !seen.insert(stepName).inserted {
                reader.error(stepNode.mapping?["name"], "\(path).steps[\(i)].name", "the step name '\(stepName)' is used twice in journey '\(name)'; step names must be unique within a journey")
            }
            names.append(stepName)
        }
        let stepNames = NameTable(names)
        var steps: [Step] = []
        for (i, stepNode) in list.enumerated() {
            let stepPath = "\(path).steps[\(i)]"
            nodes[stepPath] = stepNode
            guard let f = reader.mapping(stepNode, stepPath, allowed: Format.stepKeys, required: ["name", "area", "duration"], what: "step \(i + 1) of journey '\(name)'") else { continue }
            if let n = f["name"] { _ = reader.singleLine(n, "\(stepPath).name") }
            var area: Int?
            var extraAreas: [Int] = []
            if let a = f["area"], case .sequence(let list) = a {
                // Several areas at once: a person from each, seized together.
                var found: [Int] = []
                for (k, item) in list.enumerated() {
                    guard let aname = reader.string(item, "\(stepPath).area[\(k)]") else { continue }
                    if let index = areaNames.index(of: aname) {
                        if found.contains(index) {
                            reader.error(item, "\(stepPath).area[\(k)]", "area '\(aname)' is listed twice; a step takes one person from each area it names")
                        } else {
                            found.append(index)
                        }
                    } else {
                        reader.error(item, "\(stepPath).area[\(k)]", unknown("area", aname, areaNames.names))
                    }
                }
                if list.isEmpty { reader.error(a, "\(stepPath).area", "expected an area, or a list of the areas whose staff work together") }
                if found.count == list.count && !found.isEmpty {
                    area = found[0]
                    extraAreas = Array(found.dropFirst())
                    if extraAreas.contains(where: { areas[$0].staff == nil }) || areas[found[0]].staff == nil {
                        reader.warning(a, "\(stepPath).area", "an area with unlimited staff never holds the others up; list only the areas whose staff are scarce")
                    }
                }
            } else if let a = f["area"], let aname = reader.string(a, "\(stepPath).area") {
                area = areaNames.index(of: aname)
                if area == nil { reader.error(a, "\(stepPath).area", unknown("area", aname, areaNames.names)) }
            }
            let duration = f["duration"].flatMap { distribution($0, "\(stepPath).duration") }
            var approval: Approval?
            if let a = f["approval"], let af = reader.mapping(a, "\(stepPath).approval", allowed: Format.approvalKeys, required: ["reject", "on_reject"], what: "an approval such as '{reject: 15%, on_reject: quote}'") {
                let reject = af["reject"].flatMap { reader.probability($0, "\(stepPath).approval.reject") }
                var target = af["on_reject"].flatMap { destination($0, "\(stepPath).approval.on_reject", names: stepNames, allowExit: false) }
                if case .step(let back) = target, back > i {
                    reader.error(af["on_reject"], "\(stepPath).approval.on_reject", "a rejection sends work back for rework: expected this step, an earlier one (\(NodeReader.list(Array(names[...i])))) or 'cancel', found '\(names[back])', which comes later")
                    target = nil
                }
                if let reject, let target { approval = Approval(rejectProbability: reject, onReject: target) }
            }
            var routes: [Route] = []
            if let n = f["next"] { routes = self.routes(n, "\(stepPath).next", names: stepNames) }
            if let d = f["description"] { _ = reader.string(d, "\(stepPath).description") }
            let handoff = f["handoff"].flatMap { self.handoff($0, "\(stepPath).handoff") }
            let patience = f["patience"].flatMap { patienceDistribution($0, "\(stepPath).patience") }
            let failure = f["failure"].flatMap { self.failure($0, "\(stepPath).failure", names: stepNames, index: i) }
            if let area, let duration {
                var step = Step(name: names[i], area: area, duration: duration, approval: approval, routes: routes,
                                handoff: handoff, patience: patience, failure: failure)
                step.extraAreas = extraAreas
                steps.append(step)
            }
        }
        return Journey(name: name, steps: steps)
    }

    /// `next: pack` (always), or a list of `{to: …, p: …}` whose probabilities sum to one.
    mutating func routes(_ node: Node, _ path: String, names: NameTable) -> [Route] {
        if case .scalar = node {
            return destination(node, path, names: names, allowExit: true).map { [Route(to: $0, probability: 1)] } ?? []
        }
        guard case .sequence(let list) = node, !list.isEmpty else {
            reader.error(node, path, "expected a step name, 'exit', 'cancel', or a list of branches '- {to: …, p: …}', found \(NodeReader.describe(node))")
            return []
        }
        var routes: [Route] = []
        var total = 0.0
        var complete = true
        // Branches with conditions (`when:`) are tried in order, the last one being the otherwise;
        // branches with probabilities are drawn. A list is one kind or the other.
        let conditional = list.contains { $0.mapping?["when"] != nil }
        for (i, item) in list.enumerated() {
            guard let f = reader.mapping(item, "\(path)[\(i)]", allowed: Format.routeKeys, required: conditional ? ["to"] : ["to", "p"], what: conditional ? "a branch such as '{to: director, when: \"value > 5000\"}'" : "a branch such as '{to: pack, p: 80%}'") else { complete = false; continue }
            let to = f["to"].flatMap { destination($0, "\(path)[\(i)].to", names: names, allowExit: true) }
            if conditional {
                if let p = f.keyNode("p") {
                    reader.error(p, "\(path)[\(i)].p", "a list of branches with conditions takes no probabilities: the first branch whose 'when' holds is taken")
                    complete = false
                    continue
                }
                let isLast = i == list.count - 1
                if f["when"] == nil && !isLast {
                    reader.error(item, "\(path)[\(i)]", "only the last branch may go without 'when' (it is taken when no condition holds)")
                    complete = false
                    continue
                }
                if f["when"] != nil && isLast {
                    reader.error(item, "\(path)[\(i)]", "the last branch is taken when no condition holds: write it without 'when', such as '- {to: pick}'")
                    complete = false
                    continue
                }
                let c = f["when"].flatMap { condition($0, "\(path)[\(i)].when") }
                if f["when"] != nil && c == nil { complete = false; continue }
                if let to { routes.append(Route(to: to, probability: 1, condition: c)) } else { complete = false }
                continue
            }
            let p = f["p"].flatMap { reader.probability($0, "\(path)[\(i)].p") }
            if let to, let p { routes.append(Route(to: to, probability: p)); total += p } else { complete = false }
        }
        if conditional { return complete ? routes : [] }
        if complete && abs(total - 1) > Self.sumTolerance {
            reader.error(node, path, "the branch probabilities add up to \(Self.percent(total)); they must add up to 100%")
        }
        // Within the tolerance (three branches of 33.33%), rescale to exactly one.
        return routes.map { Route(to: $0.destination, probability: $0.probability / total) }
    }

    mutating func destination(_ node: Node, _ path: String, names: NameTable, allowExit: Bool, extra more: [String] = []) -> Destination? {
        guard let name = reader.string(node, path) else { return nil }
        if name == "cancel" { return .cancel }
        if name == "exit" {
            if allowExit { return .exit }
            reader.error(node, path, "a rejection cannot deliver the item; expected a step to rework or 'cancel', found 'exit'")
            return nil
        }
        if let i = names.index(of: name) { return .step(i) }
        let extra = more + (allowExit ? ["exit", "cancel"] : ["cancel"])
        reader.error(node, path, unknown("step", name, names.names, extra: extra))
        return nil
    }

    /// A distribution whose mean and variance are finite and whose mean is a plausible duration.
    mutating func distribution(_ node: Node, _ path: String, numbers: Bool = false) -> Distribution? {
        guard let d = distributionSpec(node, path, numbers: numbers) else { return nil }
        guard d.mean.isFinite, d.variance.isFinite, numbers || d.mean <= Quantities.longestDuration else {
            reader.error(node, path, "with these parameters the distribution's mean or variance is infinite, or its mean exceeds 100 years; check the shape or the coefficient of variation")
            return nil
        }
        return d
    }

    /// A distribution: a bare duration is deterministic; otherwise `{dist: NAME, …parameters}`.
    /// With `numbers`, values are plain numbers (an order's value), not durations.
    mutating func distributionSpec(_ node: Node, _ path: String, numbers: Bool = false) -> Distribution? {
        if case .scalar = node {
            return (numbers ? reader.number(node, path) : reader.duration(node, path)).map { .deterministic($0) }
        }
        guard case .mapping(let mapping) = node else {
            reader.error(node, path, "expected a duration (such as 30m) or a distribution such as '{dist: exponential, mean: 30m}', found \(NodeReader.describe(node))")
            return nil
        }
        let names = Format.distributions.map(\.name)
        guard let distNode = NodeReader.mergingKeys(mapping).last(where: { $0.0.scalar?.string == "dist" })?.1 else {
            reader.error(node, path, "missing key 'dist': expected one of \(NodeReader.list(names))")
            return nil
        }
        let dist = NodeReader.scalarText(distNode)
        guard let spec = Format.distributions.first(where: { $0.name == dist }) else {
            reader.error(distNode, "\(path).dist", unknown("distribution", dist, names))
            return nil
        }
        guard let f = reader.mapping(node, path, allowed: ["dist"] + spec.keys, what: "\(NodeReader.article(dist)) distribution") else { return nil }
        func need(_ key: String) -> Node? {
            if let v = f[key] { return v }
            reader.error(node, path, "missing key '\(key)' for \(NodeReader.article(dist)) distribution (it takes \(NodeReader.list(spec.keys)))")
            return nil
        }
        func dur(_ key: String, positive: Bool = false) -> Double? {
            need(key).flatMap { numbers ? reader.number($0, "\(path).\(key)", positive: positive) : reader.duration($0, "\(path).\(key)", positive: positive) }
        }
        func num(_ key: String, _ what: String) -> Double? { need(key).flatMap { reader.positiveNumber($0, "\(path).\(key)", what: what) } }
        switch dist {
        case "exponential":
            return dur("mean", positive: true).map { .exponential(mean: $0) }
        case "deterministic":
            return dur("value").map { .deterministic($0) }
        case "uniform":
            guard let a = dur("min"), let b = dur("max") else { return nil }
            guard a < b else { reader.error(f["max"], "\(path).max", "expected 'max' greater than 'min' (\(NodeReader.scalarText(f["min"]!))), found '\(NodeReader.scalarText(f["max"]!))'"); return nil }
            return .uniform(min: a, max: b)
        case "triangular":
            guard let a = dur("min"), let c = dur("mode"), let b = dur("max") else { return nil }
            guard a <= c, c <= b, a < b else { reader.error(node, path, "expected min ≤ mode ≤ max with min < max, found min \(NodeReader.scalarText(f["min"]!)), mode \(NodeReader.scalarText(f["mode"]!)), max \(NodeReader.scalarText(f["max"]!))"); return nil }
            return .triangular(min: a, mode: c, max: b)
        case "normal":
            guard let mean = dur("mean"), let sd = dur("sd", positive: true) else { return nil }
            return .truncatedNormal(mean: mean, sd: sd)
        case "lognormal":
            guard let mean = dur("mean", positive: true), let cv = num("cv", "a positive coefficient of variation (sd / mean)") else { return nil }
            return .lognormal(mean: mean, cv: cv)
        case "gamma":
            guard let mean = dur("mean", positive: true), let cv = num("cv", "a positive coefficient of variation (sd / mean)") else { return nil }
            return .gamma(mean: mean, cv: cv)
        case "erlang":
            guard let mean = dur("mean", positive: true), let kNode = need("k"),
                  let k = reader.integer(kNode, "\(path).k", atLeast: 1, what: "a whole number of phases of at least 1") else { return nil }
            return .erlang(mean: mean, phases: k)
        case "weibull":
            guard let shape = num("shape", "a positive shape"), let scale = dur("scale", positive: true) else { return nil }
            return .weibull(shape: shape, scale: scale)
        case "hyperexponential":
            if let phases = f["phases"] {
                if f["mean"] != nil || f["cv"] != nil {
                    reader.error(f.keyNode("phases"), "\(path).phases", "give either 'phases' or 'mean' and 'cv', not both")
                    return nil
                }
                return hyperexponentialPhases(phases, "\(path).phases")
            }
            guard let mean = dur("mean", positive: true), let cv = num("cv", "a coefficient of variation of at least 1") else { return nil }
            guard cv >= 1 else { reader.error(f["cv"], "\(path).cv", "expected a coefficient of variation of at least 1 for a hyperexponential, found \(NodeReader.scalarText(f["cv"]!)); use gamma or lognormal for less variable work"); return nil }
            return .hyperexponential(mean: mean, cv: cv)
        case "empirical":
            guard let v = need("values") else { return nil }
            guard case .sequence(let list) = v, !list.isEmpty else {
                reader.error(v, "\(path).values", "expected a list of observed durations, found \(NodeReader.describe(v))")
                return nil
            }
            let values = list.enumerated().compactMap { numbers ? reader.number($1, "\(path).values[\($0)]") : reader.duration($1, "\(path).values[\($0)]") }
            return values.count == list.count ? .empirical(values) : nil
        default:
            return nil
        }
    }

    mutating func hyperexponentialPhases(_ node: Node, _ path: String) -> Distribution? {
        guard case .sequence(let list) = node, list.count >= 2 else {
            reader.error(node, path, "expected a list of at least two phases '- {p: 90%, mean: 1h}', found \(NodeReader.describe(node))")
            return nil
        }
        var ps: [Double] = [], means: [Double] = []
        for (i, item) in list.enumerated() {
            guard let f = reader.mapping(item, "\(path)[\(i)]", allowed: ["p", "mean"], required: ["p", "mean"], what: "a phase such as '{p: 90%, mean: 1h}'") else { continue }
            if let p = f["p"].flatMap({ reader.probability($0, "\(path)[\(i)].p") }),
               let m = f["mean"].flatMap({ reader.duration($0, "\(path)[\(i)].mean", positive: true) }) {
                ps.append(p); means.append(m)
            }
        }
        guard ps.count == list.count else { return nil }
        let total = ps.reduce(0, +)
        guard abs(total - 1) <= Self.sumTolerance else {
            reader.error(node, path, "the phase probabilities add up to \(Self.percent(total)); they must add up to 100%")
            return nil
        }
        return .hyperexponential(probabilities: ps.map { $0 / total }, means: means)
    }

    /// A patience: zero would make every customer who has to wait leave at once, which is a
    /// queue limit of zero, not a patience; it is refused with that advice.
    mutating func patienceDistribution(_ node: Node, _ path: String) -> Distribution? {
        guard let d = distribution(node, path) else { return nil }
        if d.mean == 0 {
            reader.error(node, path, "expected a positive patience, found zero: every customer who had to wait would leave at once; for no waiting at all, give the area 'queue_limit: 0'")
            return nil
        }
        return d
    }

    /// Errors that need the whole model: items that can never leave, unstable areas, unused steps.
    mutating func checkFlow(_ model: Model, analysis: FlowAnalysis) {
        for (j, journey) in model.journeys.enumerated() {
            for s in FlowAnalysis.trappingSteps(journey) {
                reader.error(nodes["journeys.\(journey.name).steps[\(s)]"], "journeys.\(journey.name).steps[\(s)]", journey.steps[s].approval?.rejectProbability == 1
                    ? "an item that reaches step '\(journey.steps[s].name)' can never leave: its approval rejects every item (100%) back into a loop with no other way out; lower 'reject' below 100% or reject to 'cancel'"
                    : "an item that reaches step '\(journey.steps[s].name)' can never leave: every branch from it leads back into a loop with no exit; give the loop a branch to 'exit' or 'cancel'")
            }
            let used = model.demands.contains { $0.journey == j }
            for s in FlowAnalysis.unreachableSteps(journey) where used {
                reader.warning(nodes["journeys.\(journey.name).steps[\(s)]"], "journeys.\(journey.name).steps[\(s)]", "step '\(journey.steps[s].name)' can never be reached from the first step of journey '\(journey.name)'")
            }
            if !used {
                reader.warning(nodes["journeys.\(journey.name)"], "journeys.\(journey.name)", "no demand type takes journey '\(journey.name)'")
            }
        }
        if reader.hasErrors { return }
        if let horizon = model.horizon {
            let expected = model.demands.reduce(0.0) { $0 + min($1.arrivals.meanRate(until: horizon) * horizon, $1.maxArrivals.map(Double.init) ?? .infinity) }
            // Beyond a billion arrivals a replication would run for hours and its work in progress
            // could exhaust memory: that is a mistake in a rate or a horizon, not a plan.
            let millions = expected / 1e6
            let count = !expected.isFinite ? "more" : millions < 1e6 ? "about \(Int(millions.rounded())) million" : "about \(String(format: "%.1e", expected))"
            if !(expected <= 1e9) {
                reader.error(nodes["horizon"], "horizon", "\(count == "more" ? "more arrivals than can be counted" : count + " arrivals") per replication are expected; procsim simulates at most a billion per replication: check the rates and the horizon")
            } else if expected > 1e8 {
                reader.warning(nodes["horizon"], "horizon", "\(count) arrivals per replication are expected; each replication will take minutes and memory grows with the work in progress")
            }
        }
        let neededSystems = Set(model.areas.flatMap(\.systems))
        for (s, system) in model.systems.enumerated() where !neededSystems.contains(s) {
            reader.warning(nodes["systems.\(system.name)"], "systems.\(system.name)", "no area needs system '\(system.name)': its breakdowns hold nothing up")
        }
        let unstable = Set(analysis.unstableAreas(of: model))
        let usedAreas = Set(model.journeys.flatMap { $0.steps.flatMap(\.areas) })
        for (a, area) in model.areas.enumerated() {
            let load = analysis.offeredLoad[a]
            let used = usedAreas.contains(a)
            if !used {
                reader.warning(nodes["areas.\(area.name)"], "areas.\(area.name)", "no step uses area '\(area.name)': its staff are never busy")
            } else if let schedule = area.schedule, area.callIn == nil, schedule.levels.allSatisfy({ $0 == 0 }) {
                // Holidays that close a calendar for the whole horizon: nothing that needs the
                // area is ever done, which is a mistake in the dates, not an unstable queue.
                reader.error(nodes["areas.\(area.name)"], "areas.\(area.name)", "nobody in area '\(area.name)' is ever at work within the horizon (its calendar's hours and holidays close it every day): no item that needs it can ever leave; check the holidays and the hours")
            } else if let staff = area.staff, unstable.contains(a) {
                let rounded = load < 1000 ? "\((load * 100).rounded() / 100)" : String(format: "%.3g", load)
                let onDuty = FlowAnalysis.capacity(of: area, in: model) ?? Double(staff)
                let plain = area.schedule == nil && area.systems.isEmpty && area.callIn == nil
                let capacity = plain ? "\(staff)" : "\((onDuty * 100).rounded() / 100) at work on average over the horizon (working hours, shifts, breakdowns and people called in)"
                reader.warning(nodes["areas.\(area.name)"], "areas.\(area.name)", "unstable: the offered load is \(rounded) busy staff on average but area '\(area.name)' has \(capacity); its queue will grow without bound (the report shows the backlog over time)")
            }
        }
    }

    mutating func unknown(_ kind: String, _ name: String, _ known: [String], extra: [String] = []) -> String {
        var candidates: [String] = []
        var seen = Set<String>()
        for c in known + extra where seen.insert(c).inserted { candidates.append(c) }
        var message = "unknown \(kind) '\(name)'"
        if let near = reader.suggestion(for: name, among: candidates) {
            message += "; did you mean '\(near)'?"
        } else if !candidates.isEmpty {
            message += "; expected one of \(NodeReader.list(candidates))"
        }
        return message
    }

    /// Probabilities that must add up to one may miss by this much (rounding, as in 3 × 33.33%);
    /// they are then rescaled.
    static let sumTolerance = 0.001

    static func percent(_ x: Double) -> String {
        let v = (x * 10000).rounded() / 100
        return v == v.rounded() ? "\(Int(v))%" : "\(v)%"
    }
}

extension ScenarioLoader {
    /// `15%` or `0.15` as a fraction; `nil` when unreadable. For command-line options.
    public static func fraction(_ text: String) -> Double? { Quantities.fraction(text) }

    /// `3200/month` as money per second (the scenario's `cost:` spelling); `nil` when unreadable.
    public static func costRate(_ text: String) -> Double? { Quantities.costRate(text) }
}
