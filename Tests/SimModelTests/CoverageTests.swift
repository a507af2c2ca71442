import Foundation
import SimExperiment
import SimModel
import SimScenario
import Testing

/// The 95% intervals mean what they say: over many independent experiments, the interval for a
/// known mean and the one for a known percentile cover the true value in close to 95% of them.
@Suite struct CoverageTests {
    /// Items pass an unlimited area with exponential work (mean 1 h): no queue, so the lead time
    /// is exactly exponential, with mean 1 h and 95th percentile ln 20 h. Each experiment has 10
    /// replications of 2,000 items; 300 experiments with their own seeds. A correct 95% interval
    /// covers in 95% of them, with a binomial standard error of √(0.95·0.05/300) ≈ 1.26%; the test
    /// accepts 4 standard errors either side. (Nearest-rank p95 of 2,000 draws is biased by about
    /// 0.2% of the value, small against the interval's half-width of about 2%.)
    @Test func intervalsCoverKnownValuesAboutNinetyFivePercentOfTheTime() throws {
        let yaml = """
            version: 1
            areas:
              pass: {staff: unlimited}
            demand:
              items: {interarrival: 1m, max_arrivals: 2000, journey: j}
            journeys:
              j:
                steps:
                  - {name: work, area: pass, duration: {dist: exponential, mean: 1h}}
            """
        let model = try ScenarioLoader.parse(yaml: yaml, file: "coverage.yaml").model
        let experiments = 300
        var meanCovered = 0, p95Covered = 0
        for e in 0..<experiments {
            let r = Experiment.run(model, settings: .init(seed: UInt64(1000 + e), replications: 10, threads: 2))
            if let ci = r.estimate("lead_time.mean")?.ci95, ci.low <= 3600, 3600 <= ci.high { meanCovered += 1 }
            let q = log(20.0) * 3600
            if let ci = r.estimate("lead_time.p95")?.ci95, ci.low <= q, q <= ci.high { p95Covered += 1 }
        }
        let se = (0.95 * 0.05 / Double(experiments)).squareRoot()
        for (name, covered) in [("mean", meanCovered), ("p95", p95Covered)] {
            let rate = Double(covered) / Double(experiments)
            #expect(abs(rate - 0.95) <= 4 * se, "\(name): covered in \(covered) of \(experiments) experiments")
        }
    }
}

/// The lead-time distribution across replications: the ECDF band follows the true distribution.
@Suite struct DistributionBandTests {
    /// Exponential lead times with mean 1 h: at every bin edge x the mean ECDF is within four
    /// standard errors (from its own interval) of 1 − e^{−x/1h}, and the shares add up to one.
    @Test func ecdfFollowsTheExponential() throws {
        let yaml = """
            version: 1
            areas:
              pass: {staff: unlimited}
            demand:
              items: {interarrival: 1m, max_arrivals: 5000, journey: j}
            journeys:
              j:
                steps:
                  - {name: work, area: pass, duration: {dist: exponential, mean: 1h}}
            """
        let r = try experiment(yaml, replications: 20)
        let d = try #require(r.leadTimeDistribution)
        #expect(abs(d.shares.compactMap(\.estimate).reduce(0, +) - 1) < 1e-9)
        let t = 2.093   // Student t, 19 degrees of freedom, 97.5%
        for (b, e) in d.ecdf.enumerated() {
            // Intervals cut at 0 or 1 no longer give the standard error; those bins are skipped.
            guard let x = e.estimate, let ci = e.ci95, ci.low > 0, ci.high < 1 else { continue }
            let se = (ci.high - ci.low) / (2 * t)
            let truth = 1 - exp(-d.edges[b + 1] / 3600)
            #expect(abs(x - truth) <= 4 * se + 1e-12, "edge \(d.edges[b + 1]) s: \(x) vs \(truth)")
        }
    }
}
