/// When something is open, as sorted, disjoint `[start, end)` intervals in seconds from the
/// scenario's start.
///
/// Calendars are resolved to a timetable once, when the scenario is loaded (time zone, holidays
/// and daylight-saving shifts included), so the engine only ever does arithmetic on elapsed
/// seconds. Working-time questions ("when is 3 hours of work done if it starts now?", "how much
/// working time passed between two instants?") are a binary search over the intervals and the
/// running total of open time before each.
public struct Timetable: Sendable, Equatable {
    public let starts: [Double]
    public let ends: [Double]
    /// Open time before interval `i`: `openBefore[i] = Σ (ends[k] − starts[k]), k < i`.
    let openBefore: [Double]

    /// Intervals must be sorted and disjoint; touching intervals are joined.
    public init(intervals: [(start: Double, end: Double)]) {
        var starts: [Double] = [], ends: [Double] = []
        for (s, e) in intervals where e > s {
            precondition(s >= (ends.last ?? -.infinity), "timetable intervals must be sorted and disjoint")
            if let last = ends.last, last == s { ends[ends.count - 1] = e } else {
                starts.append(s)
                ends.append(e)
            }
        }
        var before: [Double] = []
        var total = 0.0
        for i in starts.indices {
            before.append(total)
            total += ends[i] - starts[i]
        }
        self.starts = starts
        self.ends = ends
        openBefore = before
    }

    /// Open where both are open.
    public func intersection(_ other: Timetable) -> Timetable {
        var out: [(start: Double, end: Double)] = []
        var i = 0, j = 0
        while i < starts.count && j < other.starts.count {
            let s = max(starts[i], other.starts[j]), e = min(ends[i], other.ends[j])
            if e > s { out.append((s, e)) }
            if ends[i] < other.ends[j] { i += 1 } else { j += 1 }
        }
        return Timetable(intervals: out)
    }

    /// Total open time.
    public var totalOpen: Double { (openBefore.last ?? 0) + ((ends.last ?? 0) - (starts.last ?? 0)) }

    /// The index of the last interval starting at or before `t`, or -1.
    @inline(__always)
    func lastStart(atOrBefore t: Double) -> Int { upperBound(starts, t) - 1 }

    public func isOpen(at t: Double) -> Bool {
        let i = lastStart(atOrBefore: t)
        return i >= 0 && t < ends[i]
    }

    /// Open time in `[0, t)`: the working-time clock's reading at `t`.
    public func openTime(before t: Double) -> Double {
        let i = lastStart(atOrBefore: t)
        if i < 0 { return 0 }
        return openBefore[i] + min(t, ends[i]) - starts[i]
    }

    /// The instant at which `work` seconds of open time have passed since `t`, pausing while
    /// closed; `+infinity` when the timetable closes for good first.
    public func instant(after work: Double, from t: Double) -> Double {
        let target = openTime(before: t) + work
        // The first interval whose open time reaches the target.
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) >> 1
            if openBefore[mid] + (ends[mid] - starts[mid]) < target { low = mid + 1 } else { high = mid }
        }

        guard low < starts.count else { return .infinity }
        // Zero work at a closed instant is done at once: nothing needs to wait for the opening.
        if work == 0 { return t }
        return max(t, starts[low] + (target - openBefore[low]))
    }
}

/// The number of staff on duty over time: piecewise constant, changing at `times`.
///
/// `levels[i]` holds from `times[i]` to `times[i + 1]`; before `times[0]` (always 0) nobody is
/// needed. `-1` means unlimited (an area with no queue, such as transit, that is open).
public struct StaffSchedule: Sendable, Equatable {
    public let times: [Double]
    public let levels: [Int]

    init(times: [Double], levels: [Int]) {
        self.times = times
        self.levels = levels
    }

    /// Constant staff from time zero (`-1`: unlimited).
    public static func constant(_ level: Int) -> StaffSchedule { StaffSchedule(times: [0], levels: [level]) }

    /// Staff on duty at `t`.
    public func level(at t: Double) -> Int { levels[max(upperBound(times, t) - 1, 0)] }

    /// The same staff, but nobody while `up` is closed (a system the area needs is down).
    public func masked(by up: Timetable) -> StaffSchedule {
        let cuts = Array(Set(times + up.starts + up.ends)).filter { $0 >= 0 }.sorted()
        var t: [Double] = [], l: [Int] = []
        for c in cuts {
            let level = up.isOpen(at: c) ? self.level(at: c) : 0
            if l.last != level { t.append(c); l.append(level) }
        }
        if t.first != 0 { t.insert(0, at: 0); l.insert(0, at: 0) }
        return StaffSchedule(times: t, levels: l)
    }

