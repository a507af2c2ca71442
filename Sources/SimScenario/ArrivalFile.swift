import Foundation
import SimModel
import Yams

extension Demand {
    var isScheduled: Bool {
        if case .scheduled = arrivals { return true }
        return false
    }
}

extension ModelBuilder {
    /// The largest order book read: a million arrivals. Larger replays belong in a database
    /// extract summarised as rates.
    static let maxScheduledArrivals = 1_000_000

    /// Arrival times from a CSV file (`time` column; optional `demand` column selects rows).
    /// Times are local date-times in the scenario's zone, or durations after the start. Problems
    /// are located in the CSV file itself. The file is read once however many demand types
    /// refer to it: read per type, a thousand types on one book cost a thousand readings.
    mutating func scheduledArrivals(_ node: Node, _ path: String, demand: String, clock: LocalClock, horizon: Double?) -> ArrivalProcess? {
        let name = NodeReader.scalarText(node)
        let book: OrderBook
        if let known = orderBooks[name] { book = known } else {
            guard let (full, text) = reader.referencedFile(
                node, path, relativeTo: folder, extensions: ["csv"], what: "an arrivals file (CSV)", limit: NodeReader.maxArrivalBytes)
            else { return nil }
            book = readOrderBook(text, file: full, name: name, node: node, path: path, clock: clock)
            orderBooks[name] = book
        }
        let rows = book.rows[book.byDemand ? demand : ""] ?? OrderBook.Rows()
        for e in rows.errors {
            reader.report(.error, file: book.file, line: e.line, column: e.column, source: e.source, path: "", e.message)
        }
        guard !book.failed else { return nil }
        if rows.overflow {
            reader.error(node, path, "the arrivals file has more than \(Self.maxScheduledArrivals) rows for demand type '\(demand)'; summarise it as a rate with a pattern")
            return nil
        }
        if !rows.errors.isEmpty { return nil }
        let times = rows.times
        if let horizon, let late = times.firstIndex(where: { $0 >= horizon }) {
            reader.warning(node, path, "\(times.count - late) of the \(times.count) arrivals in '\(name)' come at or after the horizon and are not simulated")
        }
        if times.isEmpty {
            reader.error(node, path, "the arrivals file '\(name)' has no rows\(book.byDemand ? " for demand type '\(demand)'" : ""); a demand type that never arrives has nothing to simulate")
            return nil
        }
        return .scheduled(times)
    }

