import Foundation

/// ISO 8601 timestamps with milliseconds and the zone's offset, byte for byte as
/// `ISO8601DateFormatter` writes them (`[.withInternetDateTime, .withFractionalSeconds]`: `Z` for
/// a zero offset, seconds in the offset where the zone has them), at a small fraction of its cost:
/// an event log of a million rows needs two million of them, and the formatter took about 170 µs
/// each. Civil dates come from integer arithmetic; the offset is asked of the zone once per hour
/// of UTC in which it does not change. Years outside 1600–9999 go to the formatter (its calendar
/// is Julian before 1582).
///
/// Also what every other timestamp goes through (CSV series, JUnit): Foundation's formatters on
/// Linux trap where the machine has no time-zone database, as a minimal container may not.
struct Timestamps {
    let start: Date
    let zone: TimeZone
    /// Milliseconds, rounded (`.withFractionalSeconds`); else whole seconds, cut down as
    /// `[.withInternetDateTime]` cuts them.
    let fractional: Bool
    private var hour = Int.min
    private var hourOffset: Int?
    private var fallback: ISO8601DateFormatter?
    /// The text of the last local day (`2026-03-02T`) and offset (`+01:00`) written: most
    /// timestamps of a log share them with the one before.
    private var day = Int.min, dayText: [UInt8] = []
    private var shownOffset = Int.min, offsetText: [UInt8] = []

    init(start: Date, zone: TimeZone, fractional: Bool = true) {
        self.start = start
        self.zone = zone
        self.fractional = fractional
    }

    /// The instant `seconds` after the start, as text.
    mutating func string(_ seconds: Double) -> String {
        var out: [UInt8] = []
        append(seconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The instant `seconds` after the start, to the millisecond, appended to `out`.
    mutating func append(_ seconds: Double, to out: inout [UInt8]) {
        let date = fractional ? start.addingTimeInterval((seconds * 1000).rounded() / 1000) : start.addingTimeInterval(seconds)
        let t = date.timeIntervalSince1970
        var whole = t.rounded(.down)
        var ms = Int(((t - whole) * 1000).rounded())
        if ms == 1000 { ms = 0; whole += 1 }
        if !fractional { ms = 0 }
        guard abs(whole) < 2e11 else { return appendFormatted(date, to: &out) }
        let utc = Int(whole)
        let offset = offset(at: utc, date)
        let local = utc + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let second = local - days * 86_400
        if days != day {
            let (y, m, d) = Self.civil(days)
            guard (1600...9999).contains(y) else { return appendFormatted(date, to: &out) }
            day = days
            dayText.removeAll(keepingCapacity: true)
            Self.digits(y, 4, &dayText); dayText.append(0x2D); Self.digits(m, 2, &dayText); dayText.append(0x2D)
            Self.digits(d, 2, &dayText); dayText.append(0x54)
        }
        if offset != shownOffset {
            shownOffset = offset
            offsetText.removeAll(keepingCapacity: true)
            if offset == 0 { offsetText.append(0x5A) } else {
                let a = abs(offset)
                offsetText.append(offset < 0 ? 0x2D : 0x2B)
                Self.digits(a / 3600, 2, &offsetText); offsetText.append(0x3A); Self.digits(a / 60 % 60, 2, &offsetText)
                if a % 60 != 0 { offsetText.append(0x3A); Self.digits(a % 60, 2, &offsetText) }
            }
        }
        out.append(contentsOf: dayText)
        Self.pair(second / 3600, &out); out.append(0x3A); Self.pair(second / 60 % 60, &out); out.append(0x3A)
        Self.pair(second % 60, &out)
        if fractional { out.append(0x2E); out.append(UInt8(0x30 + ms / 100)); Self.pair(ms % 100, &out) }
        out.append(contentsOf: offsetText)
    }

    /// Two decimal digits of `value` < 100.
    @inline(__always) static func pair(_ value: Int, _ out: inout [UInt8]) {
        out.append(UInt8(0x30 + value / 10))
        out.append(UInt8(0x30 + value % 10))
    }

    /// The zone's offset at `utc` seconds: remembered for the hour when it is the same at the
    /// hour's first and last second (a change inside the hour is asked instant by instant).
    private mutating func offset(at utc: Int, _ date: Date) -> Int {
        let h = utc >= 0 ? utc / 3600 : (utc - 3599) / 3600
        if h != hour {
            hour = h
            let first = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(h * 3600)))
            let last = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(h * 3600 + 3599)))
            hourOffset = first == last ? first : nil
        }
        return hourOffset ?? zone.secondsFromGMT(for: date)
    }

    private mutating func appendFormatted(_ date: Date, to out: inout [UInt8]) {
        if fallback == nil {
            let f = ISO8601DateFormatter()
            f.timeZone = zone
            f.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
            fallback = f
        }
        out.append(contentsOf: fallback!.string(from: date).utf8)
    }

    /// Year, month and day of a count of days since 1970-01-01 in the proleptic Gregorian
    /// calendar, by whole 400-year eras (146,097 days each) counted from 1 March, so that the
    /// leap day ends the year.
    static func civil(_ daysSince1970: Int) -> (Int, Int, Int) {
        let z = daysSince1970 + 719_468  // days from 0000-03-01
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `value` in `width` decimal digits, zero-padded (value < 10^width).
    static func digits(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(0x30 + v / divisor))
            v %= divisor
            divisor /= 10
        }
    }
}
