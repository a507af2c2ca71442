import Foundation
import Testing

/// The release binary (scripts/build-release.sh: Swift runtime and Foundation linked in) runs in a
/// root that holds nothing but it, the C libraries it names, OpenBLAS and a scenario: no Swift
/// toolchain, no time-zone database, no /etc. That is what a cluster node or a slim container
/// offers. The test command builds the release binary first; as root only (chroot).
@Suite struct StaticBinaryTests {
    typealias CLI = CommandLineTests

    static let binary = CLI.root.appendingPathComponent(".build/release/procsim")

    static var available: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: binary.path) }

    static func shell(_ script: String) throws -> CLI.Outcome {
        try CLI.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script], in: nil)
    }

    /// The shared libraries `file` loads, as ldd resolves them.
    static func libraries(of file: String) throws -> [String] {
        let r = try shell("ldd '\(file)'")
        return r.stdout.split(separator: "\n").compactMap { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first { $0.hasPrefix("/") }.map(String.init)
        }
    }

    @Test(.enabled(if: StaticBinaryTests.available, "needs root and the release binary (scripts/build-release.sh; the test command builds it)"))
    func runsInARootWithoutTheToolchain() throws {
        let linked = try Self.libraries(of: Self.binary.path)
        #expect(!linked.contains { $0.contains("swift") || $0.contains("Foundation") || $0.contains("icu") }, "\(linked)")
        // OpenBLAS is opened on first use, where the run path or the loader finds it.
        let openblas = ["/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/openblas-serial/libopenblas.so.0",
                        "/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0"]
            .first(where: FileManager.default.fileExists)
        let blas = try #require(openblas, "no OpenBLAS installed")

        let root = try CLI.temporaryFolder()
        let fm = FileManager.default
        for folder in ["lib", "lib64", "proc", "s", "out"] {
            try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for library in Set(linked + [blas] + (try Self.libraries(of: blas))) {
            let name = URL(fileURLWithPath: library).lastPathComponent
            let target = root.appendingPathComponent(name.hasPrefix("ld-linux") ? "lib64" : "lib").appendingPathComponent(name)
            try fm.copyItem(at: URL(fileURLWithPath: library).resolvingSymlinksInPath(), to: target)
        }
        try fm.copyItem(at: Self.binary, to: root.appendingPathComponent("procsim"))
        // A scenario with a calendar and a time zone, its CSV series and HTML report carrying
        // local dates: they must not need the time-zone database the root does not have.
        try fm.copyItem(at: CLI.root.appendingPathComponent("scenarios/director-approval.yaml"), to: root.appendingPathComponent("s/director-approval.yaml"))
        let arguments = "run director-approval.yaml -n 3 --seed 4 --json --csv csv --report report.html"
        // No shell in the root; env (which needs only the C library) sets the working directory.
        try fm.createDirectory(at: root.appendingPathComponent("usr/bin"), withIntermediateDirectories: true)
        try fm.copyItem(at: URL(fileURLWithPath: "/usr/bin/env"), to: root.appendingPathComponent("usr/bin/env"))
        let inRoot = "unshare --mount --fork sh -c 'mount -t proc proc \(root.path)/proc && exec chroot \(root.path) /usr/bin/env --chdir=/s /procsim "
        let direct = try Self.shell(inRoot + arguments + "'")
        #expect(direct.status == 0, "\(direct.stderr)")
        // The same bytes as the binary gives outside the root.
        let outside = try CLI.temporaryFolder()
        try fm.copyItem(at: CLI.root.appendingPathComponent("scenarios/director-approval.yaml"), to: outside.appendingPathComponent("director-approval.yaml"))
        let normal = try Self.shell("cd \(outside.path) && \(Self.binary.path) \(arguments)")
        #expect(normal.status == 0, "\(normal.stderr)")
        #expect(direct.stdout == normal.stdout)
        #expect(direct.stdout.contains("\"schema\": \"procsim.run/1\""))
        for file in ["report.html", "csv/series.csv", "csv/figures.csv", "csv/replications.csv"] {
            let a = try Data(contentsOf: root.appendingPathComponent("s/\(file)")), b = try Data(contentsOf: outside.appendingPathComponent(file))
            #expect(a == b, "\(file)")
        }
        #expect(try String(contentsOf: root.appendingPathComponent("s/csv/series.csv"), encoding: .utf8).contains("+01:00"))

        // Without /proc (a bare container): the static Swift runtime would read no arguments from
        // /proc/self/cmdline, print the help and exit 0; procsim takes them from the C runtime.
        let bare = try Self.shell("chroot \(root.path) /usr/bin/env --chdir=/s /procsim run director-approval.yaml -n 3 --seed 4 --json")
        #expect(bare.status == 0 && bare.stdout == normal.stdout, "\(bare.stderr)")
        let bareCheck = try Self.shell("chroot \(root.path) /usr/bin/env --chdir=/s /procsim check nothing.yaml")
        #expect(bareCheck.status == 66 && bareCheck.stderr.contains("nothing.yaml"), "\(bareCheck.stdout)")

        // Without OpenBLAS: commands that need no statistics still run; a run says what to install.
        try fm.removeItem(at: root.appendingPathComponent("lib/\(URL(fileURLWithPath: blas).lastPathComponent)"))
        let version = try Self.shell(inRoot + "--version'")
        #expect(version.status == 0 && version.stdout.hasPrefix("procsim "), "\(version.stderr)")
        let validate = try Self.shell(inRoot + "validate director-approval.yaml'")
        #expect(validate.status == 0, "\(validate.stderr)")
        let missing = try Self.shell(inRoot + "run director-approval.yaml -n 2'")
        #expect(missing.status == 70)
        #expect(missing.stderr.contains("procsim: OpenBLAS could not be loaded"))
        #expect(missing.stderr.contains("apt-get install libopenblas0"))
        #expect(missing.stdout.isEmpty)
    }
}
