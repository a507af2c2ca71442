import Foundation
import SimExperiment
import SimScenario
import Testing

/// Every bundled scenario loads without errors or warnings.
@Suite struct BundledScenarioTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let files: [String] = ["scenarios", "scenarios/bench"].flatMap { folder in
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { "\(folder)/\($0)" }
    }.sorted()

    @Test func thereAreBundledScenarios() {
        #expect(Self.files.contains("scenarios/order-to-delivery.yaml"))
        #expect(Self.files.contains("scenarios/mm1.yaml") && Self.files.contains("scenarios/mmc.yaml"))
        #expect(Self.files.contains("scenarios/bench/m3.yaml"))
        for story in ["campaign-before-logistics", "credit-approval-removed", "warehouse-second-shift"] {
            #expect(Self.files.contains("scenarios/\(story).yaml"))
        }
    }

    /// Every bundled scenario and every variant it defines runs, and delivers items.
    @Test(arguments: files)
    func runsWithEveryVariant(file: String) throws {
        let path = Self.root.appendingPathComponent(file).path
        let base = try ScenarioLoader.load(path: path)
        for variant in [nil] + base.variantNames.map(Optional.some) {
            let scenario = try ScenarioLoader.load(path: path, variant: variant)
            #expect(scenario.warnings.isEmpty, "\(file) \(variant ?? ""): \(scenario.warnings)")
            let result = Experiment.run(scenario.model, settings: .init(seed: 1, replications: 2, threads: 2))
            #expect((result.estimate("completed")?.estimate ?? 0) > 0, "\(file) \(variant ?? "")")
        }
    }

    /// Editors with the YAML language server find the schema through the file's first line.
    @Test(arguments: files)
    func namesTheSchemaForEditors(file: String) throws {
        let url = Self.root.appendingPathComponent(file)
        let first = try String(contentsOf: url, encoding: .utf8).prefix { $0 != "\n" }
        let prefix = "# yaml-language-server: $schema="
        #expect(first.hasPrefix(prefix), "\(file): \(first)")
        let schema = url.deletingLastPathComponent().appendingPathComponent(String(first.dropFirst(prefix.count))).standardizedFileURL
        #expect(schema.path == Self.root.appendingPathComponent("docs/schemas/scenario.schema.json").standardizedFileURL.path, "\(file)")
    }

    @Test(arguments: files)
    func loadsCleanly(file: String) throws {
        let scenario = try ScenarioLoader.load(path: Self.root.appendingPathComponent(file).path)
        #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
    }

    @Test func unreadableFileIsNotAScenarioError() {
        #expect(throws: UnreadableFile.self) { try ScenarioLoader.load(path: "/nonexistent/scenario.yaml") }
    }
}
