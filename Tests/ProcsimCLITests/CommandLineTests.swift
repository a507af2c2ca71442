import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The `procsim` executable end to end: exit codes, output files, reproducible JSON.
@Suite struct CommandLineTests {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("procsim")
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func procsim(_ arguments: String...) throws -> Outcome { try procsim(arguments) }

    static func procsim(_ arguments: [String]) throws -> Outcome { try run(executable, arguments) }

    /// Runs a program in `folder` with `environment` added to this process's, and returns its
    /// status and output.
    static func run(_ program: URL, _ arguments: [String], environment: [String: String] = [:], in folder: URL? = root) throws -> Outcome {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = folder
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("procsim-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `-o FILE` is one option of every command that reports: the file holds what is printed
    /// (JSON with --json), and `-o -` prints it once.
    @Test(arguments: [
        ["run", "scenarios/mm1.yaml", "-n", "2"],
        ["compare", "scenarios/order-to-delivery.yaml", "scenarios/credit-approval-removed.yaml", "-n", "2"],
        ["study", "scenarios/order-to-delivery.yaml", "--vary", "areas.logistics.staff=2..3", "-n", "2"],
        ["plan", "scenarios/order-to-delivery.yaml", "--target", "p95(lead_time) <= 50h", "--vary", "areas.logistics.staff=3..4", "-n", "4", "--max-replications", "8", "--confirm", "0"],
        ["check", "scenarios/director-approval.yaml", "--max-replications", "20"],
    ])
    func everyReportCanBeWrittenToAFile(command: [String]) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for json in [false, true] {
            let file = folder.appendingPathComponent(json ? "report.json" : "report.txt")
            let r = try Self.procsim(command + (json ? ["--json"] : []) + ["-q", "-o", file.path])
            #expect([0, 1, 2].contains(r.status), "\(r.stderr)")
            let written = try String(contentsOf: file, encoding: .utf8)
            #expect(!r.stdout.isEmpty && written == r.stdout)
            let once = try Self.procsim(command + (json ? ["--json"] : []) + ["-q", "-o", "-"])
            #expect(once.stdout == r.stdout && once.status == r.status)
        }
    }

    /// Shell completion offers scenario files by their extension, and a file's own variants for
    /// `--variant` and `--variants` (asked as the generated scripts ask: `---completion`).
    @Test func completionOffersScenarioFilesAndTheirVariants() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try Self.procsim("--generate-completion-script", shell)
            #expect(script.status == 0 && script.stdout.contains("yaml") && script.stdout.contains("---completion"), "\(shell)")
        }
        let file = "scenarios/credit-approval-removed.yaml"
        let variants = try Self.procsim("---completion", "run", "--", "--variant", "4", "0", "procsim", "run", file, "--variant", "")
        #expect(variants.stdout.split(separator: "\n") == ["no-credit-check", "second-controller"], "\(variants.stdout)")
        let list = try Self.procsim("---completion", "compare", "--", "--variants", "4", "5", "procsim", "compare", file, "--variants", "base,")
        #expect(list.stdout.split(separator: "\n").contains("base,second-controller"), "\(list.stdout)")
    }

    /// `--color always` colours verdicts in a log that is not a terminal, and only verdicts: the
    /// same word in a name the analyst chose (a file "desk that passed review") stays plain;
    /// `--color never` and JSON have no colour at all.
    @Test func colourMarksVerdictsOnly() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("desk that passed review.yaml")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("scenarios/missed-deliveries.yaml"), to: file)
        let coloured = try Self.procsim("check", file.path, "--max-replications", "20", "-q", "--color", "always")
        #expect(coloured.status == 1)
        #expect(coloured.stdout.contains("\u{1B}[31mVIOLATED\u{1B}[0m") && coloured.stdout.contains("\u{1B}[32mmet\u{1B}[0m"))
        #expect(coloured.stdout.contains("desk that passed review.yaml"), "the name is left as written")
        let plain = try Self.procsim("check", file.path, "--max-replications", "20", "-q", "--color", "never")
        #expect(!plain.stdout.contains("\u{1B}") && plain.stdout == coloured.stdout.replacingOccurrences(of: "\u{1B}\\[[0-9]+m", with: "", options: .regularExpression))
        let json = try Self.procsim("check", file.path, "--max-replications", "20", "-q", "--color", "always", "--json")
        #expect(!json.stdout.contains("\u{1B}"))
        #expect(try Self.procsim("run", file.path, "--color", "sometimes").status == 64)
    }

    @Test func runPrintsTheReportAndTheSeed() throws {
        let r = try Self.procsim("run", "scenarios/order-to-delivery.yaml", "--replications", "3")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Lead time, arrival to delivery"))
        #expect(r.stdout.contains("seed 42 · 3 replications"))  // the scenario's seed, printed
        #expect(r.stdout.contains("credit-check"))
    }

    @Test func jsonIsByteIdenticalForAnyThreadCount() throws {
        let one = try Self.procsim("run", "scenarios/order-to-delivery.yaml", "-n", "4", "--threads", "1", "--json", "--seed", "5")
        let two = try Self.procsim("run", "scenarios/order-to-delivery.yaml", "-n", "4", "--threads", "2", "--json", "--seed", "5")
        #expect(one.status == 0 && two.status == 0)
        #expect(one.stdout == two.stdout)
        #expect(one.stdout.hasPrefix("{\n  \"schema\": \"procsim.run/1\",\n  \"provenance\": {"))
        let json = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as! [String: Any]
        let provenance = json["provenance"] as! [String: Any]
        #expect(provenance["seed"] as? Int == 5)
        #expect(provenance["replications"] as? Int == 4)
        let other = try Self.procsim("run", "scenarios/order-to-delivery.yaml", "-n", "4", "--json", "--seed", "6")
        #expect(other.stdout != one.stdout)
    }

    @Test func invalidScenarioExits65WithLocatedErrors() throws {
        let r = try Self.procsim("run", "Tests/SimScenarioTests/Fixtures/invalid/unknown-area.yaml")
        #expect(r.status == 65)
        #expect(r.stderr.contains("unknown-area.yaml:12:31: error: journeys.order.steps[1].area: unknown area 'logstics'; did you mean 'logistics'?"))
        #expect(r.stdout.isEmpty)
        #expect(!r.stderr.contains("DecodingError") && !r.stderr.contains("Fatal"))
    }

    @Test func missingFileExits66() throws {
        let r = try Self.procsim("run", "scenarios/no-such-file.yaml")
        #expect(r.status == 66)
        #expect(r.stderr.contains("scenarios/no-such-file.yaml: error: cannot read the scenario file: no such file"))
    }

    @Test func badUsageExits64() throws {
        #expect(try Self.procsim("run", "scenarios/mm1.yaml", "--replications", "0").status == 64)
        #expect(try Self.procsim("run", "scenarios/mm1.yaml", "--no-such-flag").status == 64)
        #expect(try Self.procsim("run").status == 64)
    }

    /// One policy for every output flag: missing parent folders are made, and removed again when
    /// the command commits nothing.
    @Test func missingFoldersAreMadeAndRemovedWhenNothingIsCommitted() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("missing-folder/deeper/report.json")
        let r = try Self.procsim("run", "scenarios/mmc.yaml", "-n", "2", "--output", target.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: target.path))
        let failed = folder.appendingPathComponent("other/report.json")
        let bad = try Self.procsim("run", "scenarios/mmc.yaml", "-n", "2", "--output", failed.path, "--report", folder.path)
        #expect(bad.status == 73)
        #expect(bad.stdout.isEmpty)  // refused before the run, not after it
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["missing-folder"])
    }

    @Test func outputToAFolderIsRefusedBeforeTheRun() throws {
        let r = try Self.procsim("run", "scenarios/mmc.yaml", "-n", "2", "-o", FileManager.default.temporaryDirectory.path)
        #expect(r.status == 73)
        #expect(r.stdout.isEmpty)
    }

    /// An area with a queue limit turns the excess away: it is a loss system, never unstable.
    @Test func aQueueLimitMakesOverloadALossNotInstability() throws {
        let r = try Self.procsim("run", "scenarios/mm1.yaml", "-n", "2", "--json",
                                 "--set", "areas.clerk.queue_limit=2", "--set", "demand.requests.rate=2/h")
        #expect(r.status == 0)
        #expect(r.stdout.contains("\"stable\": true"))
        #expect(!r.stdout.contains("\"stable\": false"))
    }

    /// The exit status of `procsim` writing its standard output to `output`.
    static func status(writingTo output: FileHandle, _ arguments: String...) throws -> (Process.TerminationReason, Int32) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationReason, process.terminationStatus)
    }

    /// Outputs named relative to the working folder, in folders of one letter that do not exist
    /// yet (once a trap in Foundation's path handling), and `-o -`: the report once on standard
    /// output, a whole JSON document.
    @Test func relativeOutputsInNewShortFoldersAndStandardOutput() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = Self.executable
        let mm1 = Self.root.appendingPathComponent("scenarios/mm1.yaml").path
        process.arguments = ["run", mm1, "-n", "2", "-q", "--json", "-o", "-", "--report", "k/r.html", "--csv", "d", "--event-log", "m/x/e.csv"]
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "standard output is not one JSON document")
        for file in ["k/r.html", "d/figures.csv", "m/x/e.csv"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
    }

    /// SIGTERM in the middle of a run: exit 143, the temporary files and the folders made for the
    /// outputs removed, the previous output as it was.
    @Test(arguments: [SIGTERM, SIGINT])
    func anInterruptedRunLeavesNothingBehind(signal: Int32) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let previous = folder.appendingPathComponent("report.json")
        try "previous\n".write(to: previous, atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["run", "scenarios/order-to-delivery.yaml", "-n", "100000", "-q", "--json",
                             "-o", previous.path, "--csv", folder.appendingPathComponent("made/tables").path]
        process.currentDirectoryURL = Self.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Until the outputs are claimed (the temporary file exists), then interrupt.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).contains(where: { $0.hasSuffix(".tmp") }) {
            usleep(20_000)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + signal)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.json"])
        #expect(try String(contentsOf: previous, encoding: .utf8) == "previous\n")
    }

    /// Standard output on a full device (a private node made like /dev/full, never the system's).
    @Test func aFullStandardOutputIsAnError() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = folder.appendingPathComponent("full").path
        guard mknod(node, S_IFCHR | 0o666, CommandCorpusTests.device(1, 7)) == 0 else { return }  // needs root
        let full = try #require(FileHandle(forWritingAtPath: node))
        #expect(try Self.status(writingTo: full, "run", "scenarios/mmc.yaml", "-n", "2").1 == 73)
    }

    /// A reader that went away (`procsim run … | head -1`) is a failed write, exit 73, not a
    /// silent death by SIGPIPE.
    @Test func aClosedPipeIsAnError() throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let (reason, status) = try Self.status(writingTo: pipe.fileHandleForWriting, "run", "scenarios/mmc.yaml", "-n", "2", "--json")
        #expect(reason == .exit)
        #expect(status == 73)
    }

    /// The file holds what was printed, in the format `--json` asks for whatever its name, and no
    /// temporary file is left beside it.
    @Test func outputFileHoldsTheSameJSONAndNoTemporaryFile() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["report.json", "report.txt"] {
            let target = folder.appendingPathComponent(name)
            let r = try Self.procsim("run", "scenarios/mmc.yaml", "-n", "2", "--json", "-o", target.path)
            #expect(r.status == 0)
            #expect(try String(contentsOf: target, encoding: .utf8) == r.stdout)
            #expect(r.stdout.hasPrefix("{"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["report.json", "report.txt"])
    }

    @Test func validateReportsWarningsAndStrictTurnsThemIntoErrors() throws {
        let path = "Tests/SimScenarioTests/Fixtures/invalid/unstable-warning.yaml"
        let lenient = try Self.procsim("validate", path)
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("warning: areas.sales: unstable"))
        let strict = try Self.procsim("validate", path, "--strict")
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("error: areas.sales: unstable"))
        #expect(try Self.procsim("validate", "scenarios/order-to-delivery.yaml").status == 0)
    }

    @Test func unstableRunIsReportedAsSuch() throws {
        let r = try Self.procsim("run", "Tests/SimScenarioTests/Fixtures/invalid/unstable-warning.yaml", "-n", "2", "--quiet")
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)  // --quiet
        #expect(r.stdout.contains("UNSTABLE: demand exceeds capacity in sales"))
    }

    @Test func versionNamesTheRelease() throws {
        let r = try Self.procsim("--version")
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("procsim 0.1.0 (commit "))
        // The commit was stamped at build time from this checkout.
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", Self.root.path, "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        git.standardOutput = pipe
        git.standardError = FileHandle.nullDevice
        try git.run()
        let head = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        git.waitUntilExit()
        // On a fresh clone (CI) the stamp must be HEAD. In a working tree SwiftPM may run the
        // stamping step after the executable was planned, so right after a commit the binary can
        // name the previous one until the next build; there only the form is checked.
        if git.terminationStatus == 0 && ProcessInfo.processInfo.environment["CI"] != nil {
            #expect(r.stdout.contains("(commit \(head)"))
        }
        let commit = r.stdout.split(separator: " ").last.map { $0.dropLast(2) } ?? ""
        #expect(commit == "unknown" || commit.prefix(12).allSatisfy(\.isHexDigit), "\(r.stdout)")
    }
}

