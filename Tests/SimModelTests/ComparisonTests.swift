import Foundation
@testable import SimExperiment
import SimModel
import SimStatistics
import SimScenario
import Testing

/// Paired comparisons on common random numbers.
@Suite struct ComparisonTests {
    static let base = """
        version: 1
        horizon: 60d
        warmup: 3d
        areas:
          sales: {staff: 2}
          credit: {staff: 1}
          warehouse: {staff: 2}
        demand:
          orders: {rate: 30/day, journey: order}
        journeys:
          order:
            steps:
              - {name: quote, area: sales, duration: {dist: exponential, mean: 1h}}
              - {name: credit-check, area: credit, duration: {dist: gamma, mean: 40m, cv: 0.8}}
              - {name: pick, area: warehouse, duration: {dist: exponential, mean: 1h}}
        variants:
          second-controller:
            set: {areas.credit.staff: 2}
        """

    static func run(_ variant: String?) throws -> ExperimentResult {
        let s = try ScenarioLoader.parse(yaml: base, file: "c.yaml", variant: variant)
        return Experiment.run(s.model, settings: .init(seed: 3, replications: 20, threads: 2))
    }

    /// A design compared with itself differs by exactly zero in every figure: nothing significant.
    @Test func aDesignAgainstItselfDiffersByZero() throws {
        let r = try Self.run(nil)
        let c = DesignComparison.compare(base: r, designs: [("same", try Self.run(nil))])[0]
        for m in c.metrics where m.difference.estimate != nil {
            #expect(m.difference.estimate == 0, "\(m.key)")
            #expect(!m.significant)
        }
    }

    /// A second credit controller halves the controller's utilisation (the same work over two
    /// people), leaves sales untouched draw for draw, and common random numbers make the paired
    /// difference of the mean lead time far less variable than two independent runs would.
    @Test func aRealChangeIsSignificantAndPairingNarrowsTheInterval() throws {
        let base = try Self.run(nil), two = try Self.run("second-controller")
        let c = DesignComparison.compare(base: base, designs: [("two", two)])[0]
        let byKey = Dictionary(uniqueKeysWithValues: c.metrics.map { ($0.key, $0) })
        let util = try #require(byKey["areas.credit.utilisation"])
        #expect(util.significant)
        // Up to the work in progress at the edges of the observed window.
        #expect(abs(util.design.estimate! - util.base.estimate! / 2) < 0.01 * util.base.estimate!)
        // Sales sees the same customers with the same work before the credit check: identical.
        #expect(byKey["steps.order/quote.wait.mean"]?.difference.estimate == 0)
        let lead = try #require(byKey["lead_time.mean"])
        #expect(lead.significant && lead.difference.estimate! < 0)
        #expect(lead.varianceRatio! < 1, "variance ratio \(lead.varianceRatio!)")
    }

    /// On the bundled credit-check what-ifs, pairing makes the interval of a difference much
    /// narrower than two independent runs would: the variance of the paired difference of the
    /// mean lead time, and the median over all figures, are a fraction of the unpaired variance.
    @Test func pairingNarrowsTheIntervalsOnTheBundledScenario() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scenarios/credit-approval-removed.yaml").path
        let settings = ExperimentSettings(seed: 42, replications: 20, threads: 2)
        let base = Experiment.run(try ScenarioLoader.load(path: file).model, settings: settings)
        let two = Experiment.run(try ScenarioLoader.load(path: file, variant: "second-controller").model, settings: settings)
        let c = DesignComparison.compare(base: base, designs: [("two", two)])[0]
        let lead = try #require(c.metrics.first { $0.key == "lead_time.mean" })
        #expect(lead.varianceRatio! < 0.3, "variance ratio \(lead.varianceRatio!)")
        let ratios = c.metrics.compactMap(\.varianceRatio).sorted()
        #expect(ratios[ratios.count / 2] < 0.1, "median ratio \(ratios[ratios.count / 2])")
    }

    /// Holm's step-down method on p = 0.01, 0.04, 0.03: 0.03, then max(0.03·2, 0.03) = 0.06, then
    /// max(0.04·1, 0.06) = 0.06.
    @Test func holmAdjustsStepDown() {
        func metric(_ p: Double) -> DesignComparison.Metric {
            let e = Estimate(estimate: 0, ci95: nil, n: 2)
            return .init(key: "\(p)", base: e, design: e, difference: e, pValue: p, adjustedP: nil, varianceRatio: nil)
        }
        var c = [DesignComparison(designName: "x", metrics: [metric(0.01), metric(0.04), metric(0.03)])]
        DesignComparison.holm(&c)
        let adjusted = c[0].metrics.map { $0.adjustedP! }
        #expect(zip(adjusted, [0.03, 0.06, 0.06]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(adjusted)")
    }
}
