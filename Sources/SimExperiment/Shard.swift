/// One share of an experiment's work, `index` of `count` (both from 1, as `--shard 2/4` reads).
///
/// Replications are dealt round-robin: shard `i` of `n` runs replications `i-1`, `i-1+n`,
/// `i-1+2n`, … (from 0). Dealing rather than cutting into blocks keeps the shards' loads even
/// when the replication count is not a multiple of the shard count, and lets every shard know
/// its share without knowing the others'.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// The most shards an experiment may be split into.
    public static let maximumCount = 100_000

    public init?(index: Int, count: Int) {
        guard (1...Self.maximumCount).contains(count), (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Reads `I/N`, such as `2/4`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether work unit `unit` (a replication or a design, from 0) belongs to this shard.
    @inlinable public func owns(_ unit: Int) -> Bool { unit % count == index - 1 }

    /// The units of `range` this shard runs, in order.
    public func units(of range: Range<Int>) -> [Int] {
        let first = range.lowerBound + ((index - 1 - range.lowerBound % count) % count + count) % count
        return Array(stride(from: first, to: range.upperBound, by: count))
    }
}
