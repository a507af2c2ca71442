import Foundation
import SimModel

/// The scenario's wall clock: a start instant in one time zone, and the conversions between local
/// dates and times and the engine's elapsed seconds.
///
/// Foundation's Gregorian calendar does the time-zone arithmetic, so a zone's daylight-saving
/// shifts move working hours exactly as they move on the office wall: a 09:00 start stays 09:00
/// local, and the elapsed gap between two such starts is 23 or 25 hours on the days of a change.
struct LocalClock {
    let calendar: Calendar
    let start: Date

    /// Monday 1 January 2024, 00:00: the start of scenarios that do not name one. A Monday, so
    /// that a week of working hours starts at the beginning.
    static let defaultStart = LocalDateTime(year: 2024, month: 1, day: 1, minute: 0)

    init(start: LocalDateTime, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        self.start = start.instant(in: calendar)
    }

    /// Seconds from the start to a local date and minute of the day (1440 is the next midnight).
    func elapsed(_ day: LocalDate, minute: Int) -> Double {
        LocalDateTime(year: day.year, month: day.month, day: day.day, minute: minute).instant(in: calendar)
            .timeIntervalSince(start)
    }

    func elapsed(_ moment: LocalDateTime) -> Double {
        moment.instant(in: calendar).timeIntervalSince(start)
    }

    /// The local days that overlap `[0, horizon]`, one before and after for overnight spans.
    func days(until horizon: Double) -> [LocalDate] {
        let startDay = calendar.startOfDay(for: start)
        guard let first = calendar.date(byAdding: .day, value: -1, to: startDay) else { return [] }
        var out: [LocalDate] = []
        var day = first
        let end = start.addingTimeInterval(horizon)
        while day <= end {
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            // Foundation numbers weekdays from Sunday = 1; procsim's week starts on Monday = 0.
            out.append(LocalDate(year: c.year!, month: c.month!, day: c.day!, weekday: (c.weekday! + 5) % 7))
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return out
    }
}

/// A calendar date, with its weekday (Monday = 0).
struct LocalDate: Hashable {
    var year: Int, month: Int, day: Int
    var weekday: Int = 0

    static func == (a: Self, b: Self) -> Bool { a.year == b.year && a.month == b.month && a.day == b.day }
    func hash(into h: inout Hasher) { h.combine(year); h.combine(month); h.combine(day) }
    var ordinal: Int { year * 10_000 + month * 100 + day }

    /// `2026-12-25`.
    static func parse(_ text: some StringProtocol) -> LocalDate? {
        let date = text.utf8.withContiguousStorageIfAvailable(LocalDateTime.parse(bytes:))
            ?? Array(text.utf8).withUnsafeBufferPointer(LocalDateTime.parse(bytes:))
        guard let date, text.utf8.count == 10 else { return nil }
        return LocalDate(year: date.year, month: date.month, day: date.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// A local date and minute of the day, without a zone: the scenario's zone gives it an instant.
struct LocalDateTime {
    var year: Int, month: Int, day: Int
    var minute: Int
    var second: Int = 0

    /// `2026-03-02`, `2026-03-02 08:00`, `2026-03-02T08:00:30`, with blanks around.
    static func parse(_ text: some StringProtocol) -> LocalDateTime? {
        let t = Substring(text).trimmedOfBlanks
        return t.utf8.withContiguousStorageIfAvailable(parse(bytes:)) ?? Array(t.utf8).withUnsafeBufferPointer(parse(bytes:))
    }

    /// The notation read from its UTF-8 bytes: order books have a million of them, and reading
    /// them as characters took most of the time of loading one.
    static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> LocalDateTime? {
        guard b.count == 10 || b.count == 16 || b.count == 19 else { return nil }
        func number(_ at: Int, _ count: Int) -> Int? {
            var value = 0
            for i in at..<at + count {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        let dash = UInt8(ascii: "-"), colon = UInt8(ascii: ":")
        guard b[4] == dash, b[7] == dash, let y = number(0, 4), let m = number(5, 2), let d = number(8, 2),
              (1...12).contains(m), (1...LocalDate.daysIn(month: m, year: y)).contains(d) else { return nil }
        guard b.count > 10 else { return LocalDateTime(year: y, month: m, day: d, minute: 0) }
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), b[13] == colon,
              let h = number(11, 2), let mi = number(14, 2), h < 24, mi < 60 else { return nil }
        var s = 0
        if b.count == 19 {
            guard b[16] == colon, let sec = number(17, 2), sec < 60 else { return nil }
            s = sec
        }
        return LocalDateTime(year: y, month: m, day: d, minute: h * 60 + mi, second: s)
    }

    func instant(in calendar: Calendar) -> Date {
        let midnight = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 0, minute: 0))!
        // Minutes past midnight as wall-clock time: 09:00 on a day when clocks went forward at
        // 02:00 is still 09:00, not 10:00. `date(bySettingHour:)` does that; minutes of 1440
        // mean the next midnight.
        if minute >= 1440 {
            return calendar.date(byAdding: .day, value: 1, to: midnight)!
        }
        return calendar.date(bySettingHour: minute / 60, minute: minute % 60, second: second, of: midnight)
            ?? midnight.addingTimeInterval(Double(minute * 60 + second))
    }
}

/// Parsers for the calendar notation: weekdays, times of day, their ranges.
enum CalendarNotation {
    static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let longNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// `mon`, `mon-fri`, `sat,sun`, `weekdays`, `weekends`, `daily`: the set of weekdays (Monday = 0).
    static func weekdays(_ text: String) -> [Int]? {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces)
        switch t {
        case "daily", "every day", "all": return Array(0..<7)
        case "weekdays": return Array(0..<5)
        case "weekends", "weekend": return [5, 6]
        default: break
        }
        var out: [Int] = []
        for part in t.split(separator: ",") {
            let ends = part.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
            guard ends.count == 1 || ends.count == 2 else { return nil }
            guard let a = day(ends[0]), let b = day(ends.last!) else { return nil }
            var d = a
            while true {
                if !out.contains(d) { out.append(d) }
                if d == b { break }
                d = (d + 1) % 7
            }
        }
        return out.isEmpty ? nil : out.sorted()
    }

    static func day(_ name: String) -> Int? {
        weekdayNames.firstIndex(of: name) ?? longNames.firstIndex(of: name)
    }

    /// `09:00` → 540; `24:00` → 1440 when `allowEnd`.
    static func minute(_ text: Substring, allowEnd: Bool) -> Int? {
        let pieces = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 2, (1...2).contains(pieces[0].count), pieces[1].count == 2,
              let h = Int(pieces[0]), let m = Int(pieces[1]), m < 60 else { return nil }
        let value = h * 60 + m
        return value < 1440 || (allowEnd && value == 1440) ? value : nil
    }

    /// `09:00-12:30`; an end before the start runs past midnight (`22:00-06:00`).
    static func span(_ text: String) -> (from: Int, to: Int)? {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let a = minute(ends[0], allowEnd: false), let b = minute(ends[1], allowEnd: true), a != b else { return nil }
        return (a, b <= a ? b + 1440 : b)
    }
}

/// Closed days as the ranges the file writes them (`2026-12-24..2026-12-26`), kept sorted and
/// merged: a range is never expanded day by day, so `0001-01-01..9999-12-31` costs as little
/// as one date, and a day is looked up by binary search.
struct Holidays {
    /// Disjoint, sorted ranges of `LocalDate.ordinal`.
    private(set) var ranges: [ClosedRange<Int>] = []

