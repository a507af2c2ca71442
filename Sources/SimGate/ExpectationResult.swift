import SimExperiment
import SimExpressions
import SimModel
import SimStatistics

/// An expectation judged on an experiment: its value per replication reduced to a mean with a
/// Student-t interval, and the verdict that interval supports.
public struct ExpectationResult: Sendable {
    public let expectation: Expectation
    public let estimate: Estimate
    public let verdict: Verdict
    /// The interval the verdict rests on (at the `confidence` asked for), `nil` with fewer
    /// than two replications: then there is no verdict either.
    public let decisionInterval: (low: Double, high: Double)?

    /// `confidence` is the level of the interval the verdict rests on: 95% for a report; higher
    /// for a sequential check that looks several times.
    public init(_ expectation: Expectation, result: ExperimentResult, confidence: Double = 0.95) {
        self.expectation = expectation
        let rows = result.settings.replications
        // A derived expression is computed per replication, then given its interval.
        let values = expectation.expression.values(matrix: result.matrix, rows: rows, layout: result.layout)
        // A single figure keeps its range (a share's interval stops at 100%); derived ones are open.
        var bounds: ClosedRange<Double> = -Double.infinity...Double.infinity
        if case .metric(let reference) = expectation.expression {
            bounds = MetricLayout.range(of: String(reference.name.split(separator: ".")[0]))
        }
        estimate = ReplicationSummary(matrix: values, rows: rows, columns: 1, bounds: [bounds]).estimates[0]
        let decision = confidence == 0.95 ? estimate
            : ReplicationSummary(matrix: values, rows: rows, columns: 1, bounds: [bounds], confidence: confidence).estimates[0]
        decisionInterval = decision.ci95
        if let ci = decision.ci95 {
            verdict = expectation.verdict(lower: ci.low, upper: ci.high)
        } else {
            verdict = .undecided
        }
    }
}
