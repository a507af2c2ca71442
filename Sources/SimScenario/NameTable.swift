/// Names in the order the file declares them, with each name's first position: the lookups the
/// loader makes inside loops over a file's entries (a step naming its area, a branch its target)
/// take constant time. `Array.firstIndex(of:)` there made loading quadratic in the file's size.
struct NameTable {
    let names: [String]
    private let positions: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        positions.reserveCapacity(names.count)
        for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
        self.positions = positions
    }

    /// The position of the first entry with this name, as `firstIndex(of:)` gives it.
    func index(of name: String) -> Int? { positions[name] }
    func contains(_ name: String) -> Bool { positions[name] != nil }
    var count: Int { names.count }
}