    init(_ days: [ClosedRange<LocalDate>] = []) {
        for day in days.map({ $0.lowerBound.ordinal...$0.upperBound.ordinal }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = ranges.last, day.lowerBound <= last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, day.upperBound)
            } else {
                ranges.append(day)
            }
        }
    }

    func contains(_ day: LocalDate) -> Bool {
        let i = firstIndex { $0.upperBound >= day.ordinal }
        return i < ranges.count && ranges[i].contains(day.ordinal)
    }

    /// The first range for which `test` holds, `test` being false then true along the ranges.
    private func firstIndex(where test: (ClosedRange<Int>) -> Bool) -> Int {
        var low = 0, high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if test(ranges[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

extension LocalDate: Comparable {
    static func < (a: Self, b: Self) -> Bool { a.ordinal < b.ordinal }
}

/// Working hours by weekday, with holidays: a calendar as the scenario file defines it, before
/// it becomes a timetable on the scenario's clock.
struct WeeklyHours {
    /// For each weekday (Monday = 0), minute spans from that day's midnight; ends may pass 1440.
    var spans: [[(from: Int, to: Int)]] = Array(repeating: [], count: 7)
    var holidays = Holidays()

    /// Mon–Fri 09:00–17:00: the business calendar when the scenario names none.
    static let office: WeeklyHours = {
        var w = WeeklyHours()
        for d in 0..<5 { w.spans[d] = [(540, 1020)] }
        return w
    }()

    /// The mean length of a working day: weekly hours over the days that have any. A promise of
    /// `2d` on the business clock means two such days.
    var workingDay: Double {
        let days = spans.filter { !$0.isEmpty }.count
        let minutes = spans.flatMap { $0 }.reduce(0) { $0 + $1.to - $1.from }
        return days > 0 ? Double(minutes) * 60 / Double(days) : 0
    }

    /// Open intervals in elapsed seconds, within `[from, until)`.
    func timetable(on clock: LocalClock, from: Double = 0, until horizon: Double) -> Timetable {
        var intervals: [(start: Double, end: Double)] = []
        for day in clock.days(until: horizon) where !holidays.contains(day) {
            for span in spans[day.weekday] {
                let s = max(clock.elapsed(day, minute: span.from), from)
                let e = min(span.to > 1440
                    ? clock.elapsed(day, minute: 1440) + Double(span.to - 1440) * 60
                    : clock.elapsed(day, minute: span.to), horizon)
                if e > s { intervals.append((s, e)) }
            }
        }
        // Overnight spans may overlap the next day's first span: merge before building.
        intervals.sort { $0.start < $1.start }
        var merged: [(start: Double, end: Double)] = []
        for i in intervals {
            if let last = merged.last, i.start <= last.end {
                merged[merged.count - 1].end = max(last.end, i.end)
            } else {
                merged.append(i)
            }
        }
        return Timetable(intervals: merged)
    }
}
