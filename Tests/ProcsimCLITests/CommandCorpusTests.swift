import Foundation
import Testing

/// Hostile and careless command lines against their pinned outcome: every case in
/// `Corpus/commands/NAME.args` (one argument a line) runs the real executable in a fresh
/// playground, and `NAME.expected` pins the exit code, standard error and what the playground
/// holds afterwards (nothing destroyed, nothing half-written, no temporary file left).
///
/// The playground is made anew for each case, as root would find a machine: a private character
/// device like `/dev/null` and one like `/dev/full` (made with mknod, never the system's), a FIFO
/// nobody reads, a folder, a previous output, a link to it, a dangling link, a link to a system
/// file, and a scenario that builds on a file above its folder. `@PLAY@` in an argument is the
/// playground; `@SCENARIOS@` is the repository's `scenarios` folder.
/// `PROCSIM_UPDATE_GOLDEN=1 swift test --filter CommandCorpusTests` rewrites the expected files;
/// review the diff before committing.
@Suite struct CommandCorpusTests {
    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus/commands")
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: source.path)) ?? [])
        .filter { $0.hasSuffix(".args") }.map { String($0.dropLast(5)) }.sorted()

    static let previous = "previous good output\n"

    /// Linux's encoding of a device number (glibc's `makedev` is a macro Swift cannot call).
    static func device(_ major: UInt64, _ minor: UInt64) -> dev_t {
        dev_t((major & 0xFFF) << 8 | (minor & 0xFF) | (minor & ~0xFF) << 12 | (major & ~0xFFF) << 32)
    }

    /// A fresh playground; `nil` when device nodes cannot be made here (not root).
    static func playground() throws -> URL? {
        let play = FileManager.default.temporaryDirectory.appendingPathComponent("procsim-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: play.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: play.appendingPathComponent("sub"), withIntermediateDirectories: true)
        guard mknod(play.appendingPathComponent("null").path, S_IFCHR | 0o666, device(1, 3)) == 0,
              mknod(play.appendingPathComponent("full").path, S_IFCHR | 0o666, device(1, 7)) == 0 else {
            try? FileManager.default.removeItem(at: play)
            return nil
        }
        mkfifo(play.appendingPathComponent("fifo").path, 0o644)
        try previous.write(to: play.appendingPathComponent("old.json"), atomically: false, encoding: .utf8)
        try previous.write(to: play.appendingPathComponent("old.csv"), atomically: false, encoding: .utf8)
        symlink("old.json", play.appendingPathComponent("link.json").path)
        symlink("missing.json", play.appendingPathComponent("dangling.json").path)
        symlink("/etc/passwd", play.appendingPathComponent("passwd.yaml").path)
        symlink("../old.json", play.appendingPathComponent("sub/escape.json").path)
        for (name, text) in try inputs() { try text.write(to: play.appendingPathComponent(name), atomically: false, encoding: .utf8) }
        return play
    }

    /// The scenarios of the playground: a base, and one in a subfolder that builds on it.
    static func inputs() throws -> [String: String] {
        let mm1 = try String(contentsOf: CommandLineTests.root.appendingPathComponent("scenarios/mm1.yaml"), encoding: .utf8)
        return ["base.yaml": mm1, "sub/child.yaml": "version: 1\nextends: ../base.yaml\n"]
    }

    /// What the playground holds, one entry a line: previous outputs say whether they are intact.
    static func inventory(_ play: URL) -> String {
        let names = (FileManager.default.subpaths(atPath: play.path) ?? []).sorted()
        let seeded = (try? inputs()) ?? [:]
        return names.map { name -> String in
            let path = play.appendingPathComponent(name).path
            var status = stat()
            guard lstat(path, &status) == 0 else { return "\(name): ?" }
            switch status.st_mode & S_IFMT {
            case S_IFCHR: return "\(name): character device"
            case S_IFIFO: return "\(name): fifo"
            case S_IFDIR: return "\(name): folder"
            case S_IFLNK: return "\(name): link to \((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?")"
            default:
                let content = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                if seeded[name] == content { return "\(name): file (input)" }
                return "\(name): file" + (content == previous ? " (previous content)" : content.isEmpty ? " (empty)" : " (written)")
            }
        }.joined(separator: "\n")
    }

    static func outcome(_ name: String) throws -> String? {
        guard let play = try playground() else { return nil }
        defer { try? FileManager.default.removeItem(at: play) }
        let lines = try String(contentsOf: source.appendingPathComponent("\(name).args"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let arguments = lines.filter { !$0.hasPrefix("#") }.dropLast(lines.last == "" ? 1 : 0).map {
            $0.replacingOccurrences(of: "@PLAY@", with: play.path)
                .replacingOccurrences(of: "@SCENARIOS@", with: CommandLineTests.root.appendingPathComponent("scenarios").path)
        }
        let r = try CommandLineTests.procsim(Array(arguments))
        let stderr = r.stderr.replacingOccurrences(of: play.path, with: "@PLAY@")
            .replacingOccurrences(of: CommandLineTests.root.path + "/", with: "")
            .replacingOccurrences(of: (play.path as NSString).resolvingSymlinksInPath, with: "@PLAY@")
        return "exit \(r.status)\n--- stderr\n\(stderr)--- playground\n\(inventory(play))\n"
    }

    @Test func corpusCoversTheCommandsFlagsAndOutputs() {
        #expect(Self.cases.count >= 40)
    }

    /// The pinned outcome, and what the contracts promise whatever the golden text says: no
    /// temporary file is ever left, the playground's nodes and links keep their kind, a refused
    /// or failed command commits nothing.
    @Test(arguments: cases)
    func commandMatchesItsGoldenOutcome(name: String) throws {
        guard let actual = try Self.outcome(name) else { return }  // device nodes need root
        let inventory = actual.components(separatedBy: "--- playground\n").last ?? ""
        #expect(!inventory.contains(".tmp"), "\(name)")
        #expect(inventory.contains("null: character device") && inventory.contains("full: character device") && inventory.contains("fifo: fifo"), "\(name)")
        #expect(inventory.contains("link.json: link to old.json") && inventory.contains("passwd.yaml: link to /etc/passwd")
                && inventory.contains("sub/escape.json: link to ../old.json"), "\(name)")
        let status = Int32(actual.dropFirst(5).prefix { $0.isNumber }) ?? -1
        #expect([0, 1, 2, 64, 65, 66, 73].contains(status), "\(name): exit \(status)")
        if ![0, 1, 2].contains(status) { #expect(!inventory.contains("(written)"), "\(name)") }
        let expected = Self.source.appendingPathComponent("\(name).expected")
        if ProcessInfo.processInfo.environment["PROCSIM_UPDATE_GOLDEN"] != nil {
            try actual.write(to: expected, atomically: true, encoding: .utf8)
            return
        }
        #expect(actual == (try String(contentsOf: expected, encoding: .utf8)), "\(name)")
    }
}
