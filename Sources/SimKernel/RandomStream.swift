/// Counter-based random numbers, keyed by name.
///
/// A draw is a pure function of its key: (seed, replication, demand type, arrival index, step, visit,
/// purpose) and a counter. Nothing depends on the order in which draws are made, so removing a
/// step from a journey, or serving items in another order, leaves every other draw unchanged:
/// this is what gives before/after comparisons common random numbers. The mixing function is
/// the SplitMix64 finaliser (Steele, Lea & Flood 2014, variant 13 of Stafford's constants).
public enum StreamKeying {
    /// The version of the keying scheme, recorded in every output's provenance.
    /// Change it whenever any draw for the same key could change.
    public static let version = 1

    /// A stable 64-bit hash of a name (FNV-1a, then mixed). Never Swift's `Hasher`, which is
    /// seeded per process.
    public static func hash(_ name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        return mix(h)
    }

    /// The SplitMix64 output function: a bijection on 64 bits with full avalanche.
    @inlinable @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Derives the key of a sub-stream: `parent` refined by one more component.
    @inlinable @inline(__always)
    public static func combine(_ parent: UInt64, _ component: UInt64) -> UInt64 {
        mix(parent ^ mix(component &+ 0x9e37_79b9_7f4a_7c15))
    }
}

/// The purpose of a draw, the last component of its key.
public enum DrawPurpose: UInt64, Sendable {
    case arrival = 1
    case duration = 2
    case route = 3
    case approve = 4
}

/// A sequence of uniform numbers for one key, as a value: the key and how many numbers were used.
///
/// Distributions that need several uniforms (normal, gamma) take them from the same stream in
/// order, so the count per draw may vary while other keys stay untouched.
public struct RandomStream: Sendable {
    public let key: UInt64
    @usableFromInline var counter: UInt64 = 0

    @inlinable public init(key: UInt64) { self.key = key }

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func nextBits() -> UInt64 {
        counter &+= 1
        return StreamKeying.mix(key &+ counter &* 0x9e37_79b9_7f4a_7c15)
    }

    /// A uniform number in the open interval (0, 1): never 0, so `log(u)` is always finite.
    @inlinable @inline(__always)
    public mutating func nextOpenUnit() -> Double {
        (Double(nextBits() >> 11) + 0.5) * 0x1.0p-53
    }
}
