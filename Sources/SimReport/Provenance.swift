import SimExperiment
import SimKernel

/// Provenance as every JSON document carries it.
extension Provenance {
    public var jsonValue: JSONValue { json }

    var json: JSONValue {
        .object([
            ("procsim_version", .string(procsimVersion)),
            ("scenario", .string(scenarioFile)),
            ("scenario_hash", .string(scenarioHash)),
            ("seed", .unsigned(seed)),
            ("replications", .integer(replications)),
            ("variant", variant.map { .string($0) } ?? .null),
            ("overrides", .array(overrides.map { .string($0) })),
            ("stream_keying", .integer(StreamKeying.version)),
        ])
    }
}
