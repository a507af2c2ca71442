/// Nearest-rank percentiles of a sample, exact.
public enum Percentiles {
    /// The 0-based index of the nearest-rank `p` percentile (0 < p ≤ 1) in a sorted sample of
    /// `count` values: rank ⌈p·n⌉.
    public static func rankIndex(_ p: Double, count: Int) -> Int {
        let rank = Swift.max(1, Int((p * Double(count)).rounded(.up)))
        return Swift.min(rank, count) - 1
    }

    /// The nearest-rank `p` percentile of ascending `sorted` values; `nil` for an empty sample.
    public static func nearestRank(_ p: Double, sorted: [Double]) -> Double? {
        sorted.isEmpty ? nil : sorted[rankIndex(p, count: sorted.count)]
    }

    /// Several nearest-rank percentiles of `values`, which are reordered in place.
    ///
    /// Successive selections (quickselect with median-of-three pivots) instead of a full sort:
    /// each selection leaves everything above the found rank to its right, so the next, higher
    /// rank is sought only there. About 3n comparisons for the usual p50…p99, and no scratch memory.
    public static func select(_ ps: [Double], from values: inout [Double]) -> [Double?] {
        guard !values.isEmpty else { return ps.map { _ in nil } }
        let order = ps.indices.sorted { ps[$0] < ps[$1] }
        var result = [Double?](repeating: nil, count: ps.count)
        values.withUnsafeMutableBufferPointer { a in
            var low = 0
            for i in order {
                let k = rankIndex(ps[i], count: a.count)
                if k >= low { selectInPlace(a, k, low, a.count) }
                result[i] = a[k]
                low = Swift.max(low, k)
            }
        }
        return result
    }

    /// Puts the k-th smallest element of `a[low..<high]` at index k, smaller ones before it and
    /// larger ones after. Falls back to sorting the range after too many poor partitions.
    static func selectInPlace(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int, _ low: Int, _ high: Int) {
        var lo = low, hi = high - 1
        var budget = 2 * (Swift.max(high - low, 2)).bitWidthLog2
        while hi > lo {
            if hi - lo < 16 || budget == 0 {
                var range = UnsafeMutableBufferPointer(rebasing: a[lo...hi])
                range.sort()
                return
            }
            budget -= 1
            let mid = lo + (hi - lo) / 2
            // Median of three as pivot, moved to `lo`.
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            a.swapAt(lo, mid)
            let pivot = a[lo]
            // Hoare partition: equal keys split evenly, so repeated values do not degrade it.
            var i = lo, j = hi + 1
            while true {
                repeat { i += 1 } while i <= hi && a[i] < pivot
                repeat { j -= 1 } while a[j] > pivot
                if i >= j { break }
                a.swapAt(i, j)
            }
            a.swapAt(lo, j)
            if j == k { return }
            if j < k { lo = j + 1 } else { hi = j - 1 }
        }
    }
}

extension Int {
    /// ⌊log₂ self⌋ + 1 for positive values.
    var bitWidthLog2: Int { Int.bitWidth - leadingZeroBitCount }
}
