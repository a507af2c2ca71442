import SimExperiment
import SimReport
import SimScenario

extension CommonOptions {
    /// Reads the scenario a command runs, the same way for every command: with the command
    /// line's variant and overrides and within `--root`; refuses an output already claimed that
    /// is one of the files it read (the file, a base it extends, an order book); prints its
    /// warnings unless `--quiet`; and records its hash with `driver`, so that a merge reads the
    /// very file its shards read. With `--json`, an invalid scenario's diagnostics are printed as
    /// the `procsim.validate/1` document (`jsonDiagnostics: false` where the command reports
    /// them in its own document, as `check` does, or as bad usage, as `study --vary` does).
    func load(_ path: String, variant: String? = nil, overrides: [Override] = [], protecting outputs: Outputs,
              driver: ExperimentDriver? = nil, warnings: Bool = true, jsonDiagnostics: Bool = true) throws -> Scenario {
        let loaded: Scenario
        do {
            loaded = try ScenarioLoader.load(path: path, variant: variant, overrides: overrides, root: readRoot)
        } catch let error as ScenarioError where json && jsonDiagnostics {
            // A script asked for JSON: it gets the diagnostics as JSON (as `validate --json`
            // prints them), and the exit code and the text on standard error as always.
            try Terminal.output(ValidationReport.json(error.diagnostics, scenario: path, hash: ScenarioLoader.fingerprint(path: path),
                                                      seed: seed ?? 1, replications: replications, variant: variant,
                                                      overrides: overrides.map(\.description), procsimVersion: Procsim.version).rendered())
            throw error
        }
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