    /// Every row of an order book, sorted by demand type. Problems of the file as a whole (its
    /// header, rows with the wrong number of fields, rows of types the scenario lacks) are
    /// reported here, once; a type's own bad rows are kept for that type, since rows of a type
    /// that reads its arrivals elsewhere are not its business.
    private mutating func readOrderBook(_ text: String, file: String, name: String, node: Node, path: String, clock: LocalClock) -> OrderBook {
        var book = OrderBook(file: file)
        // Lines and cells are cut on bytes (reading a million rows as characters cost seconds);
        // a file with only carriage returns is read as lines ending in them.
        // A byte-order mark, as spreadsheets write ("CSV UTF-8"), is not part of the header.
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.unicodeScalars.dropFirst()) : Substring(text)
        let newline: UInt8 = body.utf8.contains(0x0A) ? 0x0A : 0x0D
        let lines = body.utf8.split(separator: newline, omittingEmptySubsequences: false).map { line in
            Substring(line.last == 0x0D ? line.dropLast() : line)
        }
        guard let header = lines.first else {
            reader.error(node, path, "the arrivals file '\(name)' is empty; expected a header line with a 'time' column")
            book.failed = true
            return book
        }
        let columns = Self.cells(header)?.map { $0.lowercased() } ?? []
        guard let timeColumn = columns.firstIndex(of: "time") else {
            // Not an order book (a key, a password file reached through a link): nothing of it
            // is shown, since a CI log is public.
            reader.error(node, path, "'\(name)' does not look like an arrivals file: its first line is not a header with a 'time' column (and optionally 'demand'); none of its content is shown")
            book.failed = true
            return book
        }
        let demandColumn = columns.firstIndex(of: "demand")
        book.byDemand = demandColumn != nil
        var shapeErrors = 0
        var foreign: [String: (line: Int, column: Int, source: String, rows: Int)] = [:]
        var local = InstantCache(clock: clock)
        // Rows per type in a list, found through one lookup per row; a book without a demand
        // column has one list, under "".
        var slots: [String: Int] = demandColumn == nil ? ["": 0] : [:]
        var lists: [OrderBook.Rows] = demandColumn == nil ? [OrderBook.Rows()] : []
        for (i, line) in lines.enumerated().dropFirst() where !line.trimmedOfBlanks.isEmpty {
            guard let cells = Self.cells(line) else {
                reader.report(.error, file: file, line: i + 1, column: 1, source: String(line), path: "",
                              "a quoted field is not closed on its line, or holds a comma; an order book has one row per line and no commas within a field")
                book.failed = true
                shapeErrors += 1
                if shapeErrors >= 10 { break } else { continue }
            }
            func column(_ c: Int) -> Int { cells.prefix(c).reduce(1) { $0 + $1.count + 1 } }
            guard cells.count == columns.count else {
                reader.report(.error, file: file, line: i + 1, column: 1, source: String(line), path: "",
                              "expected \(columns.count) fields as in the header, found \(cells.count)")
                book.failed = true
                shapeErrors += 1
                if shapeErrors >= 10 { break } else { continue }
            }
            var slot = 0
            if let dc = demandColumn {
                let type = String(cells[dc].trimmedOfBlanks)
                if let known = slots[type] { slot = known } else if demandNames.contains(type) {
                    slot = lists.count
                    slots[type] = slot
                    lists.append(OrderBook.Rows())
                } else {
                    // A type the scenario does not define is not simulated: said once per type,
                    // with a suggestion, since a typo would otherwise lose orders silently.
                    let first = foreign[type] ?? (i + 1, column(dc), String(line), 0)
                    foreign[type] = (first.line, first.column, first.source, first.rows + 1)
                    continue
                }
            }
            guard !lists[slot].overflow, lists[slot].errors.count < 10 else { continue }
            func fail(_ message: String) {
                lists[slot].errors.append((i + 1, column(timeColumn), String(line), message))
            }
            let cell = cells[timeColumn].trimmedOfBlanks
            let t: Double
            if let moment = LocalDateTime.parse(cell) { t = local.elapsed(moment) } else if let d = Quantities.duration(String(cell)), d >= 0 { t = d } else {
                fail("expected a local date-time such as '2026-03-02 09:15' or a duration after the start such as '2h', found '\(cell)'")
                continue
            }
            if t < 0 {
                fail("'\(cell)' is before the scenario's start")
            } else if let last = lists[slot].times.last, t < last {
                fail("arrival times must be in order: '\(cell)' comes before the previous row's time")
            } else if lists[slot].times.count == Self.maxScheduledArrivals {
                lists[slot].overflow = true
                lists[slot].times = []
            } else {
                lists[slot].times.append(t)
            }
        }
        for (type, slot) in slots { book.rows[type] = lists[slot] }
        for (type, seen) in foreign.sorted(by: { $0.value.line < $1.value.line }) {
            var message = "\(seen.rows) row\(seen.rows == 1 ? "" : "s") of demand type '\(type)', which the scenario does not define, \(seen.rows == 1 ? "is" : "are") not simulated"
            if let near = reader.suggestion(for: type, among: demandNames.names) { message += "; did you mean '\(near)'?" }
            reader.report(.warning, file: file, line: seen.line, column: seen.column, source: seen.source, path: "", message)
        }
        return book
    }
}

