import Foundation
import SimExperiment
import SimModel
import SimScenario
import Testing

/// Working hours, business time, demand patterns, campaigns and order books, each against a
/// case worked out by hand or against queueing theory.
@Suite struct CalendarFlowTests {
    /// One order placed at 16:01 on a Friday needs 3 hours of work in an office open Mon–Fri
    /// 09:00–17:00: 59 minutes on Friday, the rest from 09:00 on Monday, done at 11:01.
    static func fridayOrder(start: String, timezone: String) -> String {
        """
        version: 1
        start: \(start)
        timezone: \(timezone)
        horizon: 1w
        calendars:
          office: {hours: {mon-fri: 09:00-17:00}}
        areas:
          clerks: {staff: 1, calendar: office}
        demand:
          orders:
            interarrival: 1m
            max_arrivals: 1
            journey: order
            calendar: office
            promise: {lead_time: 3d}
          rush:
            interarrival: 1m
            max_arrivals: 1
            journey: order
            promise: {lead_time: 2h, clock: business}
        journeys:
          order:
            steps:
              - {name: work, area: clerks, duration: 3h}
        """
    }

    @Test func workPausesOverTheWeekend() throws {
        // 2026-03-06 is a Friday. Both demand types place one order at 16:01; the second waits
        // for the first (one clerk), so it is done at 14:01 on Monday.
        let r = try experiment(Self.fridayOrder(start: "2026-03-06 16:00", timezone: "UTC"), replications: 2)
        let h = 3600.0
        #expect(abs(r.value("lead_time.max", .demand(0), replication: 0)! - 67 * h) < 1e-6)
        #expect(abs(r.value("lead_time.max", .demand(1), replication: 0)! - 70 * h) < 1e-6)
        // Business time counts the office's hours only: 3 h, and 6 h for the order that waited.
        #expect(abs(r.value("business_lead_time.max", .demand(0), replication: 0)! - 3 * h) < 1e-6)
        #expect(abs(r.value("business_lead_time.max", .demand(1), replication: 0)! - 6 * h) < 1e-6)
        // Within 3 elapsed days; not within 2 working hours.
        #expect(r.value("on_time", .demand(0), replication: 0) == 1)
        #expect(r.value("on_time", .demand(1), replication: 0) == 0)
    }

    @Test func daylightSavingShortensTheWeekendByAnHour() throws {
        // Clocks go forward in Berlin on Sunday 29 March 2026: Monday 11:01 local is 66 elapsed
        // hours after Friday 16:01, not 67. Working hours stay on the wall clock.
        let r = try experiment(Self.fridayOrder(start: "2026-03-27 16:00", timezone: "Europe/Berlin"), replications: 2)
        let h = 3600.0
        #expect(abs(r.value("lead_time.max", .demand(0), replication: 0)! - 66 * h) < 1e-6)
        #expect(abs(r.value("business_lead_time.max", .demand(0), replication: 0)! - 3 * h) < 1e-6)
    }

    /// Arrivals only in office hours and work only in office hours: on the working clock, the
    /// closed hours do not exist and the office is an M/M/1 queue. Business lead time is that
    /// clock, so its mean is the M/M/1 sojourn 1/(μ − λ) and utilisation is ρ.
    @Test func officeHoursAreAnMM1QueueOnTheWorkingClock() throws {
        // 32 arrivals a week, all within 40 open hours: λ = 0.8/h while open; μ = 1/h.
        let yaml = """
            version: 1
            start: 2026-01-05
            horizon: 120w
            warmup: 4w
            calendars:
              office: {hours: {mon-fri: 09:00-17:00}}
            areas:
              desk: {staff: 1, calendar: office}
            demand:
              requests:
                rate: 32/week
                pattern: {hours: {"09:00-17:00": 1}, weekdays: {mon-fri: 1}}
                journey: j
                calendar: office
            journeys:
              j:
                steps:
                  - {name: serve, area: desk, duration: {dist: exponential, mean: 1h}}
            """
        let r = try experiment(yaml, replications: 20)
        expectTheory(r, "business_lead_time.mean", equals: 1 / (1 - 0.8) * 3600)
        expectTheory(r, "utilisation", .area(0), equals: 0.8, maxRelativeError: 0.01)
        // The arrival rate over elapsed time stays the weekly mean the file gives.
        expectTheory(r, "arrival_rate", equals: 32 / (7 * 86_400.0), maxRelativeError: 0.01)
    }

    /// A campaign that triples demand for a week adds two weeks' worth of arrivals. Arrivals in
    /// a fixed window are Poisson, so the tolerance comes from the Poisson variance itself.
    @Test func campaignMultipliesArrivalsInItsWindow() throws {
        let yaml = """
            version: 1
            mode: terminating
            horizon: 28d
            areas:
              desk: {staff: unlimited}
            campaigns:
              launch: {start: 7d, duration: 1w, multiplier: 3}
            demand:
              orders: {rate: 100/day, journey: j}
            journeys:
              j:
                steps:
                  - {name: serve, area: desk, duration: 1m}
            """
        let replications = 40
        let r = try experiment(yaml, replications: replications)
        let expected = 100.0 * (21 + 3 * 7)
        let (mean, _) = r.meanAndError("arrivals")
        #expect(abs(mean - expected) <= 4 * (expected / Double(replications)).squareRoot(), "\(mean) vs \(expected)")
    }

    /// An order book replayed from CSV: three orders, one clerk, one hour each.
    @Test func orderBookArrivalsAreReplayedExactly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("procsim-csv-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "time,demand\n2026-03-02 09:00,orders\n2026-03-02 09:30,orders\n2026-03-02 09:45,returns\n5h,orders\n"
            .write(to: folder.appendingPathComponent("book.csv"), atomically: true, encoding: .utf8)
        let yaml = """
            version: 1
            start: 2026-03-02 09:00
            horizon: 1d
            areas:
              clerk: {staff: 1}
            demand:
              orders: {arrivals: book.csv, journey: j}
            journeys:
              j:
                steps:
                  - {name: serve, area: clerk, duration: 1h}
            """
        let file = folder.appendingPathComponent("book.yaml").path
        let scenario = try ScenarioLoader.parse(yaml: yaml, file: file)
        guard case .scheduled(let times) = scenario.model.demands[0].arrivals else {
            Issue.record("expected scheduled arrivals")
            return
        }
        #expect(times == [0, 1800, 5 * 3600])
        // The row of a type the scenario does not model is said, not silently dropped.
        #expect(scenario.warnings.map(\.message) == ["1 row of demand type 'returns', which the scenario does not define, is not simulated"])
        let r = Experiment.run(scenario.model, settings: .init(seed: 1, replications: 1, threads: 1))
        // Lead times 1 h, 1.5 h (waits half an hour), 1 h.
        #expect(r.value("arrivals", replication: 0) == 3)
        #expect(abs(r.value("lead_time.mean", replication: 0)! - 3.5 / 3 * 3600) < 1e-6)
        #expect(r.value("lead_time.max", replication: 0) == 5400)
    }
}
