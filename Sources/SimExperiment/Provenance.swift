/// Where a result came from: enough to reproduce it exactly.
public struct Provenance: Sendable {
    public var procsimVersion: String
    public var scenarioFile: String
    public var scenarioHash: String
    public var seed: UInt64
    public var replications: Int
    public var variant: String?
    /// `--set` overrides, as given (`areas.logistics.staff=4`).
    public var overrides: [String]

    public init(procsimVersion: String, scenarioFile: String, scenarioHash: String, seed: UInt64, replications: Int, variant: String? = nil, overrides: [String] = []) {
        self.procsimVersion = procsimVersion
        self.scenarioFile = scenarioFile
        self.scenarioHash = scenarioHash
        self.seed = seed
        self.replications = replications
        self.variant = variant
        self.overrides = overrides
    }
}
