import Foundation
import SimScenario
import Testing

/// The YAML in the documentation is what procsim accepts: every scenario block of the tutorial
/// and the format reference loads without errors or warnings.
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The fenced YAML blocks of a document, in order.
    static func yamlBlocks(_ document: String) throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent(document), encoding: .utf8)
        var blocks: [String] = [], current: [Substring]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```yaml" { current = [] } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    @Test(arguments: ["docs/tutorial.md", "docs/format.md", "docs/expressions.md", "docs/scenarios.md", "docs/commands.md", "README.md"])
    func scenarioBlocksLoadCleanly(document: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("procsim-docs-\(getpid())-\(document.hashValue)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var checked = 0
        for (i, block) in try Self.yamlBlocks(document).enumerated() {
            // A block that names its file (`# desk.yaml`) is saved under that name, so that later
            // blocks can build on it; a block without `version:` is a fragment, not a scenario.
            let first = block.prefix { $0 != "\n" }
            let name = first.hasPrefix("# ") && first.hasSuffix(".yaml") ? String(first.dropFirst(2)) : "block\(i).yaml"
            let file = folder.appendingPathComponent(name)
            try block.write(to: file, atomically: true, encoding: .utf8)
            guard block.contains("\nversion: 1") || block.hasPrefix("version: 1") else { continue }
            do {
                let scenario = try ScenarioLoader.load(path: file.path)
                #expect(scenario.warnings.isEmpty, "\(document) block \(i): \(scenario.warnings)")
                for variant in scenario.variantNames {
                    #expect(throws: Never.self, "\(document) block \(i) variant \(variant)") {
                        _ = try ScenarioLoader.load(path: file.path, variant: variant)
                    }
                }
            } catch {
                Issue.record("\(document) block \(i) (\(name)): \(error)")
            }
            checked += 1
        }
        if document == "docs/tutorial.md" { #expect(checked == 5) }
    }
}