/// `--set` overrides go through the same validation as the file itself.
@Suite struct OverrideTests {
    @Test func overrideChangesTheRunAndIsRecorded() throws {
        let base = try CommandLineTests.procsim("run", "scenarios/mmc.yaml", "-n", "2", "--json")
        let more = try CommandLineTests.procsim("run", "scenarios/mmc.yaml", "-n", "2", "--json", "--set", "areas.support.staff=6")
        #expect(more.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(more.stdout.utf8)) as! [String: Any]
        let areas = json["areas"] as! [String: Any], support = areas["support"] as! [String: Any]
        #expect(support["staff"] as? Int == 6)
        #expect((json["provenance"] as! [String: Any])["overrides"] as? [String] == ["areas.support.staff=6"])
        #expect(base.stdout != more.stdout)
    }

    @Test func overrideOfAStepInAList() throws {
        let r = try CommandLineTests.procsim("run", "scenarios/order-to-delivery.yaml", "-n", "2", "--json",
                                              "--set", "journeys.order.steps[1].approval.reject=0%")
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let rework = ((json["system"] as! [String: Any])["rework"] as! [String: Any])["estimate"] as? Double
        #expect(rework == 0)
    }

    @Test func badOverridesAreRefused() throws {
        let typo = try CommandLineTests.procsim("run", "scenarios/mmc.yaml", "--set", "aeras.support.staff=6")
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("--set aeras.support.staff=6: the scenario has no 'aeras'; did you mean 'areas'?"))
        #expect(try CommandLineTests.procsim("run", "scenarios/mmc.yaml", "--set", "areas.support.staff").status == 64)
        #expect(try CommandLineTests.procsim("run", "scenarios/mmc.yaml", "--set", "x-defaults.mean=1h").status == 64)
        // A step addressed by name is reported against the override, under its position.
        let byName = try CommandLineTests.procsim("run", "scenarios/order-to-delivery.yaml", "--set", "journeys.order.steps.pick.duration=90")
        #expect(byName.status == 65)
        #expect(byName.stderr.contains("--set journeys.order.steps.pick.duration=90: error: journeys.order.steps[2].duration: expected a duration with a unit"))
        let invalid = try CommandLineTests.procsim("run", "scenarios/mmc.yaml", "--set", "areas.support.staff=-1")
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("error: areas.support.staff: expected a whole number of staff of at least 1, or 'unlimited', found -1"))
    }
}

