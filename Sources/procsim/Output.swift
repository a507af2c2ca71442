import Foundation

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

    init(path: String) throws {
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
    static func output(_ text: String) throws {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
        } catch {
            throw OutputError(path: "standard output", reason: String(cString: strerror(errno)))
        }
    }
}
