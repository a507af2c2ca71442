import ArgumentParser
import Foundation
import SimExperiment
import SimGate
import SimReport
import SimScenario

@main
struct Procsim: ParsableCommand {
    /// A closed pipe must surface as a failed write (exit 73), not kill the process silently.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        Interruptions.shared.install()
        guard let arguments = ProcessArguments.all else {
            FileHandle.standardError.write(Data("procsim: internal error: the command line cannot be read (no /proc, and the C library passed no arguments); mount /proc\n".utf8))
            Foundation.exit(70)
        }
        // `--seed -5` would read as an option without its value ("Missing value"): no option of
        // procsim takes a negative number, so say that.
        for (option, value) in zip(arguments.dropFirst(), arguments.dropFirst(2))
        where option.hasPrefix("-") && !option.contains("=") && value.count > 1 && value.hasPrefix("-") && value.dropFirst().first!.isNumber {
            FileHandle.standardError.write(Data("Error: \(option) \(value): a negative number, where \(option) takes a number of at least 0\n  See 'procsim \(arguments.count > 1 ? arguments[1] : "") --help' for more information.\n".utf8))
            Foundation.exit(64)
        }
        let command: ParsableCommand
        do {
            command = try parseAsRoot(Array(arguments.dropFirst()))
        } catch {
            exit(withError: error)
        }
        do {
            var command = command
            try command.run()
        } catch let error as ValidationError {
            // Bad usage found while running: the subcommand's usage, not the root's.
            let type = Swift.type(of: command)
            let name = type.configuration.commandName ?? String(describing: type).lowercased()
            // A command's own `usage:` names procsim already; a generated one does not.
            let usage = type.usageString().hasPrefix("procsim ") ? type.usageString() : "procsim " + type.usageString()
            FileHandle.standardError.write(Data("Error: \(error.message)\nUsage: \(usage)\n  See 'procsim \(name) --help' for more information.\n".utf8))
            Foundation.exit(64)
        } catch {
            exit(withError: error)
        }
    }

    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "procsim",
        abstract: "Simulate how work flows through a company's areas, and measure what customers feel.",
        discussion: """
            Exit codes: 0 success; 1 a check failed; 2 inconclusive; 64 bad usage; 65 invalid \
            scenario; 66 unreadable input; 70 internal error; 73 output not writable.
            """,
        version: versionLine,
        subcommands: [Run.self, Validate.self, Check.self, Baseline.self, Compare.self, StudyCommand.self, Plan.self, Merge.self, Schema.self])
}

extension Procsim {
    /// `buildCommit` is generated at build time by the BuildInfoPlugin.
    static let versionLine = "procsim \(version) (commit \(buildCommit))"
}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Seed of all random streams (default: the scenario's 'seed', else 1).")
    var seed: UInt64?

    @Option(name: [.customShort("n"), .customLong("replications")], help: ArgumentHelp("Number of independent replications (default: 20; for `check --baseline`, the baseline's).", valueName: "n"))
    var replicationsGiven: Int?

    /// The replications asked for, or the default; `check` also needs to know whether any were.
    var replications: Int { replicationsGiven ?? 20 }

    @Option(help: "Worker threads (default: all cores). Results are identical for any value.")
    var threads: Int?

    @Flag(help: "Print JSON for scripts instead of the text report.")
    var json = false

    @Flag(name: [.customShort("q"), .long], help: "Print no warnings and no progress; only the result.")
    var quiet = false

    @Option(help: ArgumentHelp("The folder tree that files named inside a scenario ('extends', 'arrivals') may come from, instead of the top-level scenario's folder. Nothing outside it is read.", valueName: "folder"))
    var root: String?

    /// `--root`, resolved; `nil` (the scenario's own folder) when not given.
    var readRoot: ReadRoot? { root.flatMap { ReadRoot(folder: $0) } }

    @Flag(help: "No colour, even on a terminal (the same as --color never).")
    var noColor = false

    @Option(name: .customLong("color"), help: ArgumentHelp("Colour verdicts: auto (on a terminal, unless NO_COLOR is set), always (a CI log that renders colour), or never.", valueName: "when"))
    var colorWhen = "auto"

    /// Colour for verdicts: never in JSON; `--color always` anywhere; by default only on a
    /// terminal and never when NO_COLOR is set.
    var colour: Bool {
        if json || noColor || colorWhen == "never" { return false }
        if colorWhen == "always" { return true }
        return isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    func validate() throws {
        guard ["auto", "always", "never"].contains(colorWhen) else {
            throw ValidationError("--color expects auto, always or never, found '\(colorWhen)'")
        }
        guard (1...1_000_000).contains(replications) else {
            throw ValidationError("--replications must be between 1 and 1,000,000, found \(replications)")
        }
        if let root {
            var folder: ObjCBool = false
            guard !root.isEmpty, FileManager.default.fileExists(atPath: root, isDirectory: &folder), folder.boolValue, ReadRoot(folder: root) != nil else {
                throw ValidationError("--root expects an existing folder, found '\(root)'")
            }
        }
        if let threads, !(1...1024).contains(threads) { throw ValidationError("--threads must be between 1 and 1024, found \(threads)") }
    }

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