/// `--variant NAME` runs a named what-if; validation checks every variant.
@Suite struct VariantCommandTests {
    @Test func variantRunsAndIsRecorded() throws {
        let r = try CommandLineTests.procsim("run", "scenarios/credit-approval-removed.yaml", "-n", "2", "--json", "--variant", "no-credit-check")
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((json["provenance"] as! [String: Any])["variant"] as? String == "no-credit-check")
        let steps = json["steps"] as! [String: Any]
        #expect(steps["order/credit-check"] == nil && steps["order/pick"] != nil)
        // No approval, no rework.
        #expect((((json["system"] as! [String: Any])["rework"] as! [String: Any])["estimate"] as? Double) == 0)
    }

    @Test func unknownVariantIsBadUsage() throws {
        let r = try CommandLineTests.procsim("run", "scenarios/credit-approval-removed.yaml", "--variant", "second-controler")
        #expect(r.status == 64)
        #expect(r.stderr.contains("--variant second-controler: the scenario has no variant 'second-controler'; did you mean 'second-controller'?"))
    }

    @Test func validateChecksEveryVariant() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("v.yaml")
        try """
            version: 1
            horizon: 30d
            areas:
              sales: {staff: 2}
            demand:
              orders: {rate: 10/day, journey: order}
            journeys:
              order:
                steps:
                  - {name: quote, area: sales, duration: 1h}
            variants:
              fine:
                set: {areas.sales.staff: 3}
              broken:
                set: {areas.sales.staff: none}
            """.write(to: file, atomically: true, encoding: .utf8)
        let r = try CommandLineTests.procsim("validate", file.path)
        #expect(r.status == 65)
        #expect(r.stderr.contains("v.yaml:15:30: error: areas.sales.staff: in variant 'broken': expected a whole number of staff of at least 1, or 'unlimited', found 'none'"))
        #expect(try CommandLineTests.procsim("validate", file.path, "--variant", "fine").status == 0)
    }
}

