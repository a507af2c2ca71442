import Foundation
import Testing

/// Real `procsim run --json` output against the committed JSON Schema, checked by Python's
/// `jsonschema` (installed by `scripts/test.sh`), not by a validator of our own.
@Suite struct JSONSchemaTests {
    static let scenarios = [
        "scenarios/order-to-delivery.yaml", "scenarios/mm1.yaml", "scenarios/mmc.yaml",
        "Tests/SimScenarioTests/Fixtures/invalid/unstable-warning.yaml",
    ]

    @Test(arguments: scenarios)
    func runOutputMatchesTheSchema(scenario: String) throws {
        let run = try CommandLineTests.procsim("run", scenario, "-n", "2", "--json", "--quiet")
        #expect(run.status == 0)
        try Self.expectValid(run.stdout, schema: "run", label: scenario)
    }

    @Test(arguments: ["scenarios/mm1.yaml", "Tests/SimScenarioTests/Fixtures/invalid/many-problems.yaml", "Tests/SimScenarioTests/Fixtures/invalid/unstable-warning.yaml"])
    func validateOutputMatchesTheSchema(scenario: String) throws {
        let run = try CommandLineTests.procsim("validate", scenario, "--json")
        #expect(run.status == (scenario.contains("many-problems") ? 65 : 0))
        try Self.expectValid(run.stdout, schema: "validate", label: scenario)
    }

