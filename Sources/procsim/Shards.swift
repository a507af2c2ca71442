import ArgumentParser
import Foundation
import SimExperiment
import SimScenario

/// `--shard I/N` and `--partial FILE`: run one share of the work and write what `merge` needs.
struct ShardOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run only shard I of N (from 1): replications I-1, I-1+N, … of every experiment (run, compare, study), or every N-th whole unit (the designs of plan --exhaustive, the scenarios of check). Writes --partial instead of the report; 'procsim merge' then gives the report one process would, byte for byte.", valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Where --shard writes its partial result (JSON), atomically; '-' for standard output.", valueName: "file"))
    var partial: String?

    var parsed: Shard? { shard.flatMap(Shard.init) }

    func validate() throws {
        if let shard, Shard(shard) == nil {
            throw ValidationError("--shard expects I/N with 1 ≤ I ≤ N ≤ \(Shard.maximumCount), such as 2/4, found '\(shard)'")
        }
        if shard != nil && partial == nil { throw ValidationError("--shard needs --partial FILE: the file its share of the work goes to") }
        if shard == nil && partial != nil { throw ValidationError("--partial needs --shard I/N") }
        if partial?.isEmpty == true { throw ValidationError("--partial needs a file name") }
    }

    /// The driver for this command line: whole, or one shard recording the command to merge.
    func driver(command: String) -> ExperimentDriver {
        guard let shard = parsed else { return ExperimentDriver() }
        return ExperimentDriver(.shard(shard), procsim: Procsim.versionLine, command: command,
                                arguments: Self.argumentsWithoutShard(Array((ProcessArguments.all ?? []).dropFirst(2))))
    }

    /// The command line as the merge must run it, in one spelling: without the shard's own
    /// options and those that change neither the experiment nor the outputs (`--threads`: the
    /// figures are the same for any thread count, so shards may run on nodes of different
    /// sizes; `--quiet`, `--no-color`), with `--name=value` as `--name value`, `-n` as
    /// `--replications` and a file's path without `./`. A shard run again by hand with the same
    /// command spelled a little differently is then still a shard of the same experiment.
    static func argumentsWithoutShard(_ arguments: [String]) -> [String] {
        var kept: [String] = [], skip = false, literal = false
        for argument in arguments {
            if skip { skip = false; continue }
            if literal { kept.append(argument); continue }
            if argument == "--" { kept.append(argument); literal = true; continue }
            var words = [argument]
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                words = [String(argument[..<eq]), String(argument[argument.index(after: eq)...])]
            }
            let name = words[0] == "-n" ? "--replications" : words[0]
            if ["--shard", "--partial", "--threads"].contains(name) {
                skip = words.count == 1
                continue
            }
            if ["--quiet", "-q", "--no-color"].contains(name) { continue }
            for (i, word) in ([name] + words.dropFirst()).enumerated() {
                let isPath = i > 0 || !word.hasPrefix("-")
                kept.append(isPath && word.hasPrefix("./") && FileManager.default.fileExists(atPath: word) ? String(word.dropFirst(2)) : word)
            }
        }
        return kept
    }

    /// A shard's ending: its partial result, written atomically, and a line on what it ran.
    func writePartial(_ driver: ExperimentDriver, to outputs: Outputs, claimed: Outputs.Output?, quiet: Bool) throws {
        guard let shard = driver.shard, let partial = driver.partial else { return }
        try outputs.write(String(decoding: partial.encoded(), as: UTF8.self), to: claimed)
        try outputs.commit()
        if !quiet {
            let runs = partial.experiments.filter { !$0.whole }
            let mine = runs.reduce(0) { $0 + $1.outputs.count }, all = runs.reduce(0) { $0 + $1.replications }
            let unit = partial.command == "check" ? "scenario" : "design"
            let what = !partial.units.isEmpty
                ? "\(partial.units.count) \(unit)\(partial.units.count == 1 ? "" : "s") decided whole"
                : runs.isEmpty ? "nothing to run (no \(unit) is dealt to this shard); its part still counts"
                : "\(mine) of \(all) replications in \(runs.count) experiment\(runs.count == 1 ? "" : "s")"
            Terminal.error("shard \(shard): \(what) → \(self.partial!); merge all \(shard.count) with 'procsim merge'")
        }
    }
}

