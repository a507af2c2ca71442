import SimScenario

/// The `procsim.validate/1` document: a scenario's diagnostics for scripts. `validate --json`
/// prints it, and so does every other command with `--json` when the scenario is invalid, so that
/// a script always reads JSON from standard output.
public enum ValidationReport {
    public static func json(_ diagnostics: [Diagnostic], scenario: String, hash: String?, seed: UInt64, replications: Int,
                            variant: String?, overrides: [String], procsimVersion: String) -> JSONValue {
        let errors = diagnostics.filter { $0.severity == .error }.count
        return .object([
            ("schema", .string("procsim.validate/1")),
            ("provenance", .object([
                ("procsim_version", .string(procsimVersion)),
                ("scenario", .string(scenario)),
                ("scenario_hash", hash.map { .string($0) } ?? .null),
                ("seed", .unsigned(seed)),
                ("replications", .integer(replications)),
                ("variant", variant.map { .string($0) } ?? .null),
                ("overrides", .array(overrides.map { .string($0) })),
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
