import Foundation
import PropertyBased
import SimExpressions
import SimModel
import SimScenario
import Testing

/// Properties of the loader and the expression parser over generated input: whatever arrives
/// (any bytes, any mutation of a bundled scenario, any string of the expression language's
/// tokens), the answer is a model or located diagnostics, never a trap. A trap would end this
/// test process, so reaching the assertions at all is half the property; the other half is
/// that every error says where it is.
@Suite struct PropertyTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scenarios")

    /// Diagnostics about the file as a whole carry no line; every other error is located.
    static func unlocated(_ error: ScenarioError) -> [Diagnostic] {
        let wholeFile = ["the file is empty", "the file does not look like a procsim scenario", "the file is "]
        return error.diagnostics.filter { d in
            d.severity == .error && (d.line == nil || d.column == nil)
                && !wholeFile.contains(where: d.message.hasPrefix) && !d.file.hasPrefix("--set")
        }
    }

    /// The outcome of loading `bytes` as a scenario file named `file`: 0 (a model), 65 or 66.
    static func outcome(_ bytes: [UInt8], file: String) -> (code: Int32, unlocated: [Diagnostic]) {
        do {
            _ = try ScenarioLoader.parse(bytes: bytes, file: file)
            return (0, [])
        } catch let error as ScenarioError {
            return (error.exitCode, unlocated(error))
        } catch {
            return (70, [])
        }
    }

    @Test func anyBytesGiveAModelOrLocatedErrors() async {
        let file = Self.scenarios.appendingPathComponent("generated.yaml").path
        await propertyCheck(count: 300, input: Gen.uint8(in: 0...255).array(of: 0...512)) { bytes in
            let (code, unlocated) = Self.outcome(bytes, file: file)
            #expect([0, 65, 66].contains(code))
            #expect(unlocated.isEmpty, "\(unlocated)")
        }
    }

    /// Bytes drawn from YAML's punctuation and the format's own words reach deeper than noise.
    static let words = [
        "version: 1\n", "areas:\n", "demand:\n", "journeys:\n", "  ", "- ", ": ", "{", "}", "[", "]", ",", "&a ", "*a", "<<: ",
        "staff: ", "rate: ", "20/day", "90s", "1e308d", "-1", "0", "100%", "unlimited", "steps:", "name: ", "area: ",
        "duration: ", "{dist: exponential, mean: 1h}", "\n", "\t", "\"", "'", "#", "!!str ", "---\n", "\u{0}", "\u{FEFF}", "é",
        "extends: ../x.yaml\n", "arrivals: /etc/passwd\n", "calendar: ", "holidays: [0001-01-01..9999-12-31]", "when: not not x",
    ]

    @Test func anyTextOfTheFormatsWordsGivesAModelOrLocatedErrors() async {
        let file = Self.scenarios.appendingPathComponent("generated.yaml").path
        await propertyCheck(count: 300, input: Gen.element(of: Self.words).array(of: 0...60)) { pieces in
            let bytes = Array(pieces.compactMap { $0 }.joined().utf8)
            let (code, unlocated) = Self.outcome(bytes, file: file)
            #expect([0, 65, 66].contains(code))
            #expect(unlocated.isEmpty, "\(unlocated)")
        }
    }

    /// A mutation: what to do (delete, duplicate, replace with a word, insert a byte, swap two
    /// lines, cut the file), where, and with what.
    typealias Mutation = (kind: Int, place: Int, word: Int)

    static func mutate(_ text: String, _ mutations: [Mutation]) -> [UInt8] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for m in mutations where !lines.isEmpty {
            let i = m.place % lines.count, word = words[m.word % words.count]
            switch m.kind {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: i)
            case 2:
                // A value replaced: everything after the first ': ' on the line.
                if let colon = lines[i].range(of: ": ") { lines[i] = String(lines[i][..<colon.upperBound]) + word } else { lines[i] += word }
            case 3: lines[i].insert(contentsOf: word, at: lines[i].index(lines[i].startIndex, offsetBy: m.place % (lines[i].count + 1)))
            case 4: lines.swapAt(i, (m.place / 7) % lines.count)
            default: lines = Array(lines.prefix(i))
            }
        }
        return Array(lines.joined(separator: "\n").utf8)
    }

    static let bundled: [(path: String, text: String)] = ((try? FileManager.default.contentsOfDirectory(atPath: scenarios.path)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted().compactMap { name in
            let path = scenarios.appendingPathComponent(name).path
            return (try? String(contentsOfFile: path, encoding: .utf8)).map { (path, $0) }
        }

    @Test func anyMutationOfABundledScenarioGivesAModelOrLocatedErrors() async {
        #expect(Self.bundled.count >= 5)
        let mutation = zip(Gen.int(in: 0...5), Gen.int(in: 0...100_000), Gen.int(in: 0...1000)).array(of: 1...6)
        await propertyCheck(count: 300, input: Gen.int(in: 0...1000), mutation) { which, mutations in
            let (path, text) = Self.bundled[which % Self.bundled.count]
            let (code, unlocated) = Self.outcome(Self.mutate(text, mutations.map { (kind: $0.0, place: $0.1, word: $0.2) }), file: path)
            #expect([0, 65, 66].contains(code))
            #expect(unlocated.isEmpty, "\(path): \(unlocated)")
        }
    }

    static let context: ExpressionContext = {
        let scenario = try! ScenarioLoader.load(path: scenarios.appendingPathComponent("order-to-delivery.yaml").path)
        return ExpressionContext(model: scenario.model)
    }()

    static let tokens = [
        "p95", "mean", "max", "rate", "share", "(", ")", ",", "lead_time", "on_time", "wait", "utilisation", "step:", "demand:",
        "area:", "orders", "logistics", "ship", "<=", ">=", "<", ">", "=", "+", "-", "*", "/", "5d", "95%", "20/day", "1e308",
        "0", " ", "not", "and", "'", "\"", "é", "\u{0}", "..", "@campaign", "throughput",
    ]

    @Test func anyExpressionGivesAValueOrAnErrorWithinTheText() async {
        await propertyCheck(count: 500, input: Gen.element(of: Self.tokens).array(of: 0...40)) { pieces in
            let text = pieces.compactMap { $0 }.joined(separator: pieces.count % 2 == 0 ? "" : " ")
            do {
                _ = try ExpressionParser.expectation(text, in: Self.context)
            } catch let error as ExpressionError {
                #expect(error.offset >= 0 && error.offset <= text.count, "\(text): \(error)")
                #expect(!error.message.isEmpty)
            } catch {
                Issue.record("\(text): not an ExpressionError: \(error)")
            }
        }
    }

    /// Chains of prefix operators and brackets as deep as a file can hold: refused with a
    /// message, never a stack overflow.
    @Test(arguments: [10, 1_000, 100_000])
    func deepChainsAreRefusedNotOverflowed(depth: Int) throws {
        let parentheses = String(repeating: "(", count: depth) + "p95(lead_time)" + String(repeating: ")", count: depth) + " <= 5d"
        let minus = String(repeating: "- ", count: depth) + "p95(lead_time) <= 5d"
        for text in [parentheses, minus] {
            let refused = (try? ExpressionParser.expectation(text, in: Self.context)) == nil
            #expect(refused || depth <= 64, "a chain of \(depth) was accepted")
        }
    }
}
