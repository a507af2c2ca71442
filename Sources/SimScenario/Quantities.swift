import Foundation

/// Parsers for the quantities of the scenario language: durations with units, rates with a
/// period, probabilities as fractions or percentages. Each returns `nil` on text it cannot read;
/// the caller words the diagnostic.
enum Quantities {
    /// Seconds per unit. `m` is minutes: months are not a duration unit (their length varies).
    static let units: [(String, Double)] = [
        ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800),
    ]
    static let periods: [String: Double] = [
        "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
        "d": 86_400, "day": 86_400, "w": 604_800, "week": 604_800,
    ]

    /// `90s`, `30m`, `1.5h`, `2d`, `1w`, or sums such as `1h 30m` / `1h30m`. Signs are read so
    /// that the caller can say "negative" rather than "unreadable".
    static func duration(_ text: String) -> Double? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if rest.hasPrefix("-") { negative = true; rest = rest.dropFirst() }
        var total = 0.0, parts = 0
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            guard let seconds = units.first(where: { $0.0 == String(unit) })?.1 else { return nil }
            rest = rest.dropFirst(unit.count)
            total += value * seconds
            parts += 1
        }
        guard parts > 0 else { return nil }
        return negative ? -total : total
    }

    /// `20/day`, `0.9/h`, `3/week`: arrivals per second.
    static func rate(_ text: String) -> Double? {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2,
              let count = Double(pieces[0].trimmingCharacters(in: .whitespaces)),
              let period = periods[pieces[1].trimmingCharacters(in: .whitespaces).lowercased()]
        else { return nil }
        return count / period
    }

    /// `15%` or `0.15`.
    static func fraction(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") {
            return Double(t.dropLast().trimmingCharacters(in: .whitespaces)).map { $0 / 100 }
        }
        return Double(t)
    }
}
