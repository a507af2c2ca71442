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
}
