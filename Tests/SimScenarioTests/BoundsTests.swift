import Foundation
import SimModel
import SimScenario
import Testing

/// Large files load in time and memory linear in their size. Each case here once took minutes,
/// gigabytes or the whole stack (a quadratic lookup, a dense n × n system, a day-by-day
/// expansion, a recursion per `not`); the tests check the answer, never the time: before the
/// fixes they did not finish.
@Suite struct BoundsTests {
    static let head = "version: 1\nhorizon: 30d\n"

    static func journey(_ steps: Int, area: (Int) -> String = { _ in "a" }) -> String {
        "journeys:\n  j:\n    steps:\n" + (0..<steps).map { "      - {name: s\($0), area: \(area($0)), duration: 1m}\n" }.joined()
    }

    @Test func aJourneyOfTwentyThousandStepsLoads() throws {
        let yaml = Self.head + "areas:\n  a: {staff: 1}\ndemand:\n  d: {rate: 1/day, journey: j}\n" + Self.journey(20_000)
        let s = try ScenarioLoader.parse(yaml: yaml, file: "steps.yaml")
        #expect(s.model.journeys[0].steps.count == 20_000)
        #expect(s.analysis.expectedVisits[0].allSatisfy { $0 == 1 })
    }

    @Test func tenThousandAreasLoad() throws {
        let n = 10_000
        let yaml = Self.head + "areas:\n" + (0..<n).map { "  a\($0): {staff: 1}\n" }.joined()
            + "demand:\n  d: {rate: 1/day, journey: j}\n" + Self.journey(n) { "a\($0)" }
        let s = try ScenarioLoader.parse(yaml: yaml, file: "areas.yaml")
        #expect(s.model.areas.count == n)
        #expect(s.model.journeys[0].steps.last?.area == n - 1)
        #expect(s.warnings.isEmpty)
    }

