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
    /// are located in the CSV file itself.
    mutating func scheduledArrivals(_ node: Node, _ path: String, demand: String, clock: LocalClock, horizon: Double?) -> ArrivalProcess? {
        guard let (full, text) = reader.referencedFile(
            node, path, relativeTo: folder, extensions: ["csv"], what: "an arrivals file (CSV)", limit: NodeReader.maxArrivalBytes)
        else { return nil }
        let name = NodeReader.scalarText(node)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let header = lines.first else {
            reader.error(node, path, "the arrivals file '\(name)' is empty; expected a header line with a 'time' column")
            return nil
        }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let timeColumn = columns.firstIndex(of: "time") else {
            // Not an order book (a key, a password file reached through a link): nothing of it
            // is shown, since a CI log is public.
            reader.error(node, path, "'\(name)' does not look like an arrivals file: its first line is not a header with a 'time' column (and optionally 'demand'); none of its content is shown")
            return nil
        }
        let demandColumn = columns.firstIndex(of: "demand")
        var times: [Double] = []
        var errors = 0
        var foreign: [String: (line: Int, column: Int, source: String, rows: Int)] = [:]
        var local = InstantCache(clock: clock)
        for (i, line) in lines.enumerated().dropFirst() where !line.trimmedOfBlanks.isEmpty {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            func column(_ c: Int) -> Int { cells.prefix(c).reduce(1) { $0 + $1.count + 1 } }
            guard cells.count == columns.count else {
                reader.report(.error, file: full, line: i + 1, column: 1, source: String(line), path: "",
                              "expected \(columns.count) fields as in the header, found \(cells.count)")
                errors += 1
                if errors >= 10 { break } else { continue }
            }
            if let dc = demandColumn {
                let type = String(cells[dc].trimmedOfBlanks)
                if type != demand {
                    // A row for another demand type is that type's business. A type the scenario
                    // does not define is not simulated: said once per type, with a suggestion,
                    // since a typo would otherwise lose orders silently.
                    if !demandNames.contains(type) {
                        let first = foreign[type] ?? (i + 1, column(dc), String(line), 0)
                        foreign[type] = (first.line, first.column, first.source, first.rows + 1)
                    }
                    continue
                }
            }
            let cell = String(cells[timeColumn].trimmedOfBlanks)
            let t: Double
            if let moment = LocalDateTime.parse(cell) { t = local.elapsed(moment) } else if let d = Quantities.duration(cell), d >= 0 { t = d } else {
                reader.report(.error, file: full, line: i + 1, column: column(timeColumn), source: String(line), path: "",
                              "expected a local date-time such as '2026-03-02 09:15' or a duration after the start such as '2h', found '\(cell)'")
                errors += 1
                if errors >= 10 { break } else { continue }
            }
            if t < 0 {
                reader.report(.error, file: full, line: i + 1, column: column(timeColumn), source: String(line), path: "",
                              "'\(cell)' is before the scenario's start")
                errors += 1
                continue
            }
            if let last = times.last, t < last {
                reader.report(.error, file: full, line: i + 1, column: column(timeColumn), source: String(line), path: "",
                              "arrival times must be in order: '\(cell)' comes before the previous row's time")
                errors += 1
                if errors >= 10 { break } else { continue }
            }
            times.append(t)
            if times.count > Self.maxScheduledArrivals {
                reader.error(node, path, "the arrivals file has more than \(Self.maxScheduledArrivals) rows for demand type '\(demand)'; summarise it as a rate with a pattern")
                return nil
            }
        }
        for (type, seen) in foreign.sorted(by: { $0.value.line < $1.value.line }) {
            var message = "\(seen.rows) row\(seen.rows == 1 ? "" : "s") of demand type '\(type)', which the scenario does not define, \(seen.rows == 1 ? "is" : "are") not simulated"
            if let near = reader.suggestion(for: type, among: demandNames.names) { message += "; did you mean '\(near)'?" }
            reader.report(.warning, file: full, line: seen.line, column: seen.column, source: seen.source, path: "", message)
        }
        if errors > 0 { return nil }
        if let horizon, let late = times.firstIndex(where: { $0 >= horizon }) {
            reader.warning(node, path, "\(times.count - late) of the \(times.count) arrivals in '\(name)' come at or after the horizon and are not simulated")
        }
        if times.isEmpty {
            reader.error(node, path, "the arrivals file '\(name)' has no rows\(demandColumn != nil ? " for demand type '\(demand)'" : ""); a demand type that never arrives has nothing to simulate")
            return nil
        }
        return .scheduled(times)
    }
}

/// Elapsed seconds of local date-times, remembered per minute: Foundation's calendar
/// arithmetic costs microseconds per call, which made a million-row order book take over ten
/// seconds. Within a minute the wall clock and elapsed time advance together (zones shift
/// their clocks on whole minutes), so the seconds are added to the minute's instant.
struct InstantCache {
    let clock: LocalClock
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
        let key = (moment.year * 10_000 + moment.month * 100 + moment.day) * 1440 + moment.minute
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
    /// does for a CSV cell, without bridging through NSString for every cell.
    var trimmedOfBlanks: Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return self[endIndex...] }
        return self[first...last]
    }
}
