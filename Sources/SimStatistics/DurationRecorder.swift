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
}
