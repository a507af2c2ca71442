import Foundation
import Testing

/// `--shard I/N` and `procsim merge`: the merged outputs are the bytes one process writes, and
/// parts that do not make one whole experiment are refused.
@Suite struct ShardTests {
    typealias CLI = CommandLineTests

    /// Runs `arguments` once whole and once as `count` shards merged (parts given in reverse
    /// order), each writing its outputs under its own folder via `{out}`; returns both folders.
    func wholeAndMerged(_ arguments: [String], shards count: Int, threads: [String] = [], status: Int32 = 0) throws -> (whole: CLI.Outcome, merged: CLI.Outcome, wholeFolder: URL, mergedFolder: URL) {
        let folder = try CLI.temporaryFolder()
        let wholeFolder = folder.appendingPathComponent("whole"), mergedFolder = folder.appendingPathComponent("merged")
        func args(_ out: URL) -> [String] { arguments.map { $0.replacingOccurrences(of: "{out}", with: out.path) } }
        let whole = try CLI.procsim(args(wholeFolder))
        #expect(whole.status == status, "\(whole.stderr)")
        var parts: [String] = []
        for i in 1...count {
            let part = folder.appendingPathComponent("part-\(i).json").path
            // Shards on differently sized nodes: the thread count is not part of the experiment.
            let extra = threads.isEmpty ? [] : ["--threads", threads[(i - 1) % threads.count]]
            let r = try CLI.procsim(args(mergedFolder) + extra + ["--shard", "\(i)/\(count)", "--partial", part])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.isEmpty, "a shard prints no report")
            parts.append(part)
        }
        #expect(!FileManager.default.fileExists(atPath: mergedFolder.path), "a shard writes only its partial result")
        let merged = try CLI.procsim(["merge"] + parts.reversed())
        return (whole, merged, wholeFolder, mergedFolder)
    }

    func contents(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let names = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        for name in names {
            var isFolder: ObjCBool = false
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                files[name] = try Data(contentsOf: url)
            }
        }
        return files
    }

    @Test func mergedRunIsByteIdenticalToOneProcess() throws {
        // 7 replications over 3 shards: an uneven deal (3, 2, 2).
        let r = try wholeAndMerged(["run", "scenarios/order-to-delivery.yaml", "-n", "7", "--seed", "3",
                                    "-o", "{out}/run.json", "--report", "{out}/run.html", "--csv", "{out}/csv"],
                                   shards: 3, threads: ["1", "2"])
        #expect(r.merged.status == 0, "\(r.merged.stderr)")
        #expect(r.merged.stdout == r.whole.stdout)
        let whole = try contents(r.wholeFolder), merged = try contents(r.mergedFolder)
        #expect(whole["run.json"] != nil && whole["run.html"] != nil)
        #expect(whole.keys.contains { $0.hasPrefix("csv/") })
        #expect(merged == whole)
    }

    @Test func mergedRunWithAutomaticWarmupMatches() throws {
        // The pilot decides the warm-up before the main run: every shard runs it whole.
        let r = try wholeAndMerged(["run", "scenarios/mmc.yaml", "-n", "5", "--warmup", "auto", "--json"], shards: 2)
        #expect(r.merged.status == 0, "\(r.merged.stderr)")
        #expect(r.merged.stdout == r.whole.stdout)
        #expect(r.whole.stdout.contains("\"warmup\""))
    }

    @Test func mergedStudyIsByteIdenticalToOneProcess() throws {
        let r = try wholeAndMerged(["study", "scenarios/order-to-delivery.yaml", "--vary", "areas.warehouse.staff=3..4",
                                    "--vary", "areas.logistics.staff=2..3", "-n", "3", "--json", "--csv", "{out}/csv"], shards: 4)
        #expect(r.merged.status == 0, "\(r.merged.stderr)")
        #expect(r.merged.stdout == r.whole.stdout)
        #expect(r.whole.stdout.contains("\"schema\": \"procsim.study/1\""))
        #expect(try contents(r.mergedFolder) == contents(r.wholeFolder))
    }

    @Test func mergedCompareIsByteIdenticalToOneProcess() throws {
        // Both designs' shards run the same replication indices: the pairs stay paired.
        let r = try wholeAndMerged(["compare", "scenarios/credit-approval-removed.yaml", "--variants", "base,no-credit-check",
                                    "-n", "5", "--report", "{out}/compare.html"], shards: 2)
        #expect(r.merged.status == 0, "\(r.merged.stderr)")
        #expect(r.merged.stdout == r.whole.stdout)
        #expect(r.whole.stdout.contains("no-credit-check"))
        #expect(try contents(r.mergedFolder) == contents(r.wholeFolder))
        let files = try wholeAndMerged(["compare", "scenarios/order-to-delivery.yaml", "scenarios/director-approval.yaml", "-n", "3", "--json"], shards: 3)
        #expect(files.merged.stdout == files.whole.stdout)
    }

    @Test func mergedExhaustivePlanIsByteIdenticalToOneProcess() throws {
        // Each design is decided whole by its sequential check in one shard; the merge replays the
        // recorded replications through the same checks, so every decision is the same.
        let plan = ["plan", "scenarios/order-to-delivery.yaml", "--target", "p95(lead_time) <= 50h",
                    "--vary", "areas.logistics.staff=2..4", "--vary", "areas.warehouse.staff=3..5",
                    "--cost", "logistics=3200/month", "--cost", "warehouse=2900/month", "--exhaustive"]
        let text = try wholeAndMerged(plan + ["--report", "{out}/plan.html", "--csv", "{out}/csv"], shards: 3)
        #expect(text.merged.status == text.whole.status, "\(text.merged.stderr)")
        #expect(text.merged.stdout == text.whole.stdout)
        #expect(text.whole.stdout.contains("Cheapest staffing that meets every target"))
        #expect(try contents(text.mergedFolder) == contents(text.wholeFolder))
        let json = try wholeAndMerged(plan + ["--json"], shards: 4)
        #expect(json.merged.stdout == json.whole.stdout)
        // The search cannot be split: which design runs next depends on the last answer.
        let search = try CLI.procsim(Array(plan.dropLast()) + ["--shard", "1/2", "--partial", "p.json"])
        #expect(search.status == 64)
        #expect(search.stderr.contains("--shard needs --exhaustive"))
    }

    /// A check is sequential inside each scenario (looks until a verdict), so it shards by whole
    /// targets: each scenario, or variant with its baseline, is checked in one shard, the base
    /// replications a paired baseline needs beyond the recorded ones included; the merge replays
    /// them through the same looks. A folder with a passing, a failing, a baselined and an invalid
    /// scenario (exit 65, the most serious) gives the same report, exit code and JUnit cases merged as in one process (the
    /// JUnit times are each scenario's time in its shard, the timestamp the merge's).
    @Test func mergedFolderCheckIsIdenticalToOneProcess() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenarios = folder.appendingPathComponent("s"), baselines = folder.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: scenarios, withIntermediateDirectories: true)
        for name in ["director-approval", "missed-deliveries", "mmc"] {
            try FileManager.default.copyItem(atPath: "\(CLI.root.path)/scenarios/\(name).yaml", toPath: scenarios.appendingPathComponent("\(name).yaml").path)
        }
        try "version: 1\nareas: [oops\n".write(to: scenarios.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let recorded = try CLI.procsim("baseline", scenarios.appendingPathComponent("mmc.yaml").path, "-n", "5", "-q",
                                       "-o", baselines.appendingPathComponent("mmc.json").path)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let check = ["check", scenarios.path, "--baselines", baselines.path, "--max-replications", "40"]
        let text = try wholeAndMerged(check + ["--junit", "{out}/junit.xml"], shards: 3, status: 65)
        #expect(text.merged.status == 65 && text.whole.stdout.contains("FAILED  \(scenarios.path)/missed-deliveries.yaml"))
        #expect(text.whole.stdout.contains("INVALID  \(scenarios.path)/broken.yaml") && text.whole.stdout.contains("paired by replication"))
        #expect(text.merged.stdout == text.whole.stdout)
        let untimed = { (url: URL) throws -> String in
            try String(contentsOf: url, encoding: .utf8)
                .replacingOccurrences(of: #" (time|timestamp)="[^"]*""#, with: "", options: .regularExpression)
        }
        let wholeJUnit = try untimed(text.wholeFolder.appendingPathComponent("junit.xml"))
        let mergedJUnit = try untimed(text.mergedFolder.appendingPathComponent("junit.xml"))
        #expect(wholeJUnit.contains("<testcase") && wholeJUnit == mergedJUnit)
        let json = try wholeAndMerged(check + ["--json"], shards: 2, status: 65)
        #expect(json.merged.stdout == json.whole.stdout && json.merged.status == 65)
    }

    @Test func moreShardsThanReplicationsStillMerge() throws {
        // Shards 3 and 4 of 4 run nothing of 2 replications; their parts still count.
        let r = try wholeAndMerged(["run", "scenarios/mm1.yaml", "-n", "2", "--json"], shards: 4)
        #expect(r.merged.status == 0, "\(r.merged.stderr)")
        #expect(r.merged.stdout == r.whole.stdout)
    }

    /// Parts of `run scenarios/mm1.yaml -n N` in `folder`.
    func parts(_ folder: URL, n: Int = 4, of count: Int, _ indices: [Int], name: String = "p", extra: [String] = []) throws -> [String] {
        try indices.map { i in
            let path = folder.appendingPathComponent("\(name)\(i).json").path
            let r = try CLI.procsim(["run", "scenarios/mm1.yaml", "-n", "\(n)", "-q"] + extra + ["--shard", "\(i)/\(count)", "--partial", path])
            #expect(r.status == 0, "\(r.stderr)")
            return path
        }
    }

    @Test func missingDuplicatedAndForeignShardsAreRefused() throws {
        let folder = try CLI.temporaryFolder()
        let p = try parts(folder, of: 3, [1, 2, 3])
        let missing = try CLI.procsim("merge", p[0], p[2])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("error: 1 of 3 shards missing: 2/3"))
        #expect(missing.stdout.isEmpty)
        let same = try CLI.procsim("merge", p[0], p[1], p[1], p[2])
        #expect(same.status == 65)
        #expect(same.stderr.contains("\(p[1]): error: the same file is given twice"))
        let copy = folder.appendingPathComponent("copy-of-2.json").path
        try FileManager.default.copyItem(atPath: p[1], toPath: copy)
        let twice = try CLI.procsim("merge", p[0], p[1], copy, p[2])
        #expect(twice.status == 65)
        #expect(twice.stderr.contains("shard 2/3 is given twice"))
        // A shard of another command line (another replication count).
        let other = try parts(folder, n: 5, of: 3, [2], name: "q")[0]
        let foreign = try CLI.procsim("merge", p[0], other, p[2])
        #expect(foreign.status == 65)
        #expect(foreign.stderr.contains("\(other): error: not a shard of the same experiment as \(p[0]): its command is 'procsim run scenarios/mm1.yaml --replications 5'"))
        // Another shard count.
        let four = try parts(folder, of: 4, [4], name: "r")[0]
        let counts = try CLI.procsim("merge", p[0], p[1], four)
        #expect(counts.status == 65)
        #expect(counts.stderr.contains("its shard count is 4, there 3"))
    }

    /// Every file a scenario is made of is hashed: the file itself and a base it extends.
    @Test(arguments: ["mm1.yaml", "base.yaml"])
    func aChangedScenarioIsRefused(edited: String) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenario = folder.appendingPathComponent("mm1.yaml")
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("scenarios/mm1.yaml"), to: folder.appendingPathComponent("base.yaml"))
        try "extends: base.yaml\n".write(to: scenario, atomically: true, encoding: .utf8)
        var paths: [String] = []
        for i in 1...2 {
            let path = folder.appendingPathComponent("p\(i).json").path
            let r = try CLI.procsim("run", scenario.path, "-n", "2", "--shard", "\(i)/2", "--partial", path, "-q")
            #expect(r.status == 0, "\(r.stderr)")
            paths.append(path)
        }
        #expect(try CLI.procsim(["merge"] + paths).status == 0)
        let changed = folder.appendingPathComponent(edited)
        try (String(contentsOf: changed, encoding: .utf8) + "# edited\n").write(to: changed, atomically: true, encoding: .utf8)
        let r = try CLI.procsim(["merge"] + paths)
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(changed.path): error: the file has changed since the shards ran"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    /// `--partial -` writes a part to standard output and `merge -` reads one from standard input.
    @Test func aPartCanBePipedIntoTheMerge() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("1.json").path, p = CLI.executable.path
        let script = "\(p) run scenarios/mm1.yaml -n 3 -q --shard 1/2 --partial - > \(first) && \(p) run scenarios/mm1.yaml -n 3 -q --shard 2/2 --partial - | \(p) merge \(first) -"
        let piped = try CLI.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == (try CLI.procsim("run", "scenarios/mm1.yaml", "-n", "3")).stdout)
    }

    /// A shard run again by hand may spell the command differently (`--name=value`, `-n` or
    /// `--replications`, `./` before a file, `--quiet`): it is still a shard of the experiment.
    /// An output of the merge may not replace one of the parts it reads.
    @Test func shardsSpelledDifferentlyMergeAndPartsAreProtected() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let one = folder.appendingPathComponent("1.json").path, two = folder.appendingPathComponent("2.json").path
        #expect(try CLI.procsim("run", "./scenarios/mm1.yaml", "--replications=3", "--seed=4", "--shard=1/2", "--partial", one).status == 0)
        #expect(try CLI.procsim("run", "scenarios/mm1.yaml", "-n", "3", "--seed", "4", "-q", "--no-color", "--shard", "2/2", "--partial", two).status == 0)
        let merged = try CLI.procsim("merge", one, two)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == (try CLI.procsim("run", "scenarios/mm1.yaml", "-n", "3", "--seed", "4")).stdout)
        // The shards' command writes -o over a part: the merge refuses before writing anything.
        let a = folder.appendingPathComponent("a.json").path, b = folder.appendingPathComponent("b.json").path
        for (i, part) in [a, b].enumerated() {
            #expect(try CLI.procsim("run", "scenarios/mm1.yaml", "-n", "2", "-o", a, "--shard", "\(i + 1)/2", "--partial", part).status == 0)
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: a))
        let refused = try CLI.procsim("merge", a, b)
        #expect(refused.status == 64 && refused.stderr.contains("is the input"), "\(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == before)
    }

    @Test func filesThatAreNotPartsAreRefused() throws {
        let folder = try CLI.temporaryFolder()
        let report = folder.appendingPathComponent("run.json")
        #expect(try CLI.procsim("run", "scenarios/mm1.yaml", "-n", "2", "-o", report.path, "-q").status == 0)
        let notPart = try CLI.procsim("merge", report.path)
        #expect(notPart.status == 65)
        #expect(notPart.stderr.contains("error: not a procsim partial result: expected \"schema\": \"procsim.partial/1\", found \"procsim.run/1\""))
        let text = folder.appendingPathComponent("notes.txt")
        try "hello\n".write(to: text, atomically: true, encoding: .utf8)
        #expect(try CLI.procsim("merge", text.path).stderr.contains("not a procsim partial result: not a JSON object"))
        // A part whose numbers were damaged.
        let part = try parts(folder, of: 1, [1])[0]
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: part))) as! [String: Any]
        var experiments = json["experiments"] as! [[String: Any]]
        var outputs = experiments[0]["outputs"] as! [[String: Any]]
        outputs[0]["metrics"] = "not base64!"
        experiments[0]["outputs"] = outputs
        json["experiments"] = experiments
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: part))
        let damaged = try CLI.procsim("merge", part)
        #expect(damaged.status == 65)
        #expect(damaged.stderr.contains("a damaged partial result: expected the base64 of 8-byte numbers at experiments[0].outputs[0].metrics"))
        let absent = try CLI.procsim("merge", folder.appendingPathComponent("none.json").path)
        #expect(absent.status == 66)
        #expect(absent.stderr.contains("none.json: error: cannot read the partial result: no such file"))
        #expect(try CLI.procsim("merge", folder.path).status == 66)
    }

    @Test func shardOptionsAreChecked() throws {
        for (arguments, message) in [
            (["--shard", "1/3"], "--shard needs --partial FILE"),
            (["--shard", "0/3", "--partial", "p.json"], "--shard expects I/N with 1 ≤ I ≤ N"),
            (["--shard", "4/3", "--partial", "p.json"], "--shard expects I/N"),
            (["--partial", "p.json"], "--partial needs --shard I/N"),
            (["--shard", "1/2", "--partial", "p.json", "--precision", "5%"], "--precision cannot be sharded"),
        ] {
            let r = try CLI.procsim(["run", "scenarios/mm1.yaml"] + arguments)
            #expect(r.status == 64, "\(arguments)")
            #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
        #expect(try CLI.procsim("merge").status == 64)
    }
}
