import SimGate

/// The `procsim.baseline/1` document.
extension BaselineDocument {
    public var jsonValue: JSONValue {
        .object([
            ("schema", .string("procsim.baseline/1")),
            ("provenance", provenance.jsonValue),
            ("resolved_scenario", .string(resolvedScenario)),
            ("figures", .object(keys.map { key in (key, .array(figures[key]!.map { .number($0) })) })),
        ])
    }
}