extension Procsim {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "merge",
            abstract: "Combine the partial results of a sharded command into the report it would give in one process.",
            // Short: the generated one lists every option (180 to 230 characters).
            usage: "procsim merge <part>...",
            discussion: """
                procsim run order.yaml -n 400 --shard 1/4 --partial part-1.json   (and 2/4, 3/4, 4/4, anywhere)
                procsim merge part-*.json
                The merge runs the shards' command line again, with every replication taken from the \
                parts instead of simulated: its text, JSON, CSV, HTML and JUnit are byte-identical to \
                the command run in one process (JUnit times are each scenario's time in its shard), \
                and so is its exit code. It takes no options of its own: what to print and which files \
                to write (--json, -o, --report, --csv, --junit) come from the shards' command line. Run it from the folder the shards \
                ran in, with the same scenario files (their hashes are checked). Parts from another \
                command line, another procsim build or another scenario, a shard given twice or a shard \
                missing are refused (exit 65); a part that cannot be read exits 66.
                """)

        @Argument(help: ArgumentHelp("The partial results, one per shard, in any order; '-' reads one from standard input.", valueName: "part"),
                  completion: .file(extensions: ["json"]))
        var parts: [String] = []

        /// A partial result holds a few kilobytes per replication; a million replications fit.
        static let sizeLimit = 4 << 30

        func validate() throws {
            if parts.isEmpty { throw ValidationError("give the partial results to merge, such as: procsim merge parts/*.json") }
        }

        func run() throws {
            try withExitCodes {
                var read: [(file: String, part: PartialResult)] = []
                if parts.filter({ $0 == "-" }).count > 1 { throw ValidationError("'-' (standard input) can be given once") }
                for file in parts {
                    let bytes: [UInt8]
                    if file == "-" {
                        // A part piped in, as `--partial -` writes one.
                        let data = FileHandle.standardInput.readDataToEndOfFile()
                        guard data.count <= Self.sizeLimit else { throw UnreadableFile(path: "standard input", reason: "larger than 4 GiB", what: "partial result") }
                        bytes = [UInt8](data)
                    } else {
                        do { bytes = try InputFile.read(file, limit: Self.sizeLimit) } catch let error as InputFile.Refusal {
                            throw UnreadableFile(path: file, reason: error.description, what: "partial result")
                        }
                    }
                    read.append((file, try PartialResult.decode(bytes, file: file)))
                }
                let merged = try MergedParts(read)
                let driver = ExperimentDriver(.merge(merged))
                func parse<C: ParsableCommand>(_ type: C.Type) throws -> C {
                    do { return try C.parse(merged.arguments) } catch {
                        throw PartialError(file: parts[0], "its command line 'procsim \(merged.command) \(merged.arguments.joined(separator: " "))' does not parse in this procsim: \(C.message(for: error))")
                    }
                }
                do {
                    switch merged.command {
                    case "run": try parse(Run.self).execute(driver)
                    case "study": try parse(StudyCommand.self).execute(driver)
                    case "compare": try parse(Compare.self).execute(driver)
                    case "plan": try parse(Plan.self).execute(driver)
                    case "check": try parse(Check.self).execute(driver)
                    default: throw PartialError(file: parts[0], "a partial result of 'procsim \(merged.command)', which this procsim cannot merge")
                    }
                } catch var error as UnreadableFile {
                    error.reason += "; a merge reads the files its shards read, by the paths of their command line: run it in the folder they ran in"
                    throw error
                }
            }
        }
    }
}
