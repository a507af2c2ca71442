import ArgumentParser
import Foundation
import SimExperiment
import SimScenario
import SystemPackage

struct OutputError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "\(path): error: cannot write the output: \(reason)" }
}

/// The files one command writes, committed together: each regular file is written to a
/// temporary file beside its target and renamed over it only once every output is complete, so
/// a failure or an interruption leaves the previous outputs as they were and no half-written
/// file behind. A character device or a FIFO (`-o /dev/null`) and `-` (standard output) are
/// written through, never replaced; a symbolic link is followed (the file it leads to is
/// replaced, the link stays); a folder is refused. Missing parent folders are created, and
/// removed again when nothing is committed.
final class Outputs {
    /// A claimed output.
    struct Output {
        fileprivate let index: Int
    }

    private enum Target {
        /// A regular file (or none yet): written to `temporary`, renamed over `path`.
        case file(path: String, temporary: String, descriptor: FileDescriptor)
        /// A device, a FIFO or standard output, opened when claimed and written at commit.
        case stream(name: String, descriptor: FileDescriptor, owned: Bool)
    }

    private var targets: [(name: String, target: Target, text: String?)] = []
    /// The files the command reads (its scenario, its baseline), by device and inode: an output
    /// that is one of them would destroy the input.
    private var inputs: [(path: String, id: FileID)] = []
    /// The file each output lands in, resolved: two outputs that are one file are refused.
    private var landing: [String: String] = [:]

    struct FileID: Equatable {
        let device: UInt64
        let inode: UInt64
        init?(_ path: String) {
            guard let status = try? FilePath(path).stat() else { return nil }
            device = UInt64(status.deviceID.rawValue)
            inode = UInt64(status.inode.rawValue)
        }
    }

    /// Records the files the command reads, before any output is claimed.
    func protect(_ paths: [String]) {
        inputs += paths.compactMap { path in FileID(path).map { (path, $0) } }
    }
    /// Refuses, after a scenario is loaded, an output already claimed that is one of the files
    /// it read (a base it `extends`, an order book): known only once the file is read, and
    /// replaced by the output it would be lost.
    func protectLoaded(_ paths: [String]) throws {
        protect(paths.map { ($0 as NSString).standardizingPath })
        for (name, target, _) in targets {
            guard case .file(let path, _, _) = target, let id = FileID(path),
                  let input = inputs.first(where: { $0.id == id }) else { continue }
            throw ValidationError("the output \(name) is the input \(input.path); writing it would destroy it")
        }
    }
    private var createdFolders: [String] = []
    private var committed = false

