/// A growable run of values owned by exactly one simulation: element access is a plain load or
/// store, with none of `Array`'s uniqueness checks on write (they cost the order-flow model 1.3×).
///
/// Indices are checked in debug builds only; the model addresses slots it has allocated itself.
///
/// Elements may be noncopyable (a duration recorder that owns its buffer): they are then made
/// one by one and reached in place.
public struct Slots<Element: ~Copyable>: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<Element>
    public private(set) var count: Int

    /// Slots each made by `make(index)`: for elements that own memory, which must not be copied
    /// from one template.
    public init(count: Int, _ make: (Int) -> Element) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
        for i in 0..<count { (base + i).initialize(to: make(i)) }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inlinable
    public subscript(i: Int) -> Element {
        @inline(__always) unsafeAddress {
            assert(i >= 0 && i < count, "slot index out of range")
            return UnsafePointer(base + i)
        }
        @inline(__always) unsafeMutableAddress {
            assert(i >= 0 && i < count, "slot index out of range")
            return base + i
        }
    }

}

extension Slots where Element: Copyable {
    public init(repeating value: Element, count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
        base.initialize(repeating: value, count: count)
    }

    /// Sets every slot to `value`: storage reused from one run to the next.
    public mutating func fill(_ value: Element) {
        base.update(repeating: value, count: count)
    }

    /// Grows to `newCount` slots, filling the new ones with `value`.
    public mutating func grow(to newCount: Int, filling value: Element) {
        guard newCount > count else { return }
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: newCount)
        bigger.moveInitialize(from: base, count: count)
        (bigger + count).initialize(repeating: value, count: newCount - count)
        base.deallocate()
        base = bigger
        count = newCount
    }
}

/// A FIFO queue of 32-bit indices in a ring buffer that doubles when full.
///
/// A plain value with manually managed memory, so that many of them can sit in one `Slots`;
/// its owner calls `release()` exactly once.
public struct IndexRing {
    @usableFromInline var buffer: UnsafeMutablePointer<Int32>
    @usableFromInline var capacity: Int
    @usableFromInline var head = 0
    @usableFromInline var _count = 0
    public var count: Int { _count }

    public init(capacity: Int = 64) {
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    public func release() { buffer.deallocate() }

    /// Empties the queue, keeping its buffer.
    @inlinable public mutating func removeAll() {
        head = 0
        _count = 0
    }

    @inlinable public var isEmpty: Bool { _count == 0 }

    @inlinable @inline(__always)
    public mutating func push(_ value: Int32) {
        if _count == capacity { grow() }
        var tail = head &+ _count
        if tail >= capacity { tail &-= capacity }
        buffer[tail] = value
        _count &+= 1
    }

    /// The value `pop` would return, without removing it.
    @inlinable public var first: Int32? { _count == 0 ? nil : buffer[head] }

    @inlinable @inline(__always)
    public mutating func pop() -> Int32 {
        precondition(_count > 0, "pop from an empty queue")
        let value = buffer[head]
        head &+= 1
        if head == capacity { head = 0 }
        _count &-= 1
        return value
    }

    @usableFromInline
    mutating func grow() {
        let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: capacity * 2)
        for i in 0..<_count { bigger[i] = buffer[(head + i) % capacity] }
        buffer.deallocate()
        buffer = bigger
        head = 0
        capacity *= 2
    }
}