extension ModelBuilder {
    /// The fields of a CSV line, without blanks around them and, for a field in double quotes
    /// (as spreadsheets write every field), without its quotes (`""` inside is one quote);
    /// `nil` when a quoted field is not closed within its field (a comma or a line break in it,
    /// which no order book needs).
    static func cells(_ line: Substring) -> [Substring]? {
        let raw = line.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { Substring($0).trimmedOfBlanks }
        guard line.utf8.contains(UInt8(ascii: "\"")) else { return raw }
        var out: [Substring] = []
        for cell in raw {
            guard cell.hasPrefix("\"") else {
                if cell.contains("\"") { return nil }
                out.append(cell)
                continue
            }
            let inner = cell.dropFirst()
            guard inner.hasSuffix("\""), !inner.isEmpty else { return nil }
            let content = inner.dropLast()
            // Inside, a quote is written twice; a single one would end the field early.
            guard content.replacingOccurrences(of: "\"\"", with: "").contains("\"") == false else { return nil }
            out.append(Substring(content.replacingOccurrences(of: "\"\"", with: "\"")))
        }
        return out
    }
}

/// An order book as read: each demand type's arrival times (under "" when the file has no
/// `demand` column and its rows are every referring type's), or the rows that were wrong.
struct OrderBook {
    struct Rows {
        var times: [Double] = []
        var errors: [(line: Int, column: Int, source: String, message: String)] = []
        /// More rows than `maxScheduledArrivals`; the times are dropped.
        var overflow = false
    }
    let file: String
    var byDemand = false
    var rows: [String: Rows] = [:]
    /// A problem of the whole file, already reported.
    var failed = false
}

/// Elapsed seconds of local date-times, remembered per hour: Foundation's calendar arithmetic
/// costs microseconds per call, which made a million-row order book take over ten seconds. An
/// hour whose end is 3,600 s after its start has no clock change inside it, so wall clock and
/// elapsed time advance together there and the minutes and seconds are added to the hour's
/// instant. Only an hour with a change in it (or in a gap) is looked up minute by minute.
struct InstantCache {
    let clock: LocalClock
    private var hours: [Int: Double?] = [:]
    private var minutes: [Int: Double] = [:]

    init(clock: LocalClock) { self.clock = clock }

    private var dayMinutes: [Int: Double] = [:]
    private var days: (horizon: Double, days: [LocalDate])?

    /// `clock.elapsed(day, minute:)`, remembered.
    mutating func elapsed(_ day: LocalDate, minute: Int) -> Double {
        let key = day.ordinal * 1441 + minute
        if let known = dayMinutes[key] { return known }
        let made = clock.elapsed(day, minute: minute)
        dayMinutes[key] = made
        return made
    }

    /// `clock.days(until:)`, remembered for the last horizon asked.
    mutating func days(until horizon: Double) -> [LocalDate] {
        if let days, days.horizon == horizon { return days.days }
        let made = clock.days(until: horizon)
        days = (horizon, made)
        return made
    }

    mutating func elapsed(_ moment: LocalDateTime) -> Double {
        let day = moment.year * 10_000 + moment.month * 100 + moment.day
        let hour = day * 24 + moment.minute / 60
        let sinceHour = Double((moment.minute % 60) * 60 + moment.second)
        if let start = hours[hour] {
            if let start { return start + sinceHour }
        } else {
            var at = moment
            at.minute -= moment.minute % 60
            at.second = 0
            let start = clock.elapsed(at)
            at.minute += 60  // 1440 is the next midnight
            let linear = clock.elapsed(at) - start == 3600
            hours[hour] = linear ? start : Optional<Double>.none
            if linear { return start + sinceHour }
        }
        let key = day * 1440 + moment.minute
        if let start = minutes[key] { return start + Double(moment.second) }
        var minute = moment
        minute.second = 0
        let start = clock.elapsed(minute)
        minutes[key] = start
        return start + Double(moment.second)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs: what `trimmingCharacters(in: .whitespaces)`
    /// does for a CSV cell, on bytes (a blank is one byte, so the cut falls between characters).
    var trimmedOfBlanks: Substring {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = utf8.firstIndex(where: { !blank($0) }), let last = utf8.lastIndex(where: { !blank($0) }) else {
            return self[endIndex...]
        }
        return Substring(utf8[first...last])
    }
}
