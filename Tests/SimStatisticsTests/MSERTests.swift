import Foundation
import SimStatistics
import Testing

/// MSER-5 on series whose transient is known.
@Suite struct MSERTests {
    /// A level of 10 for the first 30 points, then 0 with a small alternating ripple: the batch
    /// means are 10 for six batches and 0 after, so the cut is at point 30.
    @Test func cutsAtTheEndOfAStepTransient() {
        let series = (0..<200).map { i in i < 30 ? 10.0 : (i % 2 == 0 ? 0.1 : -0.1) }
        #expect(MSER.truncation(series) == MSER.Cut(point: 30, settled: true))
    }

    /// An exponential approach to a level: the cut lies where the remaining drift is smaller than
    /// the noise, after the first time constants and well within the first half.
    @Test func cutsAnExponentialTransientEarly() {
        var noise: UInt64 = 1
        let series = (0..<500).map { i -> Double in
            noise = noise &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(noise >> 11) / Double(1 << 53) - 0.5
            return 5 * (1 - exp(-Double(i) / 20)) + u
        }
        let cut = MSER.truncation(series)!
        #expect(cut.settled)
        #expect(cut.point >= 40 && cut.point <= 150, "cut at \(cut.point)")
    }

    /// A series that keeps growing never settles: the minimum is in the second half.
    @Test func aGrowingSeriesNeverSettles() {
        let series = (0..<200).map { Double($0) }
        #expect(MSER.truncation(series)?.settled == false)
        #expect(MSER.truncation([1, 2, 3]) == nil)
    }

    /// The end of the series is never a candidate: a settled series whose last batches happen to
    /// be alike (the statistic's denominator (n − d)² makes any short tail look best) is cut
    /// where its transient ends, not called unsettled.
    @Test func aQuietEndIsNotACandidate() {
        let series = (0..<200).map { i -> Double in
            if i < 20 { return 10 }
            if i >= 185 { return 0 }   // the last three batches identical
            return i % 2 == 0 ? 1 : -1
        }
        #expect(MSER.truncation(series) == MSER.Cut(point: 20, settled: true))
    }

    /// Past the transient a slowly fluctuating series (AR(1), φ = 0.9) has calm stretches that
    /// make later, lower minima by chance; the cut is the earliest point within the minimum's
    /// sampling error, near where the transient (a level of 8 for 25 points, 12 noise standard
    /// deviations of the stationary series, about 0.66) ends, for each of ten series.
    @Test(arguments: 1...10)
    func slowFluctuationsDoNotMoveTheCut(seed: Int) {
        var state = UInt64(seed), x = 0.0
        let series = (0..<400).map { i -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(state >> 11) / Double(1 << 53) - 0.5
            x = 0.9 * x + u   // stationary standard deviation 0.29/√(1 − 0.81) ≈ 0.66
            return (i < 25 ? 8 : 0) + x
        }
        let cut = MSER.truncation(series)!
        #expect(cut.settled && cut.point >= 25 && cut.point <= 60, "cut at \(cut.point)")
    }
}
