/// Counts of durations in buckets of constant relative width, in one flat buffer: recording is
/// a few bit operations on the value's IEEE 754 representation and one increment, whatever was
/// recorded before, and the buffer (43 KB) stays in the cache of a core.
///
/// Each doubling from 2⁻¹⁰ s (about 1 ms) to 2³² s (136 years) is split into 128 buckets by the
/// top seven bits of the significand, so a bucket spans 1/128 of its lower edge and its middle is
/// within 1/256 (0.39%) of any value in it. Durations under 2⁻¹⁰ s share one bucket, reported as
/// its middle (within 0.49 ms); durations from 2³² s share the last, reported as the largest
/// value recorded.
///
/// The buffer has one owner (the type is noncopyable), so an increment is a plain store: an
/// `Array` would check on every record that nobody else shares it. The buffer is allocated on
/// the first record, so a histogram that is never used costs nothing.
public struct LogHistogram: ~Copyable, @unchecked Sendable {
    @usableFromInline static let subBucketBits = 7
    @usableFromInline static let subBuckets = 1 << subBucketBits
    @usableFromInline static let minExponent = -10, maxExponent = 32
    /// The underflow bucket, the octaves, the overflow bucket.
    @usableFromInline static let bucketCount = 1 + (maxExponent - minExponent) * subBuckets + 1

    /// The largest relative distance from a reported percentile to the value it stands for,
    /// for values in the octaves (and an absolute 2⁻¹¹ s below them).
    public static let relativeError = 1.0 / Double(2 * subBuckets)

    @usableFromInline var counts: UnsafeMutablePointer<UInt64>?
    @usableFromInline var _count = 0
    public var count: Int { _count }

    public init() {}

    deinit { counts?.deallocate() }

    /// Forgets every value; the buffer is kept for the next use.
    public mutating func reset() {
        counts?.update(repeating: 0, count: Self.bucketCount)
        _count = 0
    }

    /// The bucket of a duration: exponent and top significand bits, read from the bit pattern
    /// (no logarithm). Negative durations and NaN count as the smallest.
    @inlinable @inline(__always)
    static func bucket(_ seconds: Double) -> Int {
        let bits = seconds.bitPattern
        let exponent = Int(truncatingIfNeeded: bits >> 52) - 1023   // the sign bit makes negatives huge
        if exponent < minExponent || seconds.isNaN { return 0 }
        if exponent >= maxExponent { return seconds > 0 ? bucketCount - 1 : 0 }
        let sub = Int(truncatingIfNeeded: (bits >> UInt64(52 - subBucketBits)) & UInt64(subBuckets - 1))
        return 1 + (exponent - minExponent) << subBucketBits + sub
    }

    @inlinable @inline(__always)
    public mutating func record(_ seconds: Double) {
        if counts == nil { allocate() }
        counts.unsafelyUnwrapped[Self.bucket(seconds)] &+= 1
        _count &+= 1
    }

    @usableFromInline
    mutating func allocate() {
        let buffer = UnsafeMutablePointer<UInt64>.allocate(capacity: Self.bucketCount)
        buffer.initialize(repeating: 0, count: Self.bucketCount)
        counts = buffer
    }

    /// The middle of bucket `b` (for the octaves; the caller clamps the ends).
    static func middle(_ b: Int) -> Double {
        if b == 0 { return Double(sign: .plus, exponent: minExponent - 1, significand: 1) }
        let octave = (b - 1) >> subBucketBits, sub = (b - 1) & (subBuckets - 1)
        return Double(sign: .plus, exponent: minExponent + octave, significand: 1 + (Double(sub) + 0.5) / Double(subBuckets))
    }

    /// Nearest-rank percentiles (each `p` in (0, 1]): the middle of the bucket that holds the
    /// ⌈p·n⌉-th smallest value, kept within the smallest and largest values recorded. One
    /// pass over the buckets for all of them.
    public func percentiles(_ ps: [Double], minimum: Double, maximum: Double) -> [Double?] {
        guard count > 0, let counts else { return ps.map { _ in nil } }
        let ranks = ps.map { p in Swift.max(1, Swift.min(count, Int((p * Double(count)).rounded(.up)))) }
        let order = ranks.indices.sorted { ranks[$0] < ranks[$1] }
        var out = [Double?](repeating: nil, count: ps.count)
        var seen = 0, b = 0
        for i in order {
            while seen + Int(counts[b]) < ranks[i] {
                seen += Int(counts[b])
                b += 1
            }
            let value = b == Self.bucketCount - 1 ? maximum : Self.middle(b)
            out[i] = Swift.min(Swift.max(value, minimum), maximum)
        }
        return out
    }
}
