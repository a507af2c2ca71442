import ArgumentParser
import Foundation
import SimReport
import SimScenario

extension Procsim {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            // Named here rather than derived from the type: deriving it costs a dynamic cast
            // per subcommand at every start-up.
            commandName: "validate",
            abstract: "Check a scenario file and print every problem found, without simulating.",
            // Short: the generated one lists every option (180 to 230 characters).
            usage: "procsim validate [<options>] <scenario>",
            discussion: "Exits 0 when there are only warnings, 65 when there are errors (with --strict, warnings count as errors).")

        @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
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
                var found: [Diagnostic] = []
                do {
                    let loaded = try ScenarioLoader.load(path: scenario, variant: overrides.variant, overrides: overrides.parsed, root: common.readRoot)
                    found = loaded.warnings
                    seed = common.seed ?? loaded.seed ?? 1
                    let m = loaded.model
                    summary = "\(scenario)\(overrides.variant.map { " (variant \($0))" } ?? ""): valid (\(plural(m.areas.count, "area")), \(plural(m.demands.count, "demand type")), \(plural(m.journeys.reduce(0) { $0 + $1.steps.count }, "step"))"
                    // Without --variant, every variant is checked too: a broken what-if should
                    // fail here, not when someone finally runs it.
                    if overrides.variant == nil && !loaded.variantNames.isEmpty {
                        try ScenarioLoader.forEachVariant(path: scenario, overrides: overrides.parsed, root: common.readRoot) { name, outcome in
                            switch outcome {
                            case .success(let warnings): found += warnings.map { Self.inVariant($0, name) }
                            case .failure(let error as ScenarioError): found += error.diagnostics.map { Self.inVariant($0, name) }
                            case .failure(let error): throw error
                            }
                        }
                        summary += ", \(plural(loaded.variantNames.count, "variant"))"
                    }
                    summary += ")"
                } catch let error as ScenarioError {
                    found = error.diagnostics
                    // The variants are checked even so: their own problems are reported now,
                    // and those they share with the base once.
                    if overrides.variant == nil && !error.fileRefused {
                        ScenarioLoader.forEachVariant(path: scenario, overrides: overrides.parsed, root: common.readRoot) { name, outcome in
                            if case .failure(let error as ScenarioError) = outcome {
                                found += error.diagnostics.map { Self.inVariant($0, name) }
                            }
                        }
                    }
                }
                // A finding the base and a variant share is reported once.
                var seen = Set<String>()
                found = found.filter { d in
                    let message = d.message.hasPrefix("in variant '") ? String(d.message.drop { $0 != ":" }.dropFirst(2)) : d.message
                    return seen.insert("\(d.file):\(d.line ?? 0):\(d.column ?? 0):\(d.path):\(message)").inserted
                }
                diagnostics = strict ? found.map { var d = $0; d.severity = .error; return d } : found
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
                    throw ExitCode(diagnostics.contains(where: \.unreadable) ? 66 : 65)
                }
            }
        }

        /// A finding that only appears in a variant says so.
        static func inVariant(_ d: Diagnostic, _ name: String) -> Diagnostic {
            var d = d
            if !d.message.hasPrefix("in variant") { d.message = "in variant '\(name)': " + d.message }
            return d
        }

        func json(_ diagnostics: [Diagnostic], errors: Int, hash: String?, seed: UInt64) -> JSONValue {
            ValidationReport.json(diagnostics, scenario: scenario, hash: hash, seed: seed, replications: common.replications,
                                  variant: overrides.variant, overrides: overrides.arguments, procsimVersion: Procsim.version)
        }
    }
}

/// "1 area", "3 areas".
func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