    /// Claims `path` before the work starts, so that a run is not wasted on an output that
    /// cannot be written: exit 73 at once for a folder, a block device, a dangling link, a FIFO
    /// nobody reads or a folder that cannot be written.
    func claim(_ path: String) throws -> Output {
        if path == "-" { return add(path, .stream(name: "standard output", descriptor: .standardOutput, owned: false)) }
        let status = try? FilePath(path).stat()
        switch status?.type {
        case .directory?:
            throw OutputError(path: path, reason: "it is a folder; give a file name")
        case .characterSpecial?, .fifo?, .socket?:
            do {
                // Non-blocking: a FIFO that nothing reads fails at once instead of hanging.
                let fd = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.nonBlocking, .closeOnExec])
                _ = fcntl(fd.rawValue, F_SETFL, fcntl(fd.rawValue, F_GETFL) & ~O_NONBLOCK)
                return add(path, .stream(name: path, descriptor: fd, owned: true))
            } catch Errno.noSuchAddressOrDevice {
                throw OutputError(path: path, reason: "it is a FIFO that no process is reading")
            } catch {
                throw OutputError(path: path, reason: "\(error)")
            }
        case .blockSpecial?:
            throw OutputError(path: path, reason: "it is a block device; procsim writes reports to files, character devices, FIFOs or '-'")
        case .regular?, nil:
            break
        default:
            throw OutputError(path: path, reason: "it is neither a regular file nor a device or FIFO")
        }
        if let id = FileID(path), let input = inputs.first(where: { $0.id == id }) {
            throw ValidationError("the output \(path) is the input \(input.path); writing it would destroy it")
        }
        var target = path
        if (try? FilePath(path).stat(followTargetSymlink: false))?.type == .symbolicLink {
            // Follow the link, within its own folder: the file it leads to is replaced and the
            // link stays a link. A link in a pull request's folder that leads elsewhere
            // (`reports/junit.xml -> /etc/passwd`) must not make a CI job overwrite that file.
            guard status != nil, let real = ReadRoot.realPath(path) else {
                throw OutputError(path: path, reason: "it is a symbolic link to a file that does not exist; procsim does not create files through links")
            }
            let folder = FilePath(path).removingLastComponent().string
            guard let here = ReadRoot(folder: folder.isEmpty ? "." : folder), here.contains(real) else {
                throw OutputError(path: path, reason: "it is a symbolic link that leads outside its folder (to \(real)); procsim follows output links only within the folder they are in")
            }
            target = real
        }
        let folder = FilePath(target).removingLastComponent().string
        try createFolders(folder.isEmpty ? "." : folder, for: path)
        let name = FilePath(target).lastComponent?.string ?? target
        let resolved = ((ReadRoot.realPath(folder.isEmpty ? "." : folder) ?? folder) as NSString).appendingPathComponent(name)
        if let other = landing[resolved] {
            throw ValidationError("the outputs \(other) and \(path) are one file; give each its own")
        }
        landing[resolved] = path
        for attempt in 0..<100 {
            // Within the 255 bytes a name may have, however long the target's is.
            let stem = String(decoding: Array(name.utf8.prefix(200)), as: UTF8.self)
            let temporary = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(
                ".\(stem).\(getpid())\(attempt == 0 ? "" : ".\(attempt)").tmp")
            do {
                let fd = try FileDescriptor.open(FilePath(temporary), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                                                 permissions: [.ownerReadWrite, .groupRead, .otherRead])
                Interruptions.shared.register(file: temporary)
                // A replaced file keeps its permissions.
                if let old = status { _ = fchmod(fd.rawValue, old.permissions.rawValue) }
                return add(path, .file(path: target, temporary: temporary, descriptor: fd))
            } catch Errno.fileExists {
                continue
            } catch Errno.permissionDenied {
                throw OutputError(path: path, reason: "the folder \(folder.isEmpty ? "." : folder) is not writable")
            } catch {
                throw OutputError(path: path, reason: "\(error)")
            }
        }
        throw OutputError(path: path, reason: "no temporary file could be made beside it")
    }

    /// A folder of outputs (`--csv DIR`): created if missing (and removed again if nothing is
    /// committed); a file in its place is refused.
    func claimFolder(_ path: String) throws {
        let status = try? FilePath(path).stat()
        if let status, status.type != .directory {
            throw OutputError(path: path, reason: "it is not a folder; --csv names a folder for its files")
        }
        if status == nil { try createFolders(path, for: path) }
    }

    /// Stages the content of `output`; nothing reaches the target before `commit`.
    func write(_ text: String, to output: Output?) throws {
        guard let output else { return }
        targets[output.index].text = text
        guard case .file(_, let temporary, let fd) = targets[output.index].target else { return }
        do {
            _ = try fd.writeAll(Array(text.utf8))
            guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            throw OutputError(path: targets[output.index].name, reason: "writing \(temporary) failed (\(error))")
        }
    }

    /// Writes the streams, then renames every file over its target. Outputs never given any
    /// content are left as they were.
    func commit() throws {
        for (name, target, text) in targets {
            guard case .stream(_, let fd, _) = target, let text else { continue }
            do { _ = try fd.writeAll(Array(text.utf8)) } catch {
                throw OutputError(path: name, reason: "\(error)")
            }
        }
        try Interruptions.shared.whileHeld {
            for (name, target, text) in targets {
                guard case .file(let path, let temporary, let fd) = target, text != nil else { continue }
                try? fd.close()
                guard rename(temporary, path) == 0 else {
                    throw OutputError(path: name, reason: String(cString: strerror(errno)))
                }
                Interruptions.shared.unregister(file: temporary)
            }
            committed = true
        }
    }

    /// Removes what is left: temporary files, and the folders made for outputs never committed.
    /// Called on every way out of a command.
    func discard() {
        for (_, target, _) in targets {
            switch target {
            case .file(_, let temporary, let fd):
                try? fd.close()
                // After a commit only the temporary files of outputs never written are left.
                unlink(temporary)
                Interruptions.shared.unregister(file: temporary)
            case .stream(_, let fd, let owned):
                if owned { try? fd.close() }
            }
        }
        targets = []
        if !committed {
            for folder in createdFolders.reversed() { rmdir(folder) }
        }
        for folder in createdFolders { Interruptions.shared.unregister(folder: folder) }
        createdFolders = []
    }

    deinit { discard() }

    private func add(_ name: String, _ target: Target) -> Output {
        targets.append((name, target, nil))
        return Output(index: targets.count - 1)
    }

    /// The one policy for missing parent folders, for every output flag: they are made.
    private func createFolders(_ folder: String, for path: String) throws {
        var missing: [String] = []
        var current = folder
        while !current.isEmpty, current != "/", current != ".", (try? FilePath(current).stat()) == nil {
            missing.append(current)
            current = FilePath(current).removingLastComponent().string
        }
        for folder in missing.reversed() {
            guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
                throw OutputError(path: path, reason: "cannot create the folder \(folder) (\(String(cString: strerror(errno))))")
            }
            createdFolders.append(folder)
            Interruptions.shared.register(folder: folder)
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP end a command after its temporary files and the folders it made are
/// removed, with exit code 130, 143 or 129 as shells expect. Signal dispositions belong to the
/// process, so this one registry is process-wide; a commit holds its lock, so an interruption
/// lands before the first rename or after the last.
final class Interruptions: @unchecked Sendable {
    static let shared = Interruptions()

    /// Recursive: a commit holds it while it unregisters each file it renames.
    private let lock = NSRecursiveLock()
    private var files: Set<String> = []
    private var folders: [String] = []
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "procsim.interruptions")

    /// Called once, first thing in `main`.
    func install() {
        for signo in [SIGINT, SIGTERM, SIGHUP] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { [self] in clean(andExit: 128 + signo) }
            source.resume()
            sources.append(source)
        }
    }

    func register(file: String) { lock.withLock { _ = files.insert(file) } }
    func unregister(file: String) { lock.withLock { _ = files.remove(file) } }
    func register(folder: String) { lock.withLock { folders.append(folder) } }
    func unregister(folder: String) { lock.withLock { folders.removeAll { $0 == folder } } }

    func whileHeld<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func clean(andExit code: Int32) -> Never {
        lock.lock()
        for file in files { unlink(file) }
        for folder in folders.reversed() { rmdir(folder) }
        _exit(code)
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
        // Only a word that stands as a verdict: a table cell (two spaces or a line's edge either
        // side), or a line's leading status ("FAILED: …"). The same word inside a name the
        // scenario gives ("desk that passed review") or inside a sentence is left alone.
        var out = text
        for (words, code) in [(red, "31"), (yellow, "33"), (green, "32")] {
            for w in words {
                let pattern = "(^|  |\\()(\(NSRegularExpression.escapedPattern(for: w)))(?=$|  |:|\\))"
                let regex = try! NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
                out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1\u{1B}[\(code)m$2\u{1B}[0m")
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

    /// Claims the report file and the CSV folder before the work starts: a run must not be
    /// wasted on an output that cannot be written.
    func claim(in outputs: Outputs) throws -> Outputs.Output? {
        if let csv { try outputs.claimFolder(csv) }
        return try report.map(outputs.claim)
    }

    /// Stages each file of the CSV folder, to be committed with the command's other outputs.
    func writeCSV(_ files: [(file: String, text: String)], to outputs: Outputs) throws {
        guard let csv else { return }
        for (name, text) in files {
            try outputs.write(text, to: outputs.claim((csv as NSString).appendingPathComponent(name)))
        }
    }
}

/// `-o FILE`: the report a command prints, also written to a file, for every command that
/// reports (run, compare, study, plan, check).
struct ReportOptions: ParsableArguments {
    @Option(name: [.customShort("o"), .long], help: "Also write the report to this file, atomically: JSON with --json or a .json name, else text; '-' prints it once, on standard output only.")
    var output: String?

    func validate() throws {
        if output?.isEmpty == true { throw ValidationError("--output needs a file name") }
    }

    /// Claims the file before the work starts.
    func claim(in outputs: Outputs) throws -> Outputs.Output? { try output.map(outputs.claim) }

    /// Prints the report (text, or JSON with `--json`), and stages it for the file (JSON with
    /// `--json` or a `.json` name).
    func emit(text: String, json: @autoclosure () -> String, common: CommonOptions, to outputs: Outputs, claimed: Outputs.Output?) throws {
        let rendered = common.json ? json() : text
        // `-o -` is standard output: the report is written there once, by the output.
        if output != "-" { try Terminal.output(rendered, colour: common.colour) }
        if let output { try outputs.write(common.json || output.hasSuffix(".json") ? json() : text, to: claimed) }
    }
}
