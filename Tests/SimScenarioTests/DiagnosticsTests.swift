import Foundation
import SimScenario
import Testing

/// Every broken file in `Fixtures/invalid` against the exact text of its diagnostics in the
/// `.expected` file beside it. Messages are product output: they are pinned verbatim.
/// `scripts/update-references.sh` rewrites the expected files; review the diff before committing.
@Suite struct DiagnosticsTests {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/invalid")
    static let cases: [String] = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?
        .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted() ?? []

    /// What procsim says about a file: the diagnostics, and the exit code `validate` gives it.
    /// Bytes, not text: the corpus holds files that are not UTF-8 at all.
    static func diagnose(_ name: String) throws -> String {
        let bytes = Array(try Data(contentsOf: folder.appendingPathComponent("\(name).yaml")))
        // The full path, so that files a fixture refers to (a base, a CSV) are found beside it;
        // the folder is cut from the text, so the golden files hold names only.
        let prefix = folder.path + "/"
        func outcome(variant: String?) throws -> String {
            do {
                let scenario = try ScenarioLoader.parse(bytes: bytes, file: prefix + "\(name).yaml", variant: variant)
                return scenario.warnings.map(\.description).joined(separator: "\n") + "\n(exit 0: runs)\n"
            } catch let error as ScenarioError {
                return error.description + "\n(exit \(error.exitCode): \(error.errorCount) error\(error.errorCount == 1 ? "" : "s"))\n"
            }
        }
        // The file as it is, then each of its variants.
        var output = try outcome(variant: nil)
        for variant in ScenarioLoader.variantNames(path: prefix + "\(name).yaml") {
            output += "\n[variant \(variant)]\n" + (try outcome(variant: variant))
        }
        return output.replacingOccurrences(of: prefix, with: "")
    }

    @Test func corpusIsLargeEnough() {
        #expect(Self.cases.count >= 250)
    }

    @Test(arguments: cases)
    func diagnosticsMatchTheirGoldenText(name: String) throws {
        let actual = try Self.diagnose(name)
        let expectedURL = Self.folder.appendingPathComponent("\(name).expected")
        if ProcessInfo.processInfo.environment["PROCSIM_UPDATE_GOLDEN"] != nil {
            // Write into the source tree, not the copied bundle.
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/invalid/\(name).expected")
            try actual.write(to: source, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected)
    }

    /// Each diagnostic names a file, a line and a column, except those about the file as a whole.
    @Test(arguments: cases)
    func errorsAreLocated(name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent("\(name).yaml")))
        guard case .failure(let error) = Result(catching: { try ScenarioLoader.parse(bytes: bytes, file: Self.folder.appendingPathComponent("\(name).yaml").path) }),
              let scenarioError = error as? ScenarioError else { return }
        // About the file as a whole: nothing in it to point at, or nothing of it to show.
        let wholeFile = ["the file is empty", "the file does not look like a procsim scenario"]
        for d in scenarioError.diagnostics where !wholeFile.contains(where: d.message.hasPrefix) {
            #expect(d.line != nil && d.column != nil, "\(name): \(d)")
        }
    }
}
