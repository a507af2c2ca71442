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

    static func expectValid(_ text: String, schema: String, label: String) throws {
        let scenario = label
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = folder.appendingPathComponent("run.json")
        try text.write(to: document, atomically: true, encoding: .utf8)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
            """, CommandLineTests.root.appendingPathComponent("docs/schemas/\(schema).schema.json").path, document.path]
        let err = Pipe()
        check.standardError = err
        try check.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        #expect(check.terminationStatus == 0, "\(scenario): \(message)")
    }

    /// The schema is not vacuous: a document with a NaN-like string where a number belongs fails.
    @Test func schemaRejectsAWrongDocument() throws {
        let run = try CommandLineTests.procsim("run", "scenarios/mmc.yaml", "-n", "2", "--json")
        let broken = run.stdout.replacingOccurrences(of: "\"schema\": \"procsim.run/1\"", with: "\"schema\": \"procsim.run/2\"")
        let folder = try CommandLineTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = folder.appendingPathComponent("broken.json")
        try broken.write(to: document, atomically: true, encoding: .utf8)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
                           CommandLineTests.root.appendingPathComponent("docs/schemas/run.schema.json").path, document.path]
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus != 0)
    }
}
