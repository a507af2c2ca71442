/// A problem found in a scenario file, located like a compiler error.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
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
    public var summary: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        let prefix = path.isEmpty ? "" : "\(path): "
        return "\(location): \(severity.rawValue): \(prefix)\(message)"
    }

    /// The summary, then the line with a caret under the column, as a compiler prints it.
    public var description: String {
        var text = summary
        if let sourceLine, let column {
            // A long line (a minified document) is shown as a window around the column.
            var shown = sourceLine, caret = max(0, column - 1)
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
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
}

/// The closest name to a misspelt one, if it is close enough to be a likely typo.
func suggestion(for name: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    let allowance = max(1, min(3, name.count / 3))
    return best.1 <= allowance ? best.0 : nil
}

/// Edit distance with adjacent transpositions counted as one edit (optimal string alignment),
/// so that 'qoute' is one slip away from 'quote'.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}
