import Foundation
import SimModel
import Yams

/// The time-related parts of a scenario: the clock, working calendars, staff over time, demand
/// that varies by hour, weekday and campaign. Everything resolves to elapsed seconds here, so
/// the model and the engine never see a date.
extension ModelBuilder {
    /// `start` and `timezone`.
    mutating func readClock(_ top: Entries) -> LocalClock {
        var zone = TimeZone(identifier: "UTC")!
        if let z = top["timezone"], let name = reader.string(z, "timezone") {
            if let found = TimeZone(identifier: name) { zone = found } else {
                var message = "unknown time zone '\(name)'"
                if let near = suggestion(for: name, among: TimeZone.knownTimeZoneIdentifiers) {
                    message += "; did you mean '\(near)'?"
                } else {
                    message += "; expected an IANA name such as 'Europe/Berlin', 'America/New_York' or 'UTC'"
                }
                reader.error(z, "timezone", message)
            }
        }
        var start = LocalClock.defaultStart
        if let s = top["start"] {
            if let text = reader.string(s, "start") {
                if let parsed = LocalDateTime.parse(text) { start = parsed } else {
                    reader.error(s, "start", "expected a local date and time such as '2026-03-02' or '2026-03-02 08:00', found '\(text)'")
                }
            }
        }
        return LocalClock(start: start, timeZone: zone)
    }

    /// The `calendars:` section: named working hours.
    mutating func readCalendars(_ node: Node?) -> [String: WeeklyHours] {
        guard let node else { return [:] }
        var out: [String: WeeklyHours] = [:]
        for (name, keyNode, value) in reader.namedMapping(node, "calendars", what: "calendar") {
            nodes["calendars.\(name)"] = keyNode
            if let hours = weeklyHours(value, "calendars.\(name)") { out[name] = hours }
        }
        return out
    }

    mutating func weeklyHours(_ node: Node, _ path: String) -> WeeklyHours? {
        guard let f = reader.mapping(node, path, allowed: Format.calendarKeys, required: ["hours"], what: "a calendar with 'hours' (and optionally 'holidays')") else { return nil }
        var hours = WeeklyHours()
        var ok = true
        if let h = f["hours"] {
            guard case .mapping(let days) = h else {
                reader.error(h, "\(path).hours", "expected working hours by weekday, such as '{mon-fri: 09:00-17:00}', found \(NodeReader.describe(h))")
                return nil
            }
            var seen: [Int: String] = [:]
            for (keyNode, value) in NodeReader.mergingKeys(days) {
                let key = NodeReader.scalarText(keyNode)
                let keyPath = "\(path).hours.\(key)"
                guard let weekdays = CalendarNotation.weekdays(key) else {
                    var message = "expected weekdays such as 'mon-fri', 'sat', 'sat,sun', 'weekdays' or 'daily', found '\(key)'"
                    if let near = suggestion(for: key.lowercased(), among: CalendarNotation.weekdayNames + ["weekdays", "weekends", "daily"]) {
                        message += "; did you mean '\(near)'?"
                    }
                    reader.error(keyNode, keyPath, message)
                    ok = false
                    continue
                }
                for d in weekdays {
                    if let earlier = seen[d] {
                        reader.error(keyNode, keyPath, "\(CalendarNotation.longNames[d].capitalizedFirst) is given hours twice, in '\(earlier)' and '\(key)'")
                        ok = false
                    }
                    seen[d] = key
                }
                guard let spans = timeSpans(value, keyPath) else { ok = false; continue }
                for d in weekdays { hours.spans[d] = spans }
            }
            if ok && hours.spans.allSatisfy(\.isEmpty) {
                reader.error(h, "\(path).hours", "the calendar is never open: give at least one weekday some hours")
                ok = false
            }
        }
        if let list = f["holidays"] {
            guard case .sequence(let items) = list else {
                reader.error(list, "\(path).holidays", "expected a list of dates such as '[2026-12-25, 2026-12-24..2026-12-31]', found \(NodeReader.describe(list))")
                return nil
            }
            var closed: [ClosedRange<LocalDate>] = []
            for (i, item) in items.enumerated() {
                let text = NodeReader.scalarText(item)
                let ends = text.components(separatedBy: "..")
                guard ends.count <= 2, let a = LocalDate.parse(ends[0]), let b = LocalDate.parse(ends.last!), a.ordinal <= b.ordinal else {
                    reader.error(item, "\(path).holidays[\(i)]", "expected a date 'YYYY-MM-DD' or a range 'YYYY-MM-DD..YYYY-MM-DD', found \(NodeReader.describe(item))")
                    ok = false
                    continue
                }
                closed.append(a...b)
            }
            hours.holidays = Holidays(closed)
        }
        return ok ? hours : nil
    }