    /// Adds up shifts: each contributes its staff while its timetable is open.
    public init(shifts: [(staff: Int?, open: Timetable)]) {
        var changes: [(Double, Int, Bool)] = []  // time, delta, unlimited
        for shift in shifts {
            for i in shift.open.starts.indices {
                changes.append((shift.open.starts[i], shift.staff ?? 1, shift.staff == nil))
                changes.append((shift.open.ends[i], -(shift.staff ?? 1), shift.staff == nil))
            }
        }
        changes.sort { $0.0 < $1.0 }
        var times: [Double] = [0], levels: [Int] = [0]
        var staff = 0, unlimited = 0
        var i = 0
        while i < changes.count {
            let t = changes[i].0
            while i < changes.count && changes[i].0 == t {
                if changes[i].2 { unlimited += changes[i].1 } else { staff += changes[i].1 }
                i += 1
            }
            let level = unlimited > 0 ? -1 : staff
            if t == times.last! { levels[levels.count - 1] = level } else if level != levels.last! {
                times.append(t)
                levels.append(level)
            }
        }
        self.times = times
        self.levels = levels
    }

    /// When the area is open: wherever someone is on duty.
    public var open: Timetable {
        var intervals: [(start: Double, end: Double)] = []
        for i in times.indices where levels[i] != 0 {
            intervals.append((times[i], i + 1 < times.count ? times[i + 1] : .infinity))
        }
        return Timetable(intervals: intervals)
    }

    /// Mean staff on duty over `[0, horizon)`; `nil` when unlimited at some time.
    public func meanStaff(until horizon: Double) -> Double? {
        guard horizon > 0 else { return Double(levels[0]) }
        var total = 0.0
        for i in times.indices where times[i] < horizon {
            if levels[i] < 0 { return nil }
            let end = min(i + 1 < times.count ? times[i + 1] : .infinity, horizon)
            total += Double(levels[i]) * (end - times[i])
        }
        return total / horizon
    }
}

/// An arrival rate that changes over time: piecewise constant, `rates[i]` per second from
/// `times[i]` to `times[i + 1]` (the last piece lasts for ever).
///
/// Arrivals are drawn by inversion: the k-th arrival comes when the cumulative intensity
/// Λ(t) = ∫ rate passes the sum of k unit exponentials. One draw per arrival, keyed by the arrival
/// index, so moving a campaign shifts arrivals smoothly instead of reshuffling every draw (common
/// random numbers survive the change).
public struct RateProfile: Sendable, Equatable {
    public let times: [Double]
    public let rates: [Double]
    /// Λ at `times[i]`.
    let cumulative: [Double]

    public init(times: [Double], rates: [Double]) {
        precondition(times.count == rates.count && times.first == 0, "a rate profile starts at time 0")
        var merged: ([Double], [Double]) = ([], [])
        for (t, r) in zip(times, rates) where merged.1.last != r {
            merged.0.append(t)
            merged.1.append(r)
        }
        var lambda: [Double] = []
        var total = 0.0
        for i in merged.0.indices {
            lambda.append(total)
            if i + 1 < merged.0.count { total += merged.1[i] * (merged.0[i + 1] - merged.0[i]) }
        }
        self.times = merged.0
        self.rates = merged.1
        cumulative = lambda
    }

    /// Λ(t): the expected number of arrivals in `[0, t)`.
    public func expectedArrivals(before t: Double) -> Double {
        let i = max(upperBound(times, t) - 1, 0)
        return cumulative[i] + rates[i] * (t - times[i])
    }

    /// The instant at which Λ reaches `target`; `+infinity` when the rate stays zero for ever first.
    public func instant(whenExpected target: Double) -> Double {
        var i = max(upperBound(cumulative, target) - 1, 0)
        // Skip pieces with zero rate that end exactly at the target.
        while rates[i] == 0 {
            if i + 1 >= times.count { return .infinity }
            i += 1
        }
        return times[i] + (target - cumulative[i]) / rates[i]
    }

    /// The mean rate over `[0, horizon)`.
    public func meanRate(until horizon: Double) -> Double {
        expectedArrivals(before: horizon) / horizon
    }
}

/// The index of the first element greater than `x` in a sorted array (its count if none).
@inline(__always)
func upperBound(_ sorted: [Double], _ x: Double) -> Int {
    var low = 0, high = sorted.count
    while low < high {
        let mid = (low + high) >> 1
        if sorted[mid] <= x { low = mid + 1 } else { high = mid }
    }
    return low
}
