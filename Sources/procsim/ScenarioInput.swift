import SimExperiment
import SimScenario

extension CommonOptions {
    /// Reads the scenario a command runs, the same way for every command: with the command
    /// line's variant and overrides and within `--root`; refuses an output already claimed that
    /// is one of the files it read (the file, a base it extends, an order book); prints its
    /// warnings unless `--quiet`; and records its hash with `driver`, so that a merge reads the
    /// very file its shards read.
    func load(_ path: String, variant: String? = nil, overrides: [Override] = [], protecting outputs: Outputs,
              driver: ExperimentDriver? = nil, warnings: Bool = true) throws -> Scenario {
        let loaded = try ScenarioLoader.load(path: path, variant: variant, overrides: overrides, root: readRoot)
        try outputs.protectLoaded(loaded.inputFiles)
        if let driver { try record(loaded, with: driver) }
        if warnings && !quiet { for w in loaded.warnings { Terminal.error(w.description) } }
        return loaded
    }

    /// Records every file `loaded` was made from with `driver` (or, merging, checks them).
    func record(_ loaded: Scenario, with driver: ExperimentDriver) throws {
        for file in loaded.inputFiles {
            try driver.read(scenario: file, hash: ScenarioLoader.inputFingerprint(path: file) ?? "unreadable")
        }
    }
}