    /// `09:00-17:00`, `[09:00-12:30, 13:30-18:00]`, or `closed`.
    mutating func timeSpans(_ node: Node, _ path: String) -> [(from: Int, to: Int)]? {
        let items: [Node]
        switch node {
        case .scalar(let s) where s.string == "closed": return []
        case .scalar: items = [node]
        case .sequence(let list): items = Array(list)
        default:
            reader.error(node, path, "expected hours such as '09:00-17:00' or a list '[09:00-12:30, 13:30-18:00]', found \(NodeReader.describe(node))")
            return nil
        }
        var spans: [(from: Int, to: Int)] = []
        for (i, item) in items.enumerated() {
            let itemPath = items.count > 1 || node.sequence != nil ? "\(path)[\(i)]" : path
            guard let span = CalendarNotation.span(NodeReader.scalarText(item)) else {
                let text = NodeReader.scalarText(item)
                var hint = ""
                if Names.nearest(text.lowercased(), among: ["closed"]) != nil { hint = "; did you mean 'closed'?" } else if CalendarNotation.span(text.replacingOccurrences(of: " ", with: "")) == nil,
                    case let ends = text.split(separator: "-"), ends.count == 2, ends[0].trimmingCharacters(in: .whitespaces) == ends[1].trimmingCharacters(in: .whitespaces) {
                    hint = ": the span is empty, it starts and ends at the same time"
                }
                reader.error(item, itemPath, "expected a time span 'HH:MM-HH:MM' such as '09:00-17:00' (24-hour clock; '22:00-06:00' runs past midnight), found \(NodeReader.describe(item))\(hint)")
                return nil
            }
            if let last = spans.last, span.from < last.to {
                reader.error(item, itemPath, "the hours overlap or are out of order: '\(NodeReader.scalarText(item))' starts before the previous span ends; list spans in order, such as '[09:00-12:30, 13:30-18:00]'")
                return nil
            }
            spans.append(span)
        }
        return spans
    }

    /// An instant: a duration after the start (`30d`) or a local date and time (`2026-04-01`).
    mutating func instant(_ node: Node, _ path: String, clock: LocalClock) -> Double? {
        let text = NodeReader.scalarText(node)
        if let moment = LocalDateTime.parse(text) {
            let t = clock.elapsed(moment)
            if t < 0 {
                reader.error(node, path, "'\(text)' is before the scenario's start; expected an instant on or after it")
                return nil
            }
            return t
        }
        if case .scalar = node, Quantities.duration(text) != nil { return reader.duration(node, path) }
        reader.error(node, path, "expected a time after the start (such as 30d) or a local date (such as 2026-04-01 or '2026-04-01 08:00'), found \(NodeReader.describe(node))")
        return nil
    }

    /// Reads a calendar reference; reports unknown names.
    mutating func calendarReference(_ node: Node, _ path: String, calendars: [String: WeeklyHours]) -> WeeklyHours? {
        guard let name = reader.string(node, path) else { return nil }
        if let hours = calendars[name] { return hours }
        if calendarNames.contains(name) { return nil }  // defined but invalid: already reported
        reader.error(node, path, unknown("calendar", name, calendarNames))
        return nil
    }

