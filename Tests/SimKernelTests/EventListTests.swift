import SimKernel
import Testing

/// The event list against a plain sorted array, after every operation (OMNeT++'s shadow test).
@Suite struct EventListTests {
    struct Shadow: Equatable {
        var time: Double
        var priority: Int
        var sequence: Int
        var subject: Int32
    }

    @Test(arguments: 0..<20)
    func matchesSortedArrayUnderRandomOperations(seed: Int) {
        var rng = SplitMix(seed: UInt64(seed))
        var list = EventList(capacity: 16)  // small, so growth is exercised too
        var shadow: [Shadow] = []
        var sequence = 0
        for _ in 0..<3000 {
            if shadow.isEmpty || rng.next() % 3 != 0 {
                // Coarse times and priorities make ties common: the order among them is the point.
                let time = Double(rng.next() % 50)
                let priority = Int(rng.next() % 3)
                let subject = Int32(truncatingIfNeeded: rng.next() % 1000)
                list.schedule(at: time, kind: 0, subject: subject, priority: UInt8(priority))
                shadow.append(Shadow(time: time, priority: priority, sequence: sequence, subject: subject))
                sequence += 1
                shadow.sort { ($0.time, $0.priority, $0.sequence) < ($1.time, $1.priority, $1.sequence) }
            } else {
                let popped = list.popNext()!
                let expected = shadow.removeFirst()
                #expect(popped.time == expected.time, "seed \(seed)")
                #expect(popped.priority == expected.priority, "seed \(seed)")
                #expect(popped.sequence == UInt64(expected.sequence), "seed \(seed)")
                #expect(popped.subject == expected.subject, "seed \(seed)")
            }
            #expect(list.count == shadow.count)
        }
        while let popped = list.popNext() {
            let expected = shadow.removeFirst()
            #expect(popped.sequence == UInt64(expected.sequence))
        }
        #expect(shadow.isEmpty)
    }

    @Test func equalTimesAndPrioritiesRunInSchedulingOrder() {
        var list = EventList()
        for subject in 0..<100 { list.schedule(at: 5, kind: 1, subject: Int32(subject)) }
        list.schedule(at: 5, kind: 1, subject: -1, priority: 0)
        var order: [Int32] = []
        while let e = list.popNext() { order.append(e.subject) }
        #expect(order == Array(0..<100).map(Int32.init) + [-1])
    }

    @Test func lowerPriorityValueRunsFirstAtEqualTime() {
        var list = EventList()
        list.schedule(at: 1, kind: 0, subject: 2, priority: 2)
        list.schedule(at: 1, kind: 0, subject: 0, priority: 0)
        list.schedule(at: 0.5, kind: 0, subject: 9, priority: 200)
        list.schedule(at: 1, kind: 0, subject: 1, priority: 1)
        var order: [Int32] = []
        while let e = list.popNext() { order.append(e.subject) }
        #expect(order == [9, 0, 1, 2])
    }
}

/// A small seedable generator for tests (SplitMix64), independent of the kernel's keyed streams.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
