/// Friendly renderings of numbers for the text report. JSON never uses these.
public enum Formatting {
    /// `1 replication`, `2 replications`: a count with its noun in the number it takes.
    public static func counted(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
    }

    /// A duration in the two largest units that matter: `2d 4h`, `3h 12m`, `12m 30s`, `45s`, `4.25s`.
    public static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "–" }
        if seconds < 0 { return "-" + duration(-seconds) }
        if seconds == 0 { return "0s" }
        // Beyond a billion years (a damaged file, an unstable run): no Int can hold the parts.
        if seconds >= 1e15 { return String(format: "%.3gd", seconds / 86_400) }
        if seconds < 60 {
            return seconds < 10 ? String(format2: seconds) + "s" : "\(Int(seconds.rounded()))s"
        }
        // Weeks are left out: "17w 1d" reads worse than "120d" for a horizon.
        let units: [(String, Double)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        let total = Int(seconds.rounded())
        var rest = total
        var parts: [String] = []
        for (name, size) in units {
            let n = rest / Int(size)
            if n > 0 || !parts.isEmpty {
                parts.append("\(n)\(name)")
                rest -= n * Int(size)
            }
            if parts.count == 2 { break }
        }
        if parts.count == 2 && parts[1].hasPrefix("0") { parts.removeLast() }
        return parts.joined(separator: " ")
    }

    /// The unit a duration of this size reads best in, for a column of figures that share it.
    public static func unit(for seconds: Double) -> (name: String, size: Double) {
        let x = abs(seconds)
        if x < 60 { return ("s", 1) }
        if x < 3600 { return ("m", 60) }
        if x < 2 * 86_400 { return ("h", 3600) }
        return ("d", 86_400)
    }

    /// A duration in a given unit with three significant digits: `31.7h`, `4.25d`, `12.0m`.
    public static func duration(_ seconds: Double?, unit: (name: String, size: Double)) -> String {
        guard let seconds, seconds.isFinite else { return "–" }
        if seconds == 0 { return "0" }
        let v = seconds / unit.size
        let digits = abs(v) >= 100 ? 0 : abs(v) >= 10 ? 1 : 2
        return String.fixed(v, digits) + unit.name
    }

    /// A count per replication: whole numbers stay whole.
    public static func count(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : number(x)
    }

    public static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return String(format1: x * 100) + "%"
    }

    public static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        if abs(x) >= 1e15 { return String(format: "%.3g", x) }
        if abs(x) >= 100 { return String(Int(x.rounded())) }
        return String(format2: x)
    }

    /// A rate per second as per day, the period analysts think in.
    public static func ratePerDay(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return number(x * 86_400) + "/day"
    }
}

extension String {
    init(format1 x: Double) { self = Self.fixed(x, 1) }
    init(format2 x: Double) { self = Self.fixed(x, 2) }

    /// Fixed-point without Foundation's locale-dependent formatting.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        if abs(x) >= 1e14 { return String(format: "%.3g", x) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        let whole = Int(scaled / scale)
        let frac = Int(scaled - Double(whole) * scale)
        var fracText = String(frac)
        fracText = String(repeating: "0", count: Swift.max(0, digits - fracText.count)) + fracText
        return (x < 0 && scaled != 0 ? "-" : "") + "\(whole)" + (digits > 0 ? "." + fracText : "")
    }
}
