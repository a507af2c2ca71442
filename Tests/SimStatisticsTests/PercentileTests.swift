import Foundation
import SimStatistics
import Testing

@Suite struct PercentileTests {
    /// Nearest rank: the value at rank ⌈p·n⌉ of the sorted sample.
    @Test func nearestRankDefinition() {
        let sorted: [Double] = [15, 20, 35, 40, 50]
        #expect(Percentiles.nearestRank(0.05, sorted: sorted) == 15)
        #expect(Percentiles.nearestRank(0.30, sorted: sorted) == 20)   // ⌈1.5⌉ = 2
        #expect(Percentiles.nearestRank(0.40, sorted: sorted) == 20)   // ⌈2.0⌉ = 2
        #expect(Percentiles.nearestRank(0.50, sorted: sorted) == 35)
        #expect(Percentiles.nearestRank(1.00, sorted: sorted) == 50)
        #expect(Percentiles.nearestRank(0.5, sorted: []) == nil)
    }

    /// Small samples are sorted; large ones go through the three-pass radix selection, including
    /// samples whose values differ only in their low bits (one top-16-bit bucket holds them all).
    @Test func radixSelectionOnCloseValues() {
        let values = (0..<200_000).map { 1000.0 + Double($0 % 7919) * 1e-9 }
        let sorted = values.sorted()
        let ps = [0.5, 0.9, 0.95, 0.99, 1.0, 0.0001]
        for (p, value) in zip(ps, Percentiles.select(ps, from: values)) {
            #expect(value == Percentiles.nearestRank(p, sorted: sorted), "p = \(p)")
        }
    }

    @Test(arguments: [1, 2, 3, 17, 1000, 4095, 100_003, (1 << 20) + 3])
    func selectionAgreesWithSorting(count: Int) {
        var state: UInt64 = UInt64(count)
        let values = (0..<count).map { _ -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double((state >> 40) % 500)  // many repeated values
        }
        let sorted = values.sorted()
        let ps = [0.99, 0.5, 0.95, 0.9, 0.01, 1.0]
        let got = Percentiles.select(ps, from: values)
        for (p, value) in zip(ps, got) {
            #expect(value == Percentiles.nearestRank(p, sorted: sorted), "p = \(p), n = \(count)")
        }
    }

    @Test func adversarialOrdersStayCorrect() {
        // Large inputs take the radix path; small ones the quickselect path.
        for size in [50_000, 3000] {
          let ascending: [Double] = (0..<size).map { Double($0) }
          let descending: [Double] = ascending.reversed()
          let constant = [Double](repeating: 3, count: size)
          let alternating: [Double] = (0..<size).map { Double($0 % 2) }
          for input in [ascending, descending, constant, alternating] {
            let got = Percentiles.select([0.5, 0.95], from: input)
            let sorted = input.sorted()
            #expect(got[0] == Percentiles.nearestRank(0.5, sorted: sorted))
            #expect(got[1] == Percentiles.nearestRank(0.95, sorted: sorted))
          }
        }
    }

    /// Past the exact limit the recorder answers from its log histogram: every percentile is
    /// within the histogram's stated relative error (1/256) of the exact nearest-rank value of
    /// the same data, or within 2^-11 s below a millisecond. A bound, not a statistical
    /// tolerance: the exact value lies in the bucket whose middle is reported. Checked on
    /// exponential, lognormal (heavy right tail), constant and sub-millisecond data, at 99
    /// percentiles each.
    @Test(arguments: ["exponential", "lognormal", "constant", "tiny", "mixed"])
    func histogramFallbackIsWithinItsStatedPrecision(distribution: String) {
        var exact = DurationRecorder(exactLimit: 1_000_000)
        var bounded = DurationRecorder(exactLimit: 1000)
        var state: UInt64 = 5
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1.0p-53 + 1e-17
        }
        for k in 0..<200_000 {
            let u = uniform(), v = uniform()
            let normal = (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
            let x: Double = switch distribution {
            case "exponential": -3600 * log(u)
            case "lognormal": exp(8 + 2 * normal)
            case "constant": 1800
            case "tiny": 0.002 * u
            default: k % 3 == 0 ? 0 : -600 * log(u)   // many zeros, as waits have
            }
            exact.record(x)
            bounded.record(x)
        }
        #expect(exact.method == .exact)
        #expect(bounded.method == .histogram)
        #expect(exact.count == bounded.count && exact.mean == bounded.mean && exact.maximum == bounded.maximum)
        let ps = (1...99).map { Double($0) / 100 } + [0.999, 1]
        for (p, (e, h)) in zip(ps, zip(exact.percentiles(ps), bounded.percentiles(ps))) {
            #expect(abs(h! - e!) <= LogHistogram.relativeError * e! + 0x1p-11, "p\(p): \(h!) vs \(e!)")
        }
    }
}
