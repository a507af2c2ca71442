import SimScenario

/// Shell completion of variant names: the `variants:` of the scenario file on the command line
/// being completed (the first word that names a YAML file).
enum VariantCompletion {
    static func names(in words: [String]) -> [String] {
        guard let file = words.first(where: { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }) else { return [] }
        return ScenarioLoader.variantNames(path: file)
    }

    /// `--variants base,fa` completes the last name of the list: `base,fast`, `base,far`.
    static func list(in words: [String], after prefix: String) -> [String] {
        let done = prefix.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")
        let head = done.isEmpty ? "" : done + ","
        return (["base"] + names(in: words)).map { head + $0 }
    }
}