    /// Staff over time: the base staff during the area's calendar (or always), plus shifts.
    /// `nil` when the staff never change.
    mutating func staffSchedule(
        _ fields: Entries, _ path: String, staff: Int?, horizon: Double?, clock: LocalClock,
        calendars: [String: WeeklyHours], shiftList: inout [Shift]
    ) -> StaffSchedule? {
        let calendarNode = fields["calendar"], shiftsNode = fields["shifts"]
        if calendarNode == nil && shiftsNode == nil { return nil }
        guard let horizon else {
            if !horizonGiven {
                reader.error(calendarNode ?? shiftsNode, "\(path).\(calendarNode != nil ? "calendar" : "shifts")", "working hours and shifts need a horizon: set 'horizon' (such as 90d)")
            }
            return nil
        }
        var base: WeeklyHours?
        if let c = calendarNode {
            guard let hours = calendarReference(c, "\(path).calendar", calendars: calendars) else { return nil }
            base = hours
        }
        let always = Timetable(intervals: [(0, horizon)])
        func open(_ hours: WeeklyHours?, from: Double = 0, until: Double = .infinity) -> Timetable {
            guard let hours else { return Timetable(intervals: [(from, min(until, horizon))]) }
            return hours.timetable(on: clock, from: from, until: min(until, horizon))
        }
        let baseOpen = base.map { openHours(calendarNode.map(NodeReader.scalarText), $0, clock: clock, until: horizon) }
        var shifts = [Shift(name: nil, staff: staff, open: baseOpen ?? always, from: 0, until: horizon)]
        if let s = shiftsNode {
            guard case .sequence(let list) = s else {
                reader.error(s, "\(path).shifts", "expected a list of shifts such as '- {staff: 2, calendar: evening, from: 30d}', found \(NodeReader.describe(s))")
                return nil
            }
            if staff == nil {
                reader.error(s, "\(path).shifts", "an area with unlimited staff has no shifts; give 'staff' a number")
                return nil
            }
            var names: [String: Int] = [:]
            for (i, item) in list.enumerated() {
                let p = "\(path).shifts[\(i)]"
                guard let f = reader.mapping(item, p, allowed: Format.shiftKeys, required: ["staff"], what: "a shift such as '{staff: 2, calendar: evening, from: 30d}'") else { continue }
                var shiftName: String?
                if let n = f["name"], let name = reader.string(n, "\(p).name") {
                    shiftName = name
                    // Variants and --set address a shift by its name: two of one name are ambiguous.
                    if let first = names[name] {
                        reader.error(n, "\(p).name", "shift '\(name)' is already the name of shifts[\(first)]; give each shift its own name")
                    } else {
                        names[name] = i
                    }
                }
                let count = f["staff"].flatMap { reader.integer($0, "\(p).staff", atLeast: 0, atMost: 1_000_000, what: "a whole number of staff of at least 0") }
                var hours = base
                if let c = f["calendar"] { hours = calendarReference(c, "\(p).calendar", calendars: calendars); if hours == nil { continue } }
                let from = f["from"].flatMap { instant($0, "\(p).from", clock: clock) } ?? 0
                let until = f["until"].flatMap { instant($0, "\(p).until", clock: clock) } ?? .infinity
                if let u = f["until"], until <= from {
                    reader.error(u, "\(p).until", "expected 'until' after 'from'")
                    continue
                }
                if let fromNode = f["from"], from >= horizon {
                    reader.warning(fromNode, "\(p).from", "the shift starts at or after the horizon, so it never works in the simulated period")
                }
                if let count {
                    shifts.append(Shift(name: shiftName, staff: count, open: open(hours, from: from, until: until), from: from, until: min(until, horizon)))
                }
            }
        }
        shiftList = shifts
        return StaffSchedule(shifts: shifts.map { ($0.staff, $0.open) })
    }

