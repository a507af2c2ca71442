import Foundation
import SimModel

/// Parsers for the quantities of the scenario language: durations with units, rates with a
/// period, probabilities as fractions or percentages. Each returns `nil` on text it cannot read;
/// the caller words the diagnostic.
enum Quantities {
    /// Seconds per unit: the table the expression language shares.
    static var units: [String: Double] { Names.durationUnits }
    /// The longest duration accepted anywhere: 100 years. Longer values are typing mistakes, and
    /// would overflow the millisecond histograms.
    static let longestDuration = 100 * 365.25 * 86_400
    static var periods: [String: Double] { units }

    /// `90s`, `30m`, `1.5h`, `2 days`, `1e3s`, or sums such as `1h 30m` / `1h30m`. Signs are
    /// read so that the caller can say "negative" rather than "unreadable".
    static func duration(_ text: String) -> Double? {
        var rest = Substring(text).trimmedOfBlanks
        var negative = false
        if rest.hasPrefix("-") { negative = true; rest = rest.dropFirst() }
        var total = 0.0, parts = 0
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            guard let (value, length) = leadingNumber(rest) else { return nil }
            rest = rest.dropFirst(length).drop { $0 == " " }
            let unit = rest.prefix { $0.isLetter }
            guard let seconds = units[unit.lowercased()] else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * seconds
            parts += 1
        }
        guard parts > 0, total.isFinite else { return nil }
        return negative ? -total : total
    }

    /// Why a duration such as `1hrr`, `2mo` or `30 fortnights` does not read, when the number
    /// reads and the unit does not: the unknown unit, with the nearest known one. `nil` otherwise.
    static func unitProblem(_ text: String) -> String? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces)).drop { $0 == "-" }
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            guard let (_, length) = leadingNumber(rest) else { return nil }
            rest = rest.dropFirst(length).drop { $0 == " " }
            let unit = rest.prefix { $0.isLetter }.lowercased()
            if unit.isEmpty { return nil }
            if units[unit] == nil {
                if ["mo", "mon", "month", "months", "y", "yr", "year", "years"].contains(unit) {
                    return "months and years are not units, since their length varies; write days or weeks, such as 30d or 52w"
                }
                var message = "unknown unit '\(unit)'"
                if let near = Names.nearest(unit, among: Array(units.keys).sorted()) { message += "; did you mean '\(near)'?" } else {
                    message += "; the units are s, m, h, d and w (or second, minute, hour, day, week)"
                }
                return message
            }
            rest = rest.dropFirst(unit.count)
        }
        return nil
    }

    /// The longest prefix that reads as a plain or scientific number (`1.5`, `1e3`), and its length.
    static func leadingNumber(_ text: Substring) -> (Double, Int)? {
        // A part starts with a digit or a point: '1h -30m' and '--1h' are not durations. The
        // number's characters are ASCII, so it is cut on bytes (an order book has millions).
        let bytes = text.utf8
        let digit: (UInt8) -> Bool = { (0x30...0x39).contains($0) }
        guard let first = bytes.first, digit(first) || first == UInt8(ascii: ".") else { return nil }
        let numeric: (UInt8) -> Bool = { b in
            digit(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
        }
        let end = bytes.firstIndex { !numeric($0) } ?? bytes.endIndex
        var candidate = Substring(bytes[..<end])
        while !candidate.isEmpty {
            if let value = Double(candidate), value.isFinite { return (value, candidate.utf8.count) }
            candidate = candidate.dropLast()
        }
        return nil
    }

    /// A number as `Double` reads it, less hexadecimal (`0x10`, `0x1p4`), which no scenario
    /// means; `inf` and `nan` still read, so that callers can say they are not finite.
    static func decimal(_ text: some StringProtocol) -> Double? {
        guard !text.utf8.contains(where: { $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "X") }) else { return nil }
        return Double(String(text))
    }

    /// `20/day`, `0.9/h`, `3/week`: arrivals per second.
    static func rate(_ text: String) -> Double? {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2,
              let count = decimal(pieces[0].trimmingCharacters(in: .whitespaces)),
              let period = periods[pieces[1].trimmingCharacters(in: .whitespaces).lowercased()]
        else { return nil }
        return count / period
    }

    /// Seconds per period of a cost: a month is a twelfth of a year of 365.25 days, since
    /// salaries are paid by the month whatever its length.
    static let costPeriods: [String: Double] = [
        "hour": 3600, "h": 3600, "day": 86_400, "d": 86_400, "week": 604_800, "w": 604_800,
        "month": 365.25 * 86_400 / 12, "year": 365.25 * 86_400, "yr": 365.25 * 86_400,
    ]

    /// `3200/month` → money per second.
    static func costRate(_ text: String) -> Double? {
        let parts = text.split(separator: "/", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let amount = decimal(parts[0].replacingOccurrences(of: ",", with: "")), amount.isFinite,
              let period = costPeriods[parts[1].lowercased()] else { return nil }
        return amount / period
    }

    /// `15%` or `0.15`.
    static func fraction(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") {
            return decimal(t.dropLast().trimmingCharacters(in: .whitespaces)).map { $0 / 100 }
        }
        return decimal(t)
    }
}