    /// Every command asked for JSON prints JSON on an invalid scenario too: the validate
    /// document, with the diagnostics and their positions, and the exit code 65.
    @Test(arguments: [["run"], ["baseline", "-o", "{folder}/baseline.json"], ["plan", "--target", "p95(lead_time) <= 1d", "--vary", "areas.desk.staff=1..2"]])
    func invalidScenariosAreReportedAsJSON(command: [String]) throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = "Tests/SimScenarioTests/Fixtures/invalid/many-problems.yaml"
        let r = try CommandLineTests.procsim([command[0], file, "--json"] + command.dropFirst().map { $0.replacingOccurrences(of: "{folder}", with: folder.path) })
        #expect(r.status == 65)
        try Self.expectValid(r.stdout, schema: "validate", label: command[0])
        let document = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let diagnostics = document["diagnostics"] as! [[String: Any]]
        #expect(document["valid"] as? Bool == false && diagnostics.count > 1 && diagnostics.allSatisfy { $0["line"] is Int })
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("baseline.json").path), "nothing is written for an invalid scenario")
    }

    @Test func compareOutputMatchesTheSchema() throws {
        let run = try CommandLineTests.procsim("compare", "scenarios/credit-approval-removed.yaml", "--variants", "base,second-controller,no-credit-check", "-n", "3", "--json", "--quiet")
        #expect(run.status == 0)
        try Self.expectValid(run.stdout, schema: "compare", label: "compare")
        // Two files: a file that builds on the other without changing the operation differs by
        // exactly zero in every figure (the same streams, the same model).
        let files = try CommandLineTests.procsim("compare", "scenarios/order-to-delivery.yaml", "scenarios/credit-approval-removed.yaml", "-n", "3", "--json", "--quiet")
        #expect(files.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(files.stdout.utf8)) as! [String: Any]
        let metrics = ((json["comparisons"] as! [[String: Any]])[0]["metrics"] as! [[String: Any]])
        for m in metrics {
            if let d = (m["difference"] as! [String: Any])["estimate"] as? Double { #expect(d == 0, "\(m["metric"]!)") }
        }
        // A design twice, or a misspelt variant, is bad usage.
        #expect(try CommandLineTests.procsim("compare", "scenarios/mm1.yaml", "scenarios/mm1.yaml").status == 64)
        #expect(try CommandLineTests.procsim("compare", "scenarios/credit-approval-removed.yaml", "--variants", "base,base").status == 64)
        let typo = try CommandLineTests.procsim("compare", "scenarios/credit-approval-removed.yaml", "--variants", "base,second-controler")
        #expect(typo.status == 64 && typo.stderr.contains("--variants second-controler"))
        // One file without --variants is bad usage.
        #expect(try CommandLineTests.procsim("compare", "scenarios/mm1.yaml").status == 64)
    }

    /// A study whose answer is known: in an area with unlimited staff the mean lead time is the
    /// mean work, so varying the mean work from 1 h to 3 h moves it by 2 h (up to the sampling
    /// error of the items' work, about 2 h/√5,800 ≈ 1.3%, allowed four times over), while the
    /// arrival rate moves it only by noise: the difference of two samples' means, about
    /// 2 h·√(1/2,900 + 1/8,700) ≈ 150 s, allowed four times over.
    @Test func studyFindsTheFactorThatMatters() throws {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("study.yaml")
        try """
            version: 1
            horizon: 60d
            warmup: 2d
            areas:
              pass: {staff: unlimited}
            demand:
              items: {rate: 20/day, journey: j}
            journeys:
              j:
                steps:
                  - {name: work, area: pass, duration: {dist: exponential, mean: 2h}}
            """.write(to: file, atomically: true, encoding: .utf8)
        let r = try CommandLineTests.procsim("study", file.path, "--vary", "journeys.j.steps[0].duration.mean=1h..3h",
                                             "--vary", "demand.items.rate=10/day..30/day", "-n", "5", "--json", "--target", "mean(lead_time)")
        #expect(r.status == 0)
        try Self.expectValid(r.stdout, schema: "study", label: "study")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let effects = ((json["metamodels"] as! [[String: Any]])[0]["effects"] as! [[String: Any]]).map { $0["effect"] as! Double }
        #expect(abs(effects[0] - 7200) <= 4 * 7200 / 5800.0.squareRoot(), "work effect \(effects[0])")
        #expect(abs(effects[1]) <= 600, "rate effect \(effects[1])")
        #expect(try CommandLineTests.procsim("study", file.path, "--vary", "demand.items.rate=30/day..10/h").status == 64)
        #expect(try CommandLineTests.procsim("study", file.path, "--vary", "demand.items.rate=1/day..2/day", "--vary", "demand.items.rate=1/day..3/day").status == 64)
        let typo = try CommandLineTests.procsim("study", file.path, "--vary", "demand.itmes.rate=1/day..2/day", "-n", "2")
        #expect(typo.status == 64 && typo.stderr.contains("--vary"))
    }

    static func expectValid(_ text: String, schema: String, label: String) throws {
        let (status, message) = try check(text, against: schema)
        #expect(status == 0, "\(label): \(message)")
    }

    /// Runs Python's jsonschema on a document: its exit status and what it printed.
    static func check(_ text: String, against schema: String) throws -> (Int32, String) {
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = folder.appendingPathComponent("document.json")
        try text.write(to: document, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
            """, CommandLineTests.root.appendingPathComponent("docs/schemas/\(schema).schema.json").path, document.path]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, message)
    }

    /// The schemas are not vacuous: a wrong schema name, or a share outside [0, 1], fails.
    @Test func schemaRejectsAWrongDocument() throws {
        let run = try CommandLineTests.procsim("run", "scenarios/mmc.yaml", "-n", "2", "--json")
        let renamed = run.stdout.replacingOccurrences(of: "\"schema\": \"procsim.run/1\"", with: "\"schema\": \"procsim.run/2\"")
        #expect(try Self.check(renamed, against: "run").0 != 0)
        // A share of 7.5: the first `waited` estimate, 0.5…, becomes 7.5….
        let waited = run.stdout.range(of: "\"waited\": {")!
        let estimate = run.stdout.range(of: "\"estimate\": 0.", range: waited.upperBound..<run.stdout.endIndex)!
        let outOfRange = run.stdout.replacingCharacters(in: estimate, with: "\"estimate\": 7.")
        #expect(try Self.check(outOfRange, against: "run").0 != 0)
    }
}
