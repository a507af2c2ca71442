import Foundation
import SimKernel
import SimStatistics
import Testing
import _SimTestSupport

/// Each distribution's mean, variance and shape against its exact formulas, written out here.
///
/// Every value is drawn from its own keyed stream, as the engine draws them (one stream per item
/// and purpose), so these tests also check that neighbouring keys give independent uniforms.
/// Tolerances: 4.5 standard errors for the mean and the variance (the variance's standard error
/// from the sample's fourth moment), and the Kolmogorov–Smirnov critical value at α = 0.001 for n.
@Suite struct DistributionTests {
    static let n = 20_000

    /// A distribution with its mean, variance and distribution function written out here from
    /// the textbook formulas, independently of procsim's own `mean` and `variance`.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var distribution: Distribution
        var mean: Double
        var variance: Double
        var cdf: @Sendable (Double) -> Double
        var testDescription: String { name }
    }

    static func phi(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    static let cases: [Case] = {
        var cases: [Case] = []
        cases.append(Case(name: "exponential", distribution: .exponential(mean: 1800), mean: 1800, variance: 1800 * 1800) { 1 - exp(-$0 / 1800) })
        cases.append(Case(name: "uniform", distribution: .uniform(min: 600, max: 2400), mean: 1500, variance: 1800 * 1800 / 12) { min(1, max(0, ($0 - 600) / 1800)) })
        cases.append(Case(name: "triangular", distribution: .triangular(min: 1800, mode: 3600, max: 10_800),
                          mean: (1800 + 3600 + 10_800) / 3.0,
                          variance: (1800.0 * 1800 + 3600 * 3600 + 10_800 * 10_800 - 1800 * 3600 - 1800 * 10_800 - 3600 * 10_800) / 18) { x in
            let a = 1800.0, c = 3600.0, b = 10_800.0
            if x <= a { return 0 }
            if x >= b { return 1 }
            return x <= c ? (x - a) * (x - a) / ((b - a) * (c - a)) : 1 - (b - x) * (b - x) / ((b - a) * (b - c))
        })
        // Normal(1000, 800) conditioned on X ≥ 0: α = −μ/σ, λ = φ(α)/(1 − Φ(α)).
        let alpha = -1000.0 / 800, density = exp(-alpha * alpha / 2) / (2 * Double.pi).squareRoot(), lambda = density / (1 - phi(alpha))
        cases.append(Case(name: "normal truncated at zero", distribution: .truncatedNormal(mean: 1000, sd: 800),
                          mean: 1000 + 800 * lambda, variance: 800 * 800 * (1 + alpha * lambda - lambda * lambda)) {
            $0 <= 0 ? 0 : (phi(($0 - 1000) / 800) - phi(alpha)) / (1 - phi(alpha))
        })
        // Lognormal with mean 3600 and cv 0.6: σ² = ln(1 + cv²), μ = ln(mean) − σ²/2.
        let s2 = log(1 + 0.36), mu = log(3600) - s2 / 2
        cases.append(Case(name: "lognormal", distribution: .lognormal(mean: 3600, cv: 0.6), mean: 3600, variance: 0.36 * 3600 * 3600) {
            $0 <= 0 ? 0 : phi((log($0) - mu) / s2.squareRoot())
        })
        for (label, cv) in [("gamma cv 0.8", 0.8), ("gamma cv 2 (shape below one)", 2.0)] {
            let shape = 1 / (cv * cv), scale = 1500 / shape
            cases.append(Case(name: label, distribution: .gamma(mean: 1500, cv: cv), mean: 1500, variance: cv * cv * 1500 * 1500) {
                SpecialFunctions.incompleteGamma(shape, $0 / scale)
            })
        }
        // Erlang-3 with mean 3600: 1 − e^{−x/θ}(1 + x/θ + (x/θ)²/2), θ = 1200.
        cases.append(Case(name: "erlang", distribution: .erlang(mean: 3600, phases: 3), mean: 3600, variance: 3600 * 3600 / 3) {
            let y = $0 / 1200
            return 1 - exp(-y) * (1 + y + y * y / 2)
        })
        cases.append(Case(name: "weibull", distribution: .weibull(shape: 1.7, scale: 5000), mean: 5000 * tgamma(1 + 1 / 1.7),
                          variance: 5000 * 5000 * (tgamma(1 + 2 / 1.7) - pow(tgamma(1 + 1 / 1.7), 2))) {
            1 - exp(-pow(max(0, $0) / 5000, 1.7))
        })
        // Balanced means with mean m and cv c: p₁ = (1 + √((c² − 1)/(c² + 1)))/2, mᵢ = m/(2pᵢ).
        let c2: Double = 2.5 * 2.5
        let p1: Double = 0.5 * (1 + ((c2 - 1) / (c2 + 1)).squareRoot())
        let m1: Double = 3600 / (2 * p1), m2: Double = 3600 / (2 * (1 - p1))
        cases.append(Case(name: "hyperexponential from mean and cv", distribution: .hyperexponential(mean: 3600, cv: 2.5),
                          mean: 3600, variance: c2 * 3600 * 3600) { (x: Double) -> Double in
            let first: Double = p1 * (1 - exp(-x / m1))
            return first + (1 - p1) * (1 - exp(-x / m2))
        })
        let phasesMean: Double = 0.9 * 600 + 0.1 * 18_000
        let phasesSecond: Double = 2 * (0.9 * 600 * 600 + 0.1 * 18_000 * 18_000)
        cases.append(Case(name: "hyperexponential phases", distribution: .hyperexponential(probabilities: [0.9, 0.1], means: [600, 18_000]),
                          mean: phasesMean, variance: phasesSecond - phasesMean * phasesMean) { (x: Double) -> Double in
            let fast: Double = 0.9 * (1 - exp(-x / 600))
            return fast + 0.1 * (1 - exp(-x / 18_000))
        })
        return cases
    }()

    static func draw(_ d: Distribution, count: Int = n, demand: UInt64 = 0x5eed) -> [Double] {
        (0..<count).map { i in
            var stream = RandomStream(key: StreamKeying.drawKey(
                item: StreamKeying.itemKey(demand: demand, index: i), step: StreamKeying.hash("j/s"),
                visit: 1, purpose: .duration))
            return d.sample(&stream)
        }
    }

    @Test(arguments: cases)
    func meanVarianceAndShape(_ c: Case) {
        let xs = Self.draw(c.distribution)
        let n = Double(xs.count)
        #expect(xs.allSatisfy { $0 >= 0 && $0.isFinite }, "\(c.name): negative or non-finite value")

        let mean = FitTests.mean(xs), variance = FitTests.variance(xs)
        let meanTolerance = 4.5 * (c.variance / n).squareRoot()
        #expect(abs(mean - c.mean) <= meanTolerance, "\(c.name): mean \(mean) vs \(c.mean) ± \(meanTolerance)")

        let varianceSE = ((FitTests.fourthCentralMoment(xs) - variance * variance) / n).squareRoot()
        #expect(abs(variance - c.variance) <= 4.5 * varianceSE, "\(c.name): variance \(variance) vs \(c.variance) ± \(4.5 * varianceSE)")

        let ks = FitTests.ksStatistic(xs, cdf: c.cdf)
        let critical = FitTests.ksCritical(n: xs.count, alpha: 0.001)
        #expect(ks <= critical, "\(c.name): KS statistic \(ks) above the critical value \(critical)")

        // The library's own formulas, used for offered-load checks, agree with the textbook ones.
        #expect(abs(c.distribution.mean - c.mean) <= 1e-9 * c.mean, "\(c.name): Distribution.mean")
        #expect(abs(c.distribution.variance - c.variance) <= 1e-9 * c.variance, "\(c.name): Distribution.variance")
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
