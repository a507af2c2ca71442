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
    public private(set) var count = 0
    public private(set) var sum = 0.0
    public private(set) var maximum = -Double.infinity
    private var values: [Double] = []
    private var histogram: Histogram<UInt64>? = nil
    private var isSorted = false

    public init(exactLimit: Int) {
        self.exactLimit = exactLimit
    }

    public var method: Method { histogram == nil ? .exact : .hdrHistogram }

    @inlinable public var mean: Double? { count == 0 ? nil : sum / Double(count) }

    public mutating func record(_ seconds: Double) {
        count += 1
        sum += seconds
        if seconds > maximum { maximum = seconds }
        if histogram == nil {
            if values.count < exactLimit {
                values.append(seconds)
                return
            }
            var h = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
            h.autoResize = true
            for v in values { _ = h.record(Self.ticks(v)) }
            values = []
            histogram = h
        }
        _ = histogram!.record(Self.ticks(seconds))
    }

    /// The nearest-rank percentile, `p` in (0, 1]; `nil` when nothing was recorded.
    public mutating func percentile(_ p: Double) -> Double? {
        guard count > 0 else { return nil }
        if let histogram {
            return Double(histogram.valueAtPercentile(p * 100)) * Self.histogramResolution
        }
        if !isSorted {
            Percentiles.radixSort(&values)
            isSorted = true
        }
        return Percentiles.nearestRank(p, sorted: values)
    }

    /// The exact values when still kept, ascending.
    public mutating func sortedValues() -> [Double]? {
        guard histogram == nil else { return nil }
        if !isSorted { Percentiles.radixSort(&values); isSorted = true }
        return values
    }

    private static func ticks(_ seconds: Double) -> UInt64 {
        UInt64(max(0, (seconds / histogramResolution).rounded()))
    }
}
