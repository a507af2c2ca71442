import Foundation
import SimExperiment
import SimModel
import SimScenario
import SimStatistics
import Testing

/// Runs a scenario given as YAML text.
func experiment(_ yaml: String, replications: Int = 20, seed: UInt64 = 1, threads: Int = 2) throws -> ExperimentResult {
    let scenario = try ScenarioLoader.parse(yaml: yaml, file: "test.yaml")
    return Experiment.run(scenario.model, settings: ExperimentSettings(seed: seed, replications: replications, threads: threads))
}

extension ExperimentResult {
    /// The per-replication values of a figure.
    func column(_ name: String, _ scope: MetricScope = .system) -> [Double] {
        (0..<settings.replications).map { value(name, scope, replication: $0)! }
    }

    /// The mean over replications and its standard error s/√R: the run-length-derived scale of
    /// every tolerance below.
    func meanAndError(_ name: String, _ scope: MetricScope = .system) -> (mean: Double, se: Double) {
        SimModelTests.meanAndError(column(name, scope))
    }
}

/// The mean of per-replication values and its standard error s/√R.
func meanAndError(_ xs: [Double]) -> (mean: Double, se: Double) {
    (ReferenceStatistics.mean(xs), (ReferenceStatistics.variance(xs) / Double(xs.count)).squareRoot())
}

/// Expects the across-replication mean of a figure to be within `k` standard errors of theory
/// (k = 4: a correct simulator fails this with probability about 6·10⁻⁵ for a given seed), and
/// the standard error to be small enough (`maxRelativeError`) for the comparison to mean something.
func expectTheory(
    _ result: ExperimentResult, _ name: String, _ scope: MetricScope = .system, equals theory: Double,
    k: Double = 4, maxRelativeError: Double = 0.05, sourceLocation: SourceLocation = #_sourceLocation
) {
    let (mean, se) = result.meanAndError(name, scope)
    #expect(abs(mean - theory) <= k * se, "\(name): simulated \(mean) ± \(se) (s.e.), theory \(theory)", sourceLocation: sourceLocation)
    #expect(se <= maxRelativeError * abs(theory), "\(name): standard error \(se) too large to test against \(theory)", sourceLocation: sourceLocation)
}
