import Foundation
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
