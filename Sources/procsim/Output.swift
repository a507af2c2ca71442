import ArgumentParser
import Foundation
import SimExperiment

struct OutputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): error: cannot write the output: \(reason)" }
}

/// An output file that appears complete or not at all: claimed as a temporary file beside the
/// target before the work starts, renamed over the target when the content is ready.
struct OutputFile {
    let target: URL
    let temporary: URL

    /// `createFolder`: make the folder first (`baseline -o baselines/NAME.json` in a fresh checkout).
    init(path: String, createFolder: Bool = false) throws {
        if createFolder {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw OutputError(path: path, reason: "it is a folder; give a file name")
        }
        target = URL(fileURLWithPath: path)
        temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            var isDirectory: ObjCBool = false
            let folder = target.deletingLastPathComponent().path
            let reason = FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue
                ? "the folder \(folder) is not writable" : "the folder \(folder) does not exist"
            throw OutputError(path: path, reason: reason)
        }
    }

    func commit(_ text: String) throws {
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            throw OutputError(path: target.path, reason: "writing failed (\(error.localizedDescription))")
        }
        if rename(temporary.path, target.path) != 0 {
            throw OutputError(path: target.path, reason: String(cString: strerror(errno)))
        }
    }

    /// Removes the temporary file if it is still there (the run failed, or after a commit: no-op).
    func discard() {
        try? FileManager.default.removeItem(at: temporary)
    }
}

enum Terminal {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes the result to standard output and makes sure it arrived: a full disk or a closed
    /// pipe is an output error (exit 73), not a success with a truncated report.
    static func output(_ text: String, colour: Bool = false) throws {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data((colour ? colourised(text) : text).utf8))
        } catch {
            throw OutputError(path: "standard output", reason: String(cString: strerror(errno)))
        }
    }
}

extension Terminal {
    /// Verdict words in colour: failures red, undecided yellow, passes green. Whole words only,
    /// so that 'met' in 'parameter' stays as it is.
    static func colourised(_ text: String) -> String {
        let red = ["VIOLATED", "NOT MET", "FAILED", "WORSE", "misses", "UNSTABLE", "INVALID", "UNREADABLE", "NO design", "NO demand"]
        let yellow = ["INCONCLUSIVE", "UNDECIDED", "undecided"]
        let green = ["met", "passed", "better", "meets"]
        var out = text
        for (words, code) in [(red, "31"), (yellow, "33"), (green, "32")] {
            for w in words {
                out = out.replacingOccurrences(of: "(?<![A-Za-z_\\-])\(NSRegularExpression.escapedPattern(for: w))(?![A-Za-z_\\-])", with: "\u{1B}[\(code)m$0\u{1B}[0m", options: .regularExpression)
            }
        }
        return out
    }
}

/// Progress on standard error for runs longer than a second: replications done and an estimate
/// of the time left, rewritten in place. Only on a terminal and without `--quiet`, so logs and
/// pipes never see it; it reads a clock and a counter and never touches a result.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let start = Date()
    private var done = 0
    private var lastShown = Date.distantPast
    private var shown = false
    let enabled: Bool

    init(total: Int, quiet: Bool) {
        self.total = total
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    var callback: Experiment.Progress? {
        guard enabled else { return nil }
        return { [self] _ in tick() }
    }

    private func tick() {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        let now = Date(), elapsed = now.timeIntervalSince(start)
        guard elapsed > 1, now.timeIntervalSince(lastShown) > 0.2 else { return }
        lastShown = now
        let left = elapsed / Double(done) * Double(max(total - done, 0))
        let text = "\r  replications \(done)/\(total) · about \(Int(left.rounded(.up))) s left   "
        FileHandle.standardError.write(Data(text.utf8))
        shown = true
    }

    /// Clears the line before the report.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}

/// `--report FILE.html` and `--csv DIR`: results to look at and data for other tools.
struct ExportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also write a self-contained HTML report with charts (opens offline), atomically.", valueName: "file.html"))
    var report: String?

    @Option(help: ArgumentHelp("Also write tidy CSV files into this folder (created if needed), each atomically.", valueName: "folder"))
    var csv: String?

    func validate() throws {
        if let report, report.isEmpty { throw ValidationError("--report needs a file name such as report.html") }
        if let csv, csv.isEmpty { throw ValidationError("--csv needs a folder name") }
    }

    /// Claims the report file before the work starts: a run must not be wasted on a folder
    /// that is missing.
    func reportFile() throws -> OutputFile? { try report.map { try OutputFile(path: $0) } }

    /// Writes each file into the CSV folder, by a temporary name and a rename.
    func writeCSV(_ files: [(file: String, text: String)]) throws {
        guard let csv else { return }
        do {
            try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: csv, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        for (name, text) in files {
            let file = try OutputFile(path: (csv as NSString).appendingPathComponent(name))
            defer { file.discard() }
            try file.commit(text)
        }
    }
}