    /// The `campaigns:` section: windows in which demand is multiplied.
    mutating func readCampaigns(_ node: Node?, clock: LocalClock, demandNames: NameTable, horizon: Double?) -> [Campaign] {
        guard let node else { return [] }
        var out: [Campaign] = []
        for (name, keyNode, value) in reader.namedMapping(node, "campaigns", what: "campaign") {
            let p = "campaigns.\(name)"
            nodes[p] = keyNode
            guard let f = reader.mapping(value, p, allowed: Format.campaignKeys, required: ["start", "multiplier"], what: "campaign '\(name)'") else { continue }
            let start = f["start"].flatMap { instant($0, "\(p).start", clock: clock) }
            var end: Double?
            switch (f["duration"], f["end"]) {
            case (let d?, nil): end = reader.duration(d, "\(p).duration", positive: true).flatMap { d in start.map { $0 + d } }
            case (nil, let e?):
                end = instant(e, "\(p).end", clock: clock)
                if let s = start, let e2 = end, e2 <= s { reader.error(e, "\(p).end", "expected an end after the start"); end = nil }
            case (_?, _?): reader.error(f.keyNode("end"), p, "give either 'duration' or 'end', not both")
            case (nil, nil): reader.error(value, p, "missing key 'duration' (or 'end') in campaign '\(name)'")
            }
            let multiplier = f["multiplier"].flatMap { node -> Double? in
                guard case .scalar(let s) = node, let x = Double(s.string.hasSuffix("x") ? String(s.string.dropLast()) : s.string), x.isFinite, x >= 0, x <= 1e6 else {
                    reader.error(node, "\(p).multiplier", "expected a multiplier of demand such as 3 (three times as many) or 0.5, found \(NodeReader.describe(node))")
                    return nil
                }
                return x
            }
            var targets = Array(demandNames.names.indices)
            if let d = f["demand"] {
                namedDemands.insert(name)
                let items: [Node] = d.sequence.map(Array.init) ?? [d]
                targets = []
                for (i, item) in items.enumerated() {
                    let name = NodeReader.scalarText(item)
                    if let index = demandNames.index(of: name) { targets.append(index) } else {
                        reader.error(item, d.sequence == nil ? "\(p).demand" : "\(p).demand[\(i)]", unknown("demand type", name, demandNames.names))
                    }
                }
            }
            if let d = f["description"] { _ = reader.string(d, "\(p).description") }
            if let start, let horizon, start >= horizon, let s = f["start"] {
                reader.warning(s, "\(p).start", "the campaign starts at or after the horizon, so it has no effect on the simulated period")
            }
            if let start, let end, let multiplier { out.append(Campaign(name: name, start: start, end: end, multiplier: multiplier, demands: targets)) }
        }
        return out
    }

