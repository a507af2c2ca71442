/// Collects durations (seconds) and answers mean, maximum and nearest-rank percentiles.
///
/// Up to `exactLimit` values are kept and percentiles are exact. Past that the values move into a
/// `LogHistogram` (within 0.39%, or 0.49 ms for durations under a millisecond), so memory stays
/// flat for any number of items and each record costs the same; `method` says which produced
/// the figures.
///
/// Noncopyable: the values live in a buffer with exactly one owner, so a record is a compare
/// and a store, with none of `Array`'s uniqueness checks or reference counting in the event
/// loop. `reset()` keeps the buffers for the next replication.
public struct DurationRecorder: ~Copyable, @unchecked Sendable {
    public enum Method: String, Sendable { case exact, histogram }

    public let exactLimit: Int
    public var count: Int { _count }
    public var sum: Double { _sum }
    public var maximum: Double { _maximum }
    @usableFromInline var _count = 0
    @usableFromInline var _sum = 0.0
    @usableFromInline var _maximum = -Double.infinity
    @usableFromInline var _minimum = Double.infinity
    /// The exact values: `stored` of them, room for `capacity`.
    @usableFromInline var values: UnsafeMutablePointer<Double>
    @usableFromInline var stored = 0
    @usableFromInline var capacity: Int
    /// Used once the exact values would pass `exactLimit`.
    @usableFromInline var histogram = LogHistogram()
    @usableFromInline var usesHistogram = false

    /// - Parameter expectedCount: room to reserve for exact values, to avoid regrowing.
    public init(exactLimit: Int, expectedCount: Int = 0) {
        self.exactLimit = exactLimit
        capacity = Swift.max(16, Swift.min(exactLimit, expectedCount))
        values = .allocate(capacity: capacity)
        if exactLimit == 0 { usesHistogram = true }
    }

    deinit { values.deallocate() }

    /// Forgets every duration, keeping the buffers (a replication's recorders are reused).
    public mutating func reset() {
        _count = 0
        _sum = 0
        _maximum = -.infinity
        _minimum = .infinity
        stored = 0
        if usesHistogram { histogram.reset() }
        usesHistogram = exactLimit == 0
    }

    /// Makes room for `count` exact values (at most the limit) before they come.
    public mutating func reserve(_ count: Int) {
        let wanted = Swift.min(count, exactLimit)
        if wanted > capacity { resize(to: wanted) }
    }

    @usableFromInline
    mutating func resize(to newCapacity: Int) {
        let bigger = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        bigger.initialize(from: values, count: stored)
        values.deallocate()
        values = bigger
        capacity = newCapacity
    }

    @usableFromInline
    mutating func switchToHistogram() {
        for i in 0..<stored { histogram.record(values[i]) }
        stored = 0
        usesHistogram = true
    }

    public var method: Method { usesHistogram ? .histogram : .exact }

    public var mean: Double? { _count == 0 ? nil : _sum / Double(_count) }

    /// Records one duration. Inlined into the event loop: the exact path is a store.
    @inlinable @inline(__always)
    public mutating func record(_ seconds: Double) {
        _count &+= 1
        _sum += seconds
        if seconds > _maximum { _maximum = seconds }
        if seconds < _minimum { _minimum = seconds }
        if !usesHistogram && stored < exactLimit {
            if stored == capacity { resize(to: Swift.min(exactLimit, 2 * capacity)) }
            values[stored] = seconds
            stored &+= 1
        } else {
            recordInHistogram(seconds)
        }
    }

    @inlinable @inline(__always)
    mutating func recordInHistogram(_ seconds: Double) {
        if !usesHistogram { switchToHistogram() }
        histogram.record(seconds)
    }

    /// Nearest-rank percentiles, each `p` in (0, 1]; `nil` when nothing was recorded.
    public func percentiles(_ ps: [Double]) -> [Double?] {
        guard count > 0 else { return ps.map { _ in nil } }
        if usesHistogram { return histogram.percentiles(ps, minimum: _minimum, maximum: _maximum) }
        return Percentiles.select(ps, from: UnsafeBufferPointer(start: values, count: stored))
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
        for i in 0..<stored { counts[Self.bin(values[i])] += 1 }
        if count > 0 { for b in counts.indices { counts[b] /= Double(count) } }
        return counts
    }
}
