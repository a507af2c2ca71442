import Foundation
import Testing

/// A sharded study on a real single-node Slurm cluster (Debian's packages, started by
/// scripts/slurm-local.sh) gives the one-process bytes. Needs root and Slurm, which the test
/// command installs (scripts/install-deps.sh --test); skipped elsewhere, with the reason.
@Suite(.serialized) struct SlurmTests {
    typealias CLI = CommandLineTests

    static var available: Bool {
        getuid() == 0 && ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch"].allSatisfy(FileManager.default.isExecutableFile)
    }

    /// Runs a script of the repository with `environment` added; returns status and output.
    static func script(_ arguments: [String], environment: [String: String] = [:]) throws -> CLI.Outcome {
        try CLI.run(URL(fileURLWithPath: "/bin/bash"), arguments, environment: environment)
    }

    @Test(.enabled(if: SlurmTests.available, "needs root and Slurm (scripts/install-deps.sh --test installs it)"), .timeLimit(.minutes(5)))
    func studyAsAJobArrayOfFourMergesToTheOneProcessBytes() throws {
        let folder = try CLI.temporaryFolder()
        let cluster = folder.appendingPathComponent("slurm")
        let started = try Self.script(["scripts/slurm-local.sh", "start", cluster.path])
        defer { _ = try? Self.script(["scripts/slurm-local.sh", "stop", cluster.path]) }
        try #require(started.status == 0, "\(started.stderr)")
        let environment = ["SLURM_CONF": cluster.appendingPathComponent("slurm.conf").path]
        let study = ["study", "scenarios/order-to-delivery.yaml", "--vary", "areas.warehouse.staff=3..4",
                     "--vary", "areas.logistics.staff=2..3", "-n", "3", "--seed", "11", "--json"]
        let whole = try CLI.procsim(study)
        try #require(whole.status == 0, "\(whole.stderr)")
        let parts = folder.appendingPathComponent("parts")
        let sharded = try Self.script(["scripts/slurm-shards.sh", "--shards", "4", "--parts", parts.path,
                                       "--procsim", CLI.executable.path, "--"] + study, environment: environment)
        #expect(sharded.status == 0, "\(sharded.stderr)")
        #expect(sharded.stdout == whole.stdout)
        for i in 1...4 { #expect(FileManager.default.fileExists(atPath: parts.appendingPathComponent("part-\(i).json").path)) }

        // A shard that fails: the merge still runs (afterany) and refuses the incomplete set.
        let flaky = folder.appendingPathComponent("flaky.sh")
        try "#!/bin/bash\n[[ \"$SLURM_ARRAY_TASK_ID\" == 2 ]] && exit 9\nexec \(CLI.executable.path) \"$@\"\n"
            .write(to: flaky, atomically: true, encoding: .utf8)
        chmod(flaky.path, 0o755)
        let failed = try Self.script(["scripts/slurm-shards.sh", "--shards", "3", "--parts", folder.appendingPathComponent("flaky").path,
                                      "--procsim", flaky.path, "--", "run", "scenarios/mm1.yaml", "-n", "3"], environment: environment)
        #expect(failed.status == 65)
        #expect(failed.stderr.contains("error: 1 of 3 shards missing: 2/3"))
        #expect(failed.stderr.contains("shard 2/3 wrote no partial result; its log is"))

        // Every shard failing: the merge job says so, with the code of an incomplete set.
        let none = try Self.script(["scripts/slurm-shards.sh", "--shards", "2", "--parts", folder.appendingPathComponent("none").path,
                                    "--", "run", "scenarios/mm1.yaml", "-n", "3", "--no-such-option"], environment: environment)
        #expect(none.status == 65 && none.stderr.contains("none of the 2 shards wrote its partial result"), "\(none.stderr)")

        // Stopped, no daemon of the cluster outlives it: a slurmd left behind holds the port the
        // next cluster needs.
        #expect(try Self.script(["scripts/slurm-local.sh", "stop", cluster.path]).status == 0)
        let conf = "SLURM_CONF=" + cluster.resolvingSymlinksInPath().appendingPathComponent("slurm.conf").path
        let left = try CLI.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "grep -lzx '\(conf)' /proc/[0-9]*/environ 2>/dev/null | grep -v self"], in: nil)
        #expect(left.stdout.isEmpty, "daemons still running: \(left.stdout)")
    }
}