    /// The relative weights of hours of the day and weekdays (`pattern:`), as a weight per
    /// weekday and minute span. `nil` pattern: flat.
    mutating func demandPattern(_ node: Node, _ path: String) -> DemandPattern? {
        guard let f = reader.mapping(node, path, allowed: Format.patternKeys, what: "a pattern with 'hours' and/or 'weekdays'") else { return nil }
        var pattern = DemandPattern()
        var ok = true
        if let h = f["hours"] {
            guard case .mapping(let m) = h else {
                reader.error(h, "\(path).hours", "expected weights by time of day, such as '{09:00-12:00: 3, 12:00-18:00: 1}', found \(NodeReader.describe(h))")
                return nil
            }
            var spans: [(from: Int, to: Int, weight: Double)] = []
            var written: [String] = []
            for (k, v) in NodeReader.mergingKeys(m) {
                let key = NodeReader.scalarText(k)
                guard let span = CalendarNotation.span(key), span.to <= 1440 else {
                    reader.error(k, "\(path).hours.\(key)", "expected a time span within one day such as '09:00-12:00', found '\(key)'")
                    ok = false
                    continue
                }
                guard let w = weight(v, "\(path).hours.\(key)") else { ok = false; continue }
                if let clash = spans.firstIndex(where: { span.from < $0.to && $0.from < span.to }) {
                    reader.error(k, "\(path).hours.\(key)", "'\(key)' overlaps '\(written[clash])'; each time of day may have one weight")
                    ok = false
                }
                spans.append((span.from, span.to, w))
                written.append(key)
            }
            pattern.hours = spans.sorted { $0.from < $1.from }
        }
        if let w = f["weekdays"] {
            guard case .mapping(let m) = w else {
                reader.error(w, "\(path).weekdays", "expected weights by weekday, such as '{mon-fri: 1, sat: 0.5}', found \(NodeReader.describe(w))")
                return nil
            }
            var weights = [Double](repeating: 0, count: 7)
            for (k, v) in NodeReader.mergingKeys(m) {
                let key = NodeReader.scalarText(k)
                guard let days = CalendarNotation.weekdays(key) else {
                    reader.error(k, "\(path).weekdays.\(key)", "expected weekdays such as 'mon-fri', 'sat' or 'weekends', found '\(key)'")
                    ok = false
                    continue
                }
                if let x = weight(v, "\(path).weekdays.\(key)") { for d in days { weights[d] = x } } else { ok = false }
            }
            pattern.weekdays = weights
        }
        if ok && pattern.weeklyMean == 0 {
            reader.error(node, path, "the pattern gives every hour of the week a weight of zero: no demand would ever arrive")
            return nil
        }
        return ok ? pattern : nil
    }

    mutating func weight(_ node: Node, _ path: String) -> Double? {
        guard case .scalar(let s) = node, let x = Quantities.fraction(s.string), x.isFinite, x >= 0, x <= 1e6 else {
            reader.error(node, path, "expected a relative weight of at least 0, such as 1, 0.5 or 150%, found \(NodeReader.describe(node))")
            return nil
        }
        return x
    }
}

/// What reading demand needs to know about time.
struct DemandTime {
    var clock: LocalClock
    var horizon: Double?
    var calendars: [String: WeeklyHours]
    var calendarTime: Bool
}

/// A window of time in which demand is multiplied.

/// Relative weights of the times of day and the weekdays.
struct DemandPattern {
    /// Spans of the day with a weight; the rest of the day has weight 0. Empty: the whole day, 1.
    var hours: [(from: Int, to: Int, weight: Double)] = []
    var weekdays = [Double](repeating: 1, count: 7)

    var daySpans: [(from: Int, to: Int, weight: Double)] { hours.isEmpty ? [(0, 1440, 1)] : hours }

    /// The weight averaged over a week: the rate is divided by it, so that `rate` stays the mean.
    var weeklyMean: Double {
        let day = daySpans.reduce(0.0) { $0 + Double($1.to - $1.from) * $1.weight } / 1440
        return day * weekdays.reduce(0, +) / 7
    }

    /// The rate over `[0, horizon)` on the scenario's clock, with campaigns applied.
    /// `instants` converts local times (shared by every demand type of the scenario).
    /// The rate over time before campaigns (`DemandShape.profile` applies them).
    func shape(rate: Double, instants: inout InstantCache, horizon: Double) -> DemandShape {
        var pieces: [(Double, Double)] = []  // start, rate
        let scale = rate / weeklyMean
        for day in instants.days(until: horizon) {
            var cursor = 0
            for span in daySpans {
                if span.from > cursor { pieces.append((instants.elapsed(day, minute: cursor), 0)) }
                pieces.append((instants.elapsed(day, minute: span.from), scale * span.weight * weekdays[day.weekday]))
                cursor = span.to
            }
            if cursor < 1440 { pieces.append((instants.elapsed(day, minute: cursor), 0)) }
        }
        return DemandShape(starts: pieces.map(\.0), rates: pieces.map(\.1))
    }
}
