import Histogram

/// Collects durations (seconds) and answers mean, maximum and nearest-rank percentiles.
///
/// Up to `exactLimit` values are kept and percentiles are exact. Past that the values move into an
/// HdrHistogram with three significant digits at a resolution of one millisecond, so memory stays
/// flat for tens of millions of items; `method` says which produced the figures.
public struct DurationRecorder: Sendable {
    public enum Method: String, Sendable { case exact, hdrHistogram = "hdr_histogram" }

    /// The resolution of the histogram, in seconds.
    public static let histogramResolution = 0.001

    public let exactLimit: Int
    public var count: Int { _count }
    public var sum: Double { _sum }
    public var maximum: Double { _maximum }
    @usableFromInline var _count = 0
    @usableFromInline var _sum = 0.0
    @usableFromInline var _maximum = -Double.infinity
    @usableFromInline var values: [Double] = []
    /// Made only when the recorder switches to it: the full histogram is about 180 KB.
    @usableFromInline var histogram: Histogram<UInt64>? = nil
    @usableFromInline var usesHistogram = false

    /// - Parameter expectedCount: room to reserve for exact values, to avoid regrowing.
    public init(exactLimit: Int, expectedCount: Int = 0) {
        values.reserveCapacity(Swift.min(exactLimit, expectedCount))
        self.exactLimit = exactLimit
        if exactLimit == 0 { switchToHistogram() }
    }

    /// Sized at once for durations up to 30 days (longer ones still fit: it then grows). Growing
    /// from the library's small default cost one allocation per added counter, thousands per
    /// replication (found by the `MM1Events` benchmark's malloc count).
    @usableFromInline
    mutating func switchToHistogram() {
        var fresh = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 30 * 86_400_000, numberOfSignificantValueDigits: .three)
        fresh.autoResize = true
        for v in values { _ = fresh.record(Self.ticks(v)) }
        histogram = fresh
        values = []
        usesHistogram = true
    }

    public var method: Method { usesHistogram ? .hdrHistogram : .exact }

    public var mean: Double? { _count == 0 ? nil : _sum / Double(_count) }

    /// Records one duration. Inlined into the event loop: the exact path is an append.
    @inlinable @inline(__always)
    public mutating func record(_ seconds: Double) {
        _count &+= 1
        _sum += seconds
        if seconds > _maximum { _maximum = seconds }
        if !usesHistogram && values.count < exactLimit {
            values.append(seconds)
        } else {
            recordInHistogram(seconds)
        }
    }

    @usableFromInline
    mutating func recordInHistogram(_ seconds: Double) {
        if !usesHistogram { switchToHistogram() }
        _ = histogram!.record(Self.ticks(seconds))
    }

    /// Nearest-rank percentiles, each `p` in (0, 1]; `nil` when nothing was recorded.
    public func percentiles(_ ps: [Double]) -> [Double?] {
        guard count > 0 else { return ps.map { _ in nil } }
        if let histogram {
            return ps.map { Double(histogram.valueAtPercentile($0 * 100)) * Self.histogramResolution }
        }
        return Percentiles.select(ps, from: values)
    }

    /// Whole milliseconds, rounded half up; a truncating conversion rather than `rounded()`,
    /// which costs a libm call per record on Linux.
    @usableFromInline static func ticks(_ seconds: Double) -> UInt64 {
        // Clamped below 2⁶²: an extreme draw must not trap the conversion.
        seconds > 0 ? UInt64(Swift.min(seconds / histogramResolution + 0.5, 0x1p62)) : 0
    }

    /// Bins of a distribution that need no logarithm: bin 0 holds durations under a second; then
    /// four bins per doubling, split by the top two bits of the significand, so the edges are
    /// 2^e · {1, 1.25, 1.5, 1.75}. The last bin holds everything from 2^32 s (136 years) up.
    public static let binCount = 1 + 32 * 4

    /// The lower edge of bin `b` (seconds).
    public static func binEdge(_ b: Int) -> Double {
        guard b > 0 else { return 0 }
        let octave = (b - 1) / 4, quarter = (b - 1) % 4
        return Double(sign: .plus, exponent: octave, significand: 1 + Double(quarter) / 4)
    }

    @inline(__always)
    static func bin(_ x: Double) -> Int {
        guard x >= 1 else { return 0 }
        let bits = x.bitPattern
        let exponent = Int((bits >> 52) & 0x7ff) - 1023
        let quarter = Int((bits >> 50) & 0x3)
        return min(1 + exponent * 4 + quarter, binCount - 1)
    }

    /// The share of the recorded durations in each bin; `nil` once the recorder has switched to a
    /// histogram (the exact values are gone).
    public func binShares() -> [Double]? {
        guard !usesHistogram else { return nil }
        var counts = [Double](repeating: 0, count: Self.binCount)
        for v in values { counts[Self.bin(v)] += 1 }
        if count > 0 { for b in counts.indices { counts[b] /= Double(count) } }
        return counts
    }
}
