import ArgumentParser
import Foundation
import SimReport
import SimScenario

extension Procsim {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a scenario file and print every problem found, without simulating.",
            discussion: "Exits 0 when there are only warnings, 65 when there are errors (with --strict, warnings count as errors).")

        @Argument(help: "The scenario file (YAML).")
        var scenario: String

        @OptionGroup var common: CommonOptions

        @OptionGroup var overrides: OverrideOptions

        @Flag(help: "Treat warnings as errors.")
        var strict = false

        func run() throws {
            try withExitCodes {
                let diagnostics: [Diagnostic]
                var summary = ""
                var seed = common.seed ?? 1
                do {
                    let loaded = try ScenarioLoader.load(path: scenario, overrides: overrides.parsed)
                    diagnostics = strict ? loaded.warnings.map { var d = $0; d.severity = .error; return d } : loaded.warnings
                    seed = common.seed ?? loaded.seed ?? 1
                    let m = loaded.model
                    summary = "\(scenario): valid (\(plural(m.areas.count, "area")), \(plural(m.demands.count, "demand type")), \(plural(m.journeys.reduce(0) { $0 + $1.steps.count }, "step")))"
                } catch let error as ScenarioError {
                    diagnostics = error.diagnostics
                }
                let errors = diagnostics.filter { $0.severity == .error }.count
                // --quiet hides warnings; errors are the answer and always shown.
                for d in diagnostics where d.severity == .error || !common.quiet { Terminal.error(d.description) }
                if common.json {
                    let hash = ScenarioLoader.fingerprint(path: scenario)
                    try Terminal.output(json(diagnostics, errors: errors, hash: hash, seed: seed).rendered())
                } else if errors == 0 {
                    try Terminal.output(summary + "\n")
                }
                if errors > 0 {
                    Terminal.error("\(plural(errors, "error"))\(strict ? " (warnings count as errors with --strict)" : "").")
                    throw ExitCode(65)
                }
            }
        }

        func json(_ diagnostics: [Diagnostic], errors: Int, hash: String?, seed: UInt64) -> JSONValue {
            .object([
                ("schema", .string("procsim.validate/1")),
                ("provenance", .object([
                    ("procsim_version", .string(Procsim.version)),
                    ("scenario", .string(scenario)),
                    ("scenario_hash", hash.map { .string($0) } ?? .null),
                    ("seed", .unsigned(seed)),
                    ("replications", .integer(common.replications)),
                    ("variant", .null),
                    ("overrides", .array(overrides.arguments.map { .string($0) })),
                ])),
                ("valid", .bool(errors == 0)),
                ("errors", .integer(errors)),
                ("warnings", .integer(diagnostics.count - errors)),
                ("diagnostics", .array(diagnostics.map { d in
                    .object([
                        ("severity", .string(d.severity.rawValue)),
                        ("file", .string(d.file)),
                        ("line", d.line.map { .integer($0) } ?? .null),
                        ("column", d.column.map { .integer($0) } ?? .null),
                        ("path", .string(d.path)),
                        ("message", .string(d.message)),
                    ])
                })),
            ])
        }
    }
}

/// "1 area", "3 areas".
func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