/// Every replication's figures are kept until the summary, so what would not fit in memory is
/// refused before anything runs, with the limit named.
@Suite struct ReplicationMemoryTests {
    @Test func absurdReplicationCountsAreRefused() throws {
        let r = try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "-n", "1000000", "--set", "horizon=1s")
        #expect(r.status == 64)
        #expect(r.stderr.contains("--replications 1000000: each replication of this scenario keeps about"))
        #expect(r.stderr.contains("procsim keeps at most 1.0 GiB, so at most"))
    }
}

/// `--precision`: replications in batches until the intervals are narrow enough.
@Suite struct PrecisionTests {
    @Test func precisionStopsAtTheSamePlaceForAnyThreadCount() throws {
        let one = try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "--precision", "2%", "--threads", "1", "--json")
        let two = try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "--precision", "2%", "--threads", "2", "--json")
        #expect(one.status == 0 && two.status == 0)
        #expect(one.stdout == two.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as! [String: Any]
        let precision = json["precision"] as! [String: Any]
        #expect(precision["reached"] as? Bool == true)
        // Every target is within 2% of its estimate.
        let lead = ((json["system"] as! [String: Any])["lead_time"] as! [String: Any])
        for figure in ["mean", "p95"] {
            let e = lead[figure] as! [String: Any], x = e["estimate"] as! Double, ci = e["ci95"] as! [Double]
            #expect((ci[1] - ci[0]) / 2 <= 0.02 * x + 1e-9)
        }
        try JSONSchemaTests.expectValid(one.stdout, schema: "run", label: "precision")
    }

    @Test func precisionNotReachedIsInconclusive() throws {
        let r = try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "--precision", "0.1%", "--max-replications", "30")
        #expect(r.status == 2)
        #expect(r.stdout.contains("PRECISION NOT REACHED"))
        #expect(try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "--precision", "2%", "--precision-for", "p95(lead_tim)").status == 64)
        #expect(try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "--precision", "two").status == 64)
    }
}

