import SimModel

/// A problem found in a scenario file, located like a compiler error.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    /// 1-based line and column; `nil` when the problem concerns the file as a whole.
    public var line: Int?
    public var column: Int?
    /// The key path of the value concerned (`areas.sales.staff`).
    public var path: String
    public var message: String
    /// The source line, for the caret display.
    public var sourceLine: String?
    /// A file the scenario names could not be read at all (missing, a device, a folder, too
    /// large): the contracts give that exit code 66, not 65.
    public var unreadable = false

    public init(severity: Severity, file: String, line: Int?, column: Int?, path: String, message: String, sourceLine: String? = nil) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `file:line:column: error: path: message` on one line, for logs and JSON.
    /// Control characters in any part (a file name with a line break or an escape sequence, a
    /// quoted value) are written as escapes: a log line is never forged or recoloured.
    public var summary: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        let prefix = path.isEmpty ? "" : "\(path): "
        return NodeReader.shown("\(location): \(severity.rawValue): \(prefix)\(message)")
    }

    /// The summary, then the line with a caret under the column, as a compiler prints it.
    public var description: String {
        var text = summary
        if let sourceLine, let column {
            // A long line (a minified document) is shown as a window around the column.
            var shown = NodeReader.shown(sourceLine, keepingTabs: true), caret = max(0, column - 1)
            if sourceLine.count > 100 {
                let start = max(0, min(caret - 40, sourceLine.count - 100))
                shown = (start > 0 ? "…" : "") + String(sourceLine.dropFirst(start).prefix(100)) + (start + 100 < sourceLine.count ? "…" : "")
                caret = caret - start + (start > 0 ? 1 : 0)
            }
            text += "\n    \(shown)\n    \(String(repeating: " ", count: caret))^"
        }
        return text
    }
}

/// Thrown when a scenario has at least one error; carries every diagnostic found, warnings too.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    /// The file could not be composed into one tree (YAML syntax, size, an alias bomb, its
    /// bases): nothing in it can be checked further, its variants included.
    public var fileRefused = false
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    /// 66 when a file the scenario names cannot be read, else 65.
    public var exitCode: Int32 { diagnostics.contains { $0.unreadable } ? 66 : 65 }
}

/// The closest name to a misspelt one, if it is close enough to be a likely typo.
func suggestion(for name: String, among candidates: [String]) -> String? {
    Names.nearest(name, among: candidates)
}
