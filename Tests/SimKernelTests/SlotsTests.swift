import SimKernel
import Testing

/// The FIFO ring against a plain array: growth and wrap-around at every size, in any mix of
/// pushes and pops. Queue discipline cannot be seen in mean waits, so it is tested here directly.
@Suite struct SlotsTests {
    @Test(arguments: 0..<10)
    func ringMatchesAnArray(seed: Int) {
        var rng = SplitMix(seed: UInt64(seed) &+ 77)
        var ring = IndexRing(capacity: 2)
        defer { ring.release() }
        var shadow: [Int32] = []
        var next: Int32 = 0
        for _ in 0..<20_000 {
            // Bursts of pushes make the ring grow while its head is in the middle.
            if shadow.isEmpty || rng.next() % 5 < 3 {
                ring.push(next)
                shadow.append(next)
                next += 1
            } else {
                #expect(ring.pop() == shadow.removeFirst(), "seed \(seed)")
            }
            #expect(ring.count == shadow.count)
        }
        while !shadow.isEmpty { #expect(ring.pop() == shadow.removeFirst()) }
        #expect(ring.isEmpty)
    }

    @Test func slotsGrowAndKeepTheirValues() {
        var slots = Slots<Int>(count: 3) { $0 * 10 }
        slots.grow(to: 6, filling: -1)
        var values: [Int] = []
        for i in 0..<slots.count { values.append(slots[i]) }
        #expect(values == [0, 10, 20, -1, -1, -1])
        slots[4] = 7
        #expect(slots[4] == 7)
    }
}