/// `--warmup DURATION|auto`.
@Suite struct WarmupTests {
    @Test func autoWarmupIsReportedAndNeverSettlingIsSaid() throws {
        let settled = try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "--warmup", "auto", "-n", "4", "--json")
        #expect(settled.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(settled.stdout.utf8)) as! [String: Any]
        let auto = json["warmup_auto"] as! [String: Any]
        #expect(auto["settled"] as? Bool == true)
        #expect((json["scenario"] as! [String: Any])["warmup"] as? Double == auto["warmup"] as? Double)
        try JSONSchemaTests.expectValid(settled.stdout, schema: "run", label: "warmup auto")
        let growing = try CommandLineTests.procsim("run", "Tests/SimScenarioTests/Fixtures/invalid/unstable-warning.yaml", "--warmup", "auto", "-n", "2", "-q")
        #expect(growing.stdout.contains("NEVER SETTLES"))
        let fixed = try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "--warmup", "3d", "-n", "2", "--json")
        #expect(((try JSONSerialization.jsonObject(with: Data(fixed.stdout.utf8)) as! [String: Any])["scenario"] as! [String: Any])["warmup"] as? Double == 259_200)
        #expect(try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "--warmup", "soon").status == 64)
    }
}

/// Progress goes to a terminal only: a pipe or a log never sees it.
@Suite struct ProgressTests {
    @Test func noProgressWhenStderrIsNotATerminal() throws {
        let r = try CommandLineTests.procsim("run", "scenarios/mm1.yaml", "-n", "40", "-q")
        #expect(r.status == 0)
        #expect(!r.stderr.contains("replications") && !r.stderr.contains("\r"))
    }
}
