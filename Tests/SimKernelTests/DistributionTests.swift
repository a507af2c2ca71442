import Foundation
import SimKernel
import SimStatistics
import Testing
import _SimTestSupport

/// Each distribution's mean, variance and shape against its exact formulas.
///
/// Every value is drawn from its own keyed stream, as the engine draws them (one stream per item
/// and purpose), so these tests also check that neighbouring keys give independent uniforms.
/// Tolerances: 4.5 standard errors for the mean and the variance (the variance's standard error
/// from the sample's fourth moment), and the Kolmogorov–Smirnov critical value at α = 0.001 for n.
@Suite struct DistributionTests {
    static let n = 20_000

    static let cases: [(String, Distribution)] = [
        ("exponential", .exponential(mean: 1800)),
        ("uniform", .uniform(min: 600, max: 2400)),
        ("triangular", .triangular(min: 1800, mode: 3600, max: 10_800)),
        ("normal truncated at zero", .truncatedNormal(mean: 1000, sd: 800)),
        ("lognormal", .lognormal(mean: 3600, cv: 0.6)),
        ("gamma cv 0.8", .gamma(mean: 1500, cv: 0.8)),
        ("gamma cv 2 (shape below one)", .gamma(mean: 1500, cv: 2)),
        ("erlang", .erlang(mean: 3600, phases: 3)),
        ("weibull", .weibull(shape: 1.7, scale: 5000)),
        ("hyperexponential from mean and cv", .hyperexponential(mean: 3600, cv: 2.5)),
        ("hyperexponential phases", .hyperexponential(probabilities: [0.9, 0.1], means: [600, 18_000])),
    ]

    static func draw(_ d: Distribution, count: Int = n, demand: UInt64 = 0x5eed) -> [Double] {
        (0..<count).map { i in
            var stream = RandomStream(key: StreamKeying.drawKey(
                item: StreamKeying.itemKey(demand: demand, index: i), step: StreamKeying.hash("j/s"),
                visit: 1, purpose: .duration))
            return d.sample(&stream)
        }
    }

    static func cdf(_ d: Distribution, _ x: Double) -> Double {
        if case .gamma(let shape, let scale) = d { return SpecialFunctions.incompleteGamma(shape, x / scale) }
        return d.cdf(x)!
    }

    @Test(arguments: cases)
    func meanVarianceAndShape(name: String, distribution d: Distribution) {
        let xs = Self.draw(d)
        let n = Double(xs.count)
        #expect(xs.allSatisfy { $0 >= 0 && $0.isFinite }, "\(name): negative or non-finite value")

        let mean = FitTests.mean(xs), variance = FitTests.variance(xs)
        let meanTolerance = 4.5 * (d.variance / n).squareRoot()
        #expect(abs(mean - d.mean) <= meanTolerance, "\(name): mean \(mean) vs \(d.mean) ± \(meanTolerance)")

        let varianceSE = ((FitTests.fourthCentralMoment(xs) - variance * variance) / n).squareRoot()
        #expect(abs(variance - d.variance) <= 4.5 * varianceSE, "\(name): variance \(variance) vs \(d.variance) ± \(4.5 * varianceSE)")

        let ks = FitTests.ksStatistic(xs) { Self.cdf(d, $0) }
        let critical = FitTests.ksCritical(n: xs.count, alpha: 0.001)
        #expect(ks <= critical, "\(name): KS statistic \(ks) above the critical value \(critical)")
    }

    @Test func deterministicAlwaysGivesItsValue() {
        #expect(Self.draw(.deterministic(42), count: 100).allSatisfy { $0 == 42 })
    }

    /// Resampling gives each observed value with probability 1/k: a chi-square test with k − 1
    /// degrees of freedom at α = 0.001 (critical value 18.467 for 4 degrees of freedom).
    @Test func empiricalResamplesObservedValuesEvenly() {
        let values: [Double] = [60, 120, 300, 900, 3600]
        let xs = Self.draw(.empirical(values))
        #expect(Set(xs).isSubset(of: Set(values)))
        let expected = Double(xs.count) / Double(values.count)
        let chi2 = values.reduce(0.0) { acc, v in
            let observed = Double(xs.filter { $0 == v }.count)
            return acc + (observed - expected) * (observed - expected) / expected
        }
        #expect(chi2 < 18.467, "chi-square \(chi2)")
    }

    /// Analysts give a lognormal by its own mean and cv; the stored μ and σ must reproduce them.
    @Test func lognormalParametersComeFromMeanAndCV() {
        let d = Distribution.lognormal(mean: 2.5, cv: 0.5)
        #expect(abs(d.mean - 2.5) < 1e-12)
        #expect(abs(d.variance.squareRoot() / d.mean - 0.5) < 1e-12)
    }
}
