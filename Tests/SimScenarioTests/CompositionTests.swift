import Foundation
import SimModel
import SimScenario
import Testing

/// Variants, files that build on others, and calendars as the loader resolves them.
@Suite struct CompositionTests {
    static let base = """
        version: 1
        horizon: 30d
        areas:
          sales: {staff: 2}
          credit: {staff: 1}
        demand:
          orders: {rate: 10/day, journey: order}
        journeys:
          order:
            steps:
              - {name: quote, area: sales, duration: 1h}
              - {name: credit-check, area: credit, duration: 20m, approval: {reject: 10%, on_reject: quote}}
              - {name: ship, area: sales, duration: 30m}
        variants:
          no-check:
            remove: [journeys.order.steps.credit-check, areas.credit]
          bigger:
            set: {areas.sales.staff: 5, journeys.order.steps.ship.duration: 45m}
          night-shift:
            add:
              calendars.night: {hours: {daily: 22:00-06:00}}
            set:
              areas.sales.shifts: [{name: night, staff: 1, calendar: night}]
        """

    @Test func removeTakesAStepAndItsAreaOut() throws {
        let s = try ScenarioLoader.parse(yaml: Self.base, file: "b.yaml", variant: "no-check")
        #expect(s.model.journeys[0].steps.map(\.name) == ["quote", "ship"])
        #expect(s.model.areas.map(\.name) == ["sales"])
        #expect(s.variant == "no-check" && s.variantNames == ["no-check", "bigger", "night-shift"])
    }

    @Test func setChangesStaffAndDurations() throws {
        let s = try ScenarioLoader.parse(yaml: Self.base, file: "b.yaml", variant: "bigger")
        #expect(s.model.areas[0].staff == 5)
        #expect(s.model.journeys[0].steps[2].duration == .deterministic(2700))
        // The base is untouched by the existence of variants.
        let b = try ScenarioLoader.parse(yaml: Self.base, file: "b.yaml")
        #expect(b.model.areas[0].staff == 2 && b.model.journeys[0].steps.count == 3)
    }

    @Test func addedShiftRaisesStaffAtNight() throws {
        let s = try ScenarioLoader.parse(yaml: Self.base, file: "b.yaml", variant: "night-shift")
        let schedule = try #require(s.model.areas[0].schedule)
        // Two around the clock, three from 22:00 to 06:00: 2 + 8/24 on average.
        #expect(abs(schedule.meanStaff(until: 30 * 86_400)! - (2 + 8.0 / 24)) < 1e-9)
        #expect(Set(zip(schedule.times, schedule.levels).filter { $0.0 < 30 * 86_400 }.map(\.1)) == [2, 3])
    }

    @Test func overridesApplyAfterTheVariant() throws {
        let s = try ScenarioLoader.parse(yaml: Self.base, file: "b.yaml", variant: "bigger", overrides: [Override(argument: "areas.sales.staff=7")!])
        #expect(s.model.areas[0].staff == 7)
    }

    @Test func listItemsAreAddressedByName() throws {
        let s = try ScenarioLoader.parse(yaml: Self.base, file: "b.yaml", overrides: [Override(argument: "journeys.order.steps.credit-check.approval.reject=30%")!])
        #expect(s.model.journeys[0].steps[1].approval?.rejectProbability == 0.3)
    }

