import Foundation
import Testing

/// The shard and merge commands of the Kubernetes manifests (docs/kubernetes/) and of the CI
/// matrices (docs/ci.md), run as those systems run them: with the index variable each sets, by
/// `sh`, with procsim on PATH. Paths are moved into a temporary folder and the replication count
/// made small; the merged study must be the one-process study. Reads the YAML with Python's
/// PyYAML (installed by the test command).
@Suite struct DocsExampleTests {
    typealias CLI = CommandLineTests

    static func sh(_ script: String, environment: [String: String] = [:]) throws -> CLI.Outcome {
        // The commands of the docs call `procsim`: the build's, first on the path.
        var env = environment
        env["PATH"] = CLI.executable.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try CLI.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script], environment: env)
    }

    /// Python prints the value of `expression` over the YAML documents `docs` as JSON.
    static func yaml(_ file: String, _ expression: String, block marker: String? = nil) throws -> Any {
        let text = try String(contentsOf: CLI.root.appendingPathComponent(file), encoding: .utf8)
        var source = text
        if let marker {
            // The fenced ```yaml block of a Markdown file that contains `marker`.
            let blocks = text.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
            source = try #require(blocks.first { $0.contains(marker) }, "no yaml block with \(marker) in \(file)")
        }
        let folder = try CLI.temporaryFolder()
        let input = folder.appendingPathComponent("in.yaml")
        try source.write(to: input, atomically: true, encoding: .utf8)
        let expressionFile = folder.appendingPathComponent("expression.txt")
        try expression.write(to: expressionFile, atomically: true, encoding: .utf8)
        let r = try sh("python3 -c 'import json, sys, yaml; docs = list(yaml.safe_load_all(open(sys.argv[1]))); print(json.dumps(eval(open(sys.argv[2]).read())))' \(input.path) \(expressionFile.path)")
        try #require(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: .fragmentsAllowed)
    }

    /// The study of the examples, small: the shards' command with `-n 2`.
    func small(_ command: String, parts: URL) -> String {
        command.replacingOccurrences(of: "-n 1200", with: "-n 2")
            .replacingOccurrences(of: "/scenarios/", with: CLI.root.path + "/scenarios/")
            .replacingOccurrences(of: "/parts/", with: parts.path + "/")
            .replacingOccurrences(of: "parts/part-", with: parts.path + "/part-")
    }

    func oneProcess(_ scenario: String = "scenarios/order-to-delivery.yaml") throws -> String {
        let r = try CLI.procsim("study", scenario, "--vary", "areas.warehouse.staff=3..5",
                                "--vary", "areas.logistics.staff=2..4", "-n", "2", "--json")
        try #require(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    @Test func kubernetesIndexedJobAndMerge() throws {
        let shards = try Self.yaml("docs/kubernetes/study-shards.yaml", "[d for d in docs if d['kind'] == 'Job'][0]['spec']") as! [String: Any]
        #expect(shards["completionMode"] as? String == "Indexed")
        let count = try #require(shards["completions"] as? Int)
        let container = ((shards["template"] as! [String: Any])["spec"] as! [String: Any])["containers"] as! [[String: Any]]
        #expect(container[0]["command"] as? [String] == ["sh", "-c"])
        let shardCommand = try #require((container[0]["args"] as? [String])?.first)
        let merge = try Self.yaml("docs/kubernetes/study-merge.yaml", "docs[0]['spec']['template']['spec']['containers'][0]['args'][0]") as! String
        let parts = try CLI.temporaryFolder()
        for index in 0..<count {
            let r = try Self.sh(small(shardCommand, parts: parts), environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            #expect(r.status == 0, "index \(index): \(r.stderr)")
        }
        let merged = try Self.sh(small(merge, parts: parts))
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == (try oneProcess(CLI.root.path + "/scenarios/order-to-delivery.yaml")))
    }

    @Test func gitlabParallelJobsAndMerge() throws {
        let config = try Self.yaml("docs/ci.md", "docs[0]", block: "study-shard:") as! [String: Any]
        let shard = config["study-shard"] as! [String: Any], merge = config["study-merge"] as! [String: Any]
        let count = try #require(shard["parallel"] as? Int)
        let parts = try CLI.temporaryFolder()
        for index in 1...count {
            for line in shard["script"] as! [String] {
                let r = try Self.sh(small(line, parts: parts), environment: ["CI_NODE_INDEX": "\(index)", "CI_NODE_TOTAL": "\(count)"])
                #expect(r.status == 0, "node \(index): \(r.stderr)")
            }
        }
        let out = try CLI.temporaryFolder()
        for line in merge["script"] as! [String] {
            // In the checkout, as the job runs: the scenario path is relative.
            let r = try Self.sh(small(line, parts: parts).replacingOccurrences(of: "> study.json", with: "> \(out.path)/study.json"))
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(try String(contentsOf: out.appendingPathComponent("study.json"), encoding: .utf8) == (try oneProcess()))
    }

    @Test func githubMatrixAndMerge() throws {
        let workflow = try Self.yaml("docs/ci.md", "docs[0]['jobs']", block: "nightly study") as! [String: Any]
        let shard = workflow["shard"] as! [String: Any], merge = workflow["merge"] as! [String: Any]
        let matrix = ((shard["strategy"] as! [String: Any])["matrix"] as! [String: Any])["shard"] as! [Int]
        let run = try #require((shard["steps"] as! [[String: Any]]).compactMap { $0["run"] as? String }.first)
        let parts = try CLI.temporaryFolder()
        for index in matrix {
            let r = try Self.sh(small(run.replacingOccurrences(of: "${{ matrix.shard }}", with: "\(index)"), parts: parts))
            #expect(r.status == 0, "shard \(index): \(r.stderr)")
        }
        let mergeRun = try #require((merge["steps"] as! [[String: Any]]).compactMap { $0["run"] as? String }.first)
        let out = try CLI.temporaryFolder()
        let r = try Self.sh(small(mergeRun, parts: parts).replacingOccurrences(of: "> study.json", with: "> \(out.path)/study.json"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: out.appendingPathComponent("study.json"), encoding: .utf8) == (try oneProcess()))
    }

    /// The sharded gate of docs/ci.md, run as GitLab runs it (kept small: at most 40
    /// replications per scenario), against the same check in one process.
    @Test func gitlabShardedGateAndMerge() throws {
        let config = try Self.yaml("docs/ci.md", "docs[0]", block: "gate-shard:") as! [String: Any]
        let shard = config["gate-shard"] as! [String: Any], merge = config["gate-merge"] as! [String: Any]
        let count = try #require(shard["parallel"] as? Int)
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let parts = folder.appendingPathComponent("parts"), whole = folder.appendingPathComponent("whole"), merged = folder.appendingPathComponent("merged")
        // The runner's checkout: the repository's scenarios, and a baseline of one of them.
        let recorded = folder.appendingPathComponent("mmc.json")
        let b = try CLI.procsim("baseline", "scenarios/mmc.yaml", "-n", "5", "-q", "-o", recorded.path)
        try #require(b.status == 0, "\(b.stderr)")
        for url in [whole, merged] {
            try FileManager.default.createDirectory(at: url.appendingPathComponent("baselines"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: recorded, to: url.appendingPathComponent("baselines/mmc.json"))
        }
        func here(_ command: String, _ out: URL) -> String {
            "cd \(out.path) && " + command
                .replacingOccurrences(of: "check scenarios", with: "check \(CLI.root.path)/scenarios --max-replications 40")
                .replacingOccurrences(of: "parts/", with: parts.path + "/")
        }
        let script = try #require((shard["script"] as? [String])?.first)
        for index in 1...count {
            let r = try Self.sh(here(script, merged), environment: ["CI_NODE_INDEX": "\(index)", "CI_NODE_TOTAL": "\(count)"])
            #expect(r.status == 0, "node \(index): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: merged.appendingPathComponent("check.xml").path), "a shard writes only its part")
        let mergeLine = try #require((merge["script"] as? [String])?.first)
        let m = try Self.sh(here(mergeLine, merged))
        let one = try Self.sh(here(script.components(separatedBy: "--shard")[0], whole))
        #expect(one.status == 1 || one.status == 0 || one.status == 2, "\(one.stderr)")
        #expect(m.status == one.status && m.stdout == one.stdout && m.stdout.contains("Summary:") && m.stdout.contains("paired by replication"), "\(m.stderr)")
        let untimed = { (url: URL) throws -> String in
            try String(contentsOf: url.appendingPathComponent("check.xml"), encoding: .utf8)
                .replacingOccurrences(of: #" (time|timestamp)="[^"]*""#, with: "", options: .regularExpression)
        }
        let oneJUnit = try untimed(whole), mergedJUnit = try untimed(merged)
        #expect(oneJUnit.contains("<testcase") && oneJUnit == mergedJUnit)
    }
}