    /// An edit distance costs the product of the two names' lengths, and each of a thousand
    /// misspellings of a 1,000-character name (YAML's longest plain key) once cost a million steps
    /// (a fuzzer's finding).
    @Test func aMisspeltLongNameGetsNoSuggestion() throws {
        let name = String(repeating: "a", count: 1_000)
        let yaml = Self.head + "areas:\n  \(name): {staff: 1}\ndemand:\n  d: {rate: 1/day, journey: j}\n"
            + Self.journey(1_000) { _ in name.dropLast() + "b" }
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(yaml: yaml, file: "long.yaml") }
        #expect(error.diagnostics.count == 1_000)
        #expect(error.diagnostics.allSatisfy { !$0.message.contains("did you mean") })
    }

    @Test func fourThousandDemandTypesLoad() throws {
        let n = 4_000
        let yaml = Self.head + "areas:\n  a: {staff: unlimited}\n" + Self.journey(1)
            + "demand:\n" + (0..<n).map { "  d\($0): {rate: 1/day, journey: j}\n" }.joined()
        let s = try ScenarioLoader.parse(yaml: yaml, file: "demand.yaml")
        #expect(s.model.demands.count == n)
        #expect(s.model.demands.allSatisfy { $0.journey == 0 })
    }

    @Test func fiveThousandVariantsAreCheckedFromOneTree() throws {
        let n = 4_999  // with "broken", the 5,000 a file may define
        let yaml = Self.head + "areas:\n  a: {staff: 1}\ndemand:\n  d: {rate: 1/day, journey: j}\n" + Self.journey(1)
            + "variants:\n" + (0..<n).map { "  v\($0): {set: {areas.a.staff: \($0 % 9 + 1)}}\n" }.joined()
            + "  broken: {set: {areas.b.staff: 2}}\n"
        let file = try Self.temporary("variants.yaml", yaml)
        var valid = 0
        var failed: [String] = []
        ScenarioLoader.forEachVariant(path: file) { name, outcome in
            if case .success = outcome { valid += 1 } else { failed.append(name) }
        }
        #expect(valid == n)
        #expect(failed == ["broken"])
    }

    /// The whole calendar era closed is one range, never ten thousand years of days.
    @Test func aHolidayRangeOverTheWholeEraCostsOneRange() throws {
        let yaml = Self.head + """
            start: 2026-01-05
            calendars:
              office:
                hours: {mon-fri: 09:00-17:00}
                holidays: [0001-01-01..9999-12-31]
              open:
                hours: {mon-fri: 09:00-17:00}
                holidays: [2026-01-07, 2026-01-06..2026-01-06, 2025-12-31..2026-01-05]
            areas:
              a: {staff: 1, calendar: office}
              b: {staff: 1, calendar: open}
            demand:
              d: {rate: 1/day, journey: j}
            journeys:
              j:
                steps:
                  - {name: t, area: b, duration: 1m}
            """
        let s = try ScenarioLoader.parse(yaml: yaml, file: "holidays.yaml")
        #expect(s.model.areas[0].meanStaff(until: 30 * 86_400) == 0)
        // Work in the area closed for ever could never be done: an error, not an unstable queue.
        let used = yaml.replacingOccurrences(of: "      - {name: t, area: b", with: "      - {name: s, area: a, duration: 1m}\n      - {name: t, area: b")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(yaml: used, file: "holidays.yaml") }
        do { _ = try ScenarioLoader.parse(yaml: used, file: "holidays.yaml") } catch let error as ScenarioError {
            #expect(error.diagnostics.map(\.message) == ["nobody in area 'a' is ever at work within the horizon (its calendar's hours and holidays close it every day): no item that needs it can ever leave; check the holidays and the hours"])
        }
        // The 30 days from Monday 5 January hold 22 weekdays; Monday 5 to Wednesday 7 are
        // closed, so 19 working days of 8 hours remain.
        let open = try #require(s.model.areas[1].meanStaff(until: 30 * 86_400))
        #expect(abs(open - 19 * 8 / (30 * 24.0)) < 1e-9)
    }

    /// Prefix chains are bounded like parentheses: a located error, not ten seconds of
    /// recursion or a stack overflow.
    @Test func aChainOfAHundredThousandNotsIsALocatedError() throws {
        let chain = String(repeating: "not ", count: 100_000)
        let line = "          - {to: exit, when: \"\(chain)value > 5\"}"
        let yaml = Self.head + """
            areas:
              a: {staff: 1}
            demand:
              d:
                rate: 1/day
                journey: j
                attributes: {value: {dist: exponential, mean: 10}}
            journeys:
              j:
                steps:
                  - name: s
                    area: a
                    duration: 1m
                    next:

            """ + line + "\n          - {to: exit}\n"
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(yaml: yaml, file: "not.yaml") }
        let d = try #require(error.diagnostics.first)
        #expect(error.diagnostics.count == 1)
        #expect(d.line == 17)
        // Column of the opening quote, plus one, plus the 100 'not ' accepted.
        let quote = line.distance(from: line.startIndex, to: line.firstIndex(of: "\"")!) + 1
        #expect(d.column == quote + 1 + 4 * 100)
        #expect(d.message == "the condition is nested too deeply; expected at most 100 levels of 'not' and parentheses")
        // A hundred are still fine, in parentheses too.
        let fine = yaml.replacingOccurrences(of: chain, with: String(repeating: "not ", count: 50) + String(repeating: "(", count: 50))
            .replacingOccurrences(of: "value > 5\"", with: "value > 5" + String(repeating: ")", count: 50) + "\"")
        #expect(throws: Never.self) { try ScenarioLoader.parse(yaml: fine, file: "not.yaml") }
    }

    @Test func aChainOfAHundredThousandMinusSignsInAnExpectationIsALocatedError() throws {
        let yaml = Self.head + "areas:\n  a: {staff: 1}\ndemand:\n  d: {rate: 1/day, journey: j}\n" + Self.journey(1)
            + "expect:\n  - \"" + String(repeating: "- ", count: 100_000) + "mean(lead_time) <= 5d\"\n"
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(yaml: yaml, file: "minus.yaml") }
        let d = try #require(error.diagnostics.first)
        #expect(error.diagnostics.count == 1)
        #expect(d.line == 12)
        // "  - \"" is five characters; the 101st '-' is at offset 200.
        #expect(d.column == 6 + 200)
        #expect(d.message.hasPrefix("the expression is nested too deeply"))
    }

    /// Loops are solved one at a time: a small one exactly, a large one by iteration, with the
    /// visits the traffic equations give (a loop left with probability ½ is run twice).
    @Test func loopsGetTheirVisitsFromTheTrafficEquations() throws {
        for length in [3, 1_000] {
            var steps = (0..<length).map { "      - {name: s\($0), area: a, duration: 1m}\n" }
            steps[length - 1] = "      - {name: s\(length - 1), area: a, duration: 1m, approval: {reject: 50%, on_reject: s0}}\n"
            // A step after the loop, reached once.
            steps.append("      - {name: after, area: a, duration: 1m}\n")
            let yaml = Self.head + "areas:\n  a: {staff: unlimited}\ndemand:\n  d: {rate: 1/day, journey: j}\njourneys:\n  j:\n    steps:\n" + steps.joined()
            let s = try ScenarioLoader.parse(yaml: yaml, file: "loop.yaml")
            let visits = s.analysis.expectedVisits[0]
            #expect(visits.count == length + 1)
            #expect(visits.dropLast().allSatisfy { abs($0 - 2) < 1e-9 }, "loop of \(length)")
            #expect(abs(visits.last! - 1) < 1e-9)
        }
    }

    /// An order book of many rows, with local date-times across a daylight-saving change: each
    /// distinct minute is converted once, the seconds added.
    @Test func anOrderBookKeepsItsInstantsAcrossTheClockChange() throws {
        let rows = 20_000
        var csv = "time\n"
        // Berlin moves from 02:00 CET to 03:00 CEST on 29 March 2026: 01:59:30 and 03:00:30
        // local are a minute apart.
        csv += "2026-03-29 01:59:30\n2026-03-29 03:00:30\n"
        for i in 0..<rows { csv += "\(172_800 + 2 * i)s\n" }
        let folder = try Self.folder()
        try csv.write(toFile: folder + "/book.csv", atomically: true, encoding: .utf8)
        let times = try Self.orderBookTimes(in: folder, start: "2026-03-28", zone: "Europe/Berlin", horizon: "5d")
        #expect(times.count == rows + 2)
        // From midnight on the 28th (CET, UTC+1) to 01:59:30 on the 29th: 25 h 59.5 min.
        let first: Double = 86_400 + 3600 + 59 * 60 + 30
        let gap: Double = 60
        let later: [Double] = (0..<rows).map { Double(172_800 + 2 * $0) }
        #expect(times[0] == first)
        #expect(times[1] - times[0] == gap)
        #expect(Array(times[2...]) == later)
    }

    /// Local date-times written from real instants a little over 16 minutes apart through a year,
    /// in a zone that moves its clocks by an hour and in one that moves them by half an hour:
    /// each row's elapsed time is the instant's, whatever hour of the year it falls in, the
    /// half hour after Lord Howe's change among them. Rows whose wall-clock time comes twice
    /// (when clocks go back) are left out: they have two instants.
    @Test(arguments: ["Europe/Berlin", "Australia/Lord_Howe"])
    func anOrderBookOfLocalTimesGivesTheirInstantsAllYear(zone: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = try #require(calendar.date(from: DateComponents(year: 2026, month: 1, day: 1)))
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = timeZone
        format.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let step = 1_013.0
        var csv = "time\n", expected: [Double] = []
        for k in 0..<31_000 {
            let instant = start.addingTimeInterval(Double(k) * step)
            let local = format.string(from: instant)
            // Ambiguous: the same wall-clock time half an hour or an hour before or after.
            guard ![-3600.0, -1800, 1800, 3600].contains(where: { format.string(from: instant.addingTimeInterval($0)) == local })
            else { continue }
            csv += local + "\n"
            expected.append(Double(k) * step)
        }
        let folder = try Self.folder()
        try csv.write(toFile: folder + "/book.csv", atomically: true, encoding: .utf8)
        let times = try Self.orderBookTimes(in: folder, start: "2026-01-01", zone: zone, horizon: "365d")
        #expect(expected.count > 30_000)
        #expect(times == expected)
    }

    /// A thousand demand types on one order book of 100,000 rows: each type gets exactly its own
    /// rows. Read once per type, this was 10^8 rows parsed.
    @Test func aThousandTypesOnOneOrderBookEachGetTheirRows() throws {
        let types = 1_000, rows = 100_000
        var csv = "time,demand\n"
        for i in 0..<rows { csv += "\(3 * i)s,t\(i % types)\n" }
        let folder = try Self.folder()
        try csv.write(toFile: folder + "/book.csv", atomically: true, encoding: .utf8)
        let yaml = Self.head + "areas:\n  a: {staff: unlimited}\ndemand:\n"
            + (0..<types).map { "  t\($0): {arrivals: book.csv, journey: j}\n" }.joined() + Self.journey(1)
        let s = try ScenarioLoader.parse(yaml: yaml, file: folder + "/book.yaml")
        #expect(s.model.demands.count == types)
        for (k, demand) in s.model.demands.enumerated() {
            guard case .scheduled(let times) = demand.arrivals else {
                Issue.record("expected scheduled arrivals for t\(k)")
                return
            }
            let own = stride(from: k, to: rows, by: types).map { Double(3 * $0) }
            if times != own { Issue.record("t\(k): \(times.count) arrivals, expected \(own.count)"); return }
        }
    }

    /// An order book as a spreadsheet exports it ("CSV UTF-8": a byte-order mark, every field
    /// in quotes, a quote inside written twice) reads as the plain one does; a quoted field
    /// with a comma in it is a located error, not a silently shifted row.
    @Test func aSpreadsheetsOrderBookReads() throws {
        let folder = try Self.folder()
        try "\u{FEFF}\"time\",\"demand\"\r\n\"1h\",\"d\"\r\n2h,d\r\n\"3h\",\"e\"\r\n".write(toFile: folder + "/book.csv", atomically: true, encoding: .utf8)
        let yaml = Self.head + "areas:\n  a: {staff: unlimited}\ndemand:\n  d: {arrivals: book.csv, journey: j}\n  e: {arrivals: book.csv, journey: j}\n" + Self.journey(1)
        let s = try ScenarioLoader.parse(yaml: yaml, file: folder + "/book.yaml")
        guard case .scheduled(let d) = s.model.demands[0].arrivals, case .scheduled(let e) = s.model.demands[1].arrivals else {
            Issue.record("expected scheduled arrivals")
            return
        }
        #expect(d == [3600, 7200] && e == [10_800])
        try "time,demand\n\"1h\",\"d,e\"\n".write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = Self.head + "areas:\n  a: {staff: unlimited}\ndemand:\n  d: {arrivals: bad.csv, journey: j}\n" + Self.journey(1)
        #expect {
            try ScenarioLoader.parse(yaml: bad, file: folder + "/bad.yaml")
        } throws: { error in
            "\(error)".contains("bad.csv:2:1: error: a quoted field is not closed on its line, or holds a comma")
        }
    }

    /// The arrival times a one-step scenario on dates reads from `book.csv` in `folder`.
    static func orderBookTimes(in folder: String, start: String, zone: String, horizon: String) throws -> [Double] {
        let yaml = head.replacingOccurrences(of: "horizon: 30d", with: "horizon: \(horizon)")
            + "start: \(start)\ntimezone: \(zone)\nareas:\n  a: {staff: unlimited}\ndemand:\n  d: {arrivals: book.csv, journey: j}\n" + journey(1)
        let s = try ScenarioLoader.parse(yaml: yaml, file: folder + "/book.yaml")
        guard case .scheduled(let times) = s.model.demands[0].arrivals else { throw ScenarioShape.notScheduled }
        return times
    }
    enum ScenarioShape: Error { case notScheduled }

    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "procsim-bounds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func temporary(_ name: String, _ text: String) throws -> String {
        let path = try folder() + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
