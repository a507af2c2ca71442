/// The vocabulary shared by the scenario file and the expression language: the spellings of
/// duration units, and the "did you mean" that every unknown name gets.
public enum Names {
    /// Seconds per duration unit, with the spellings analysts write. `m` is minutes: months are
    /// not a unit (their length varies).
    public static let durationUnits: [String: Double] = [
        "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
        "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
        "d": 86_400, "day": 86_400, "days": 86_400,
        "w": 604_800, "wk": 604_800, "week": 604_800, "weeks": 604_800,
    ]

    /// The closest of `candidates` to a misspelt name, if it is close enough to be a likely slip
    /// (at most a third of the name's length in edits, at least one, at most three). The first
    /// in `candidates` order wins a tie, so callers list likelier names first.
    /// Names longer than this get no "did you mean".
    public static let maxSuggestedLength = 100

    public static func nearest(_ name: String, among candidates: [String]) -> String? {
        let allowance = max(1, min(3, name.count / 3))
        let lowered = name.lowercased(), length = name.count
        // A slip is made in a name someone typed; the edit distance costs the product of the
        // lengths, so a hostile name of a million characters gets no suggestion, not a minute.
        guard length <= maxSuggestedLength else { return nil }
        var best: (name: String, distance: Int)?
        // Names whose lengths differ by more than the allowance are further away than it.
        for c in candidates where abs(c.count - length) <= allowance {
            let d = editDistance(lowered, c.lowercased())
            if d <= allowance, d < (best?.distance ?? .max) { best = (c, d) }
        }
        return best?.name
    }

    /// Edit distance with an adjacent transposition counted as one edit (optimal string
    /// alignment), so that 'qoute' is one slip away from 'quote'.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