    @Test func extendsMergesMappingsAndReplacesLists() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("procsim-extends-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.base.write(to: folder.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let child = """
            extends: base.yaml
            name: Child
            areas:
              sales: {staff: 4}
            journeys:
              order:
                steps:
                  - {name: only, area: sales, duration: 2h}
            """
        let s = try ScenarioLoader.parse(yaml: child, file: folder.appendingPathComponent("child.yaml").path)
        #expect(s.model.name == "Child")
        #expect(s.model.areas.map(\.name) == ["sales", "credit"] && s.model.areas[0].staff == 4)
        #expect(s.model.journeys[0].steps.map(\.name) == ["only"])
        #expect(s.model.horizon == Double(30 * 86_400))
        // Variants of the base are available to the child.
        #expect(s.variantNames.contains("bigger"))
    }

    @Test func holidaysAndOvernightHoursResolveOnTheLocalClock() throws {
        let yaml = """
            version: 1
            start: 2026-12-21
            timezone: America/New_York
            horizon: 1w
            calendars:
              office: {hours: {mon-fri: 09:00-17:00}, holidays: [2026-12-24..2026-12-25]}
              night: {hours: {mon: 22:00-06:00}}
            areas:
              a: {staff: 1, calendar: office}
              b: {staff: 1, calendar: night}
            demand:
              d: {rate: 1/day, journey: j}
            journeys:
              j:
                steps:
                  - {name: s, area: a, duration: 1h}
                  - {name: t, area: b, duration: 1h}
            """
        let s = try ScenarioLoader.parse(yaml: yaml, file: "c.yaml")
        let office = try #require(s.model.areas[0].schedule).open
        // Monday to Wednesday open; Thursday and Friday are holidays: 3 × 8 h.
        #expect(office.totalOpen == 3 * 8 * 3600)
        #expect(office.starts.first == Double(9 * 3600))
        let night = try #require(s.model.areas[1].schedule).open
        // Monday 22:00 to Tuesday 06:00.
        #expect(night.starts == [Double(22 * 3600)] && night.ends == [Double(30 * 3600)])
    }

    @Test func businessPromiseCountsWorkingDays() throws {
        let yaml = """
            version: 1
            start: 2026-03-02
            horizon: 4w
            calendars:
              shop: {hours: {mon-fri: 09:00-17:00, sat: 10:00-14:00}}
            areas:
              a: {staff: 2}
            demand:
              d: {rate: 10/day, journey: j, calendar: shop, promise: {lead_time: 2d 4h, clock: business}}
            journeys:
              j:
                steps: [{name: s, area: a, duration: 1h}]
            """
        let s = try ScenarioLoader.parse(yaml: yaml, file: "p.yaml")
        // 44 working hours a week over 6 working days: a working day is 44/6 h.
        #expect(abs(s.model.demands[0].promise! - (2 * 44.0 / 6 + 4) * 3600) < 1e-6)
        #expect(s.model.demands[0].promiseClock == .business)
    }
}

/// Calls whose handling fails 5% of the time; an untold customer complains, a demand type
/// of its own made only by those complaints.
let complaintsScenario = """
    version: 1
    horizon: 30d
    areas:
      desk: {staff: 2}
    demand:
      calls: {rate: 20/day, journey: j}
      complaints: {journey: j}
    journeys:
      j:
        steps:
          - name: handle
            area: desk
            duration: {dist: exponential, mean: 1h}
            failure: {p: 5%, complaint: {demand: complaints, p: 50%, delay: 1d}, customer_told: false}

    """

/// A campaign over every demand type multiplies the causes of the types made only by other
/// items (complaints), and so them: no warning; one that names such a type is warned about
/// (the fixture `campaign-names-a-complaint-type`).
@Suite struct CampaignOverComplaintTests {
    @Test func aCampaignOverEveryTypeSaysNothingOfComplaintTypes() throws {
        let yaml = complaintsScenario + "campaigns:\n  sale: {start: 5d, duration: 5d, multiplier: 2}\n"
        let scenario = try ScenarioLoader.parse(yaml: yaml, file: "c.yaml")
        #expect(scenario.warnings.isEmpty, "\(scenario.warnings)")
    }
}

/// A variant that tells the customer of a failure (`customer_told: true`) switches its complaint
/// off: the complaint's demand type then gets no items, with the failure's warning, and the
/// variant is valid without removing that type by hand.
@Suite struct ToldCustomerVariantTests {
    @Test func tellingTheCustomerSwitchesTheComplaintOff() throws {
        let yaml = complaintsScenario + "variants:\n  tell-them:\n    set:\n      journeys.j.steps.handle.failure.customer_told: true\n"
        let told = try ScenarioLoader.parse(yaml: yaml, file: "told.yaml", variant: "tell-them")
        #expect(told.warnings.map(\.message).contains { $0.contains("nobody complains") })
        #expect(told.warnings.allSatisfy { $0.severity == .warning })
        // With nothing making them, a type without arrivals is still an error.
        let orphan = complaintsScenario.replacingOccurrences(of: "failure: {p: 5%, complaint: {demand: complaints, p: 50%, delay: 1d}, customer_told: false}", with: "")
        #expect(throws: ScenarioError.self) { _ = try ScenarioLoader.parse(yaml: orphan, file: "orphan.yaml") }
    }
}
