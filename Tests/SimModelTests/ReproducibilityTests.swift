import Foundation
import SimExperiment
import SimModel
import SimScenario
import Testing

@Suite struct ReproducibilityTests {
    static let network = """
        version: 1
        horizon: 60d
        warmup: 2d
        areas:
          sales: {staff: 2}
          credit: {staff: 1}
          warehouse: {staff: 3}
        demand: {orders: {rate: 30/day, journey: order}}
        journeys:
          order:
            steps:
              - {name: quote, area: sales, duration: {dist: exponential, mean: 1h}}
              - {name: credit-check, area: credit, duration: {dist: gamma, mean: 30m, cv: 0.7}, approval: {reject: 20%, on_reject: quote}}
              - {name: pick, area: warehouse, duration: {dist: lognormal, mean: 1.5h, cv: 0.5}}
        """

    @Test func sameSeedGivesIdenticalResultsForAnyThreadCount() throws {
        let one = try experiment(Self.network, replications: 7, seed: 9, threads: 1)
        let two = try experiment(Self.network, replications: 7, seed: 9, threads: 2)
        let five = try experiment(Self.network, replications: 7, seed: 9, threads: 5)
        #expect(one.matrix.map(\.bitPattern) == two.matrix.map(\.bitPattern))
        #expect(one.matrix.map(\.bitPattern) == five.matrix.map(\.bitPattern))
        #expect(one.summary.estimates == five.summary.estimates)
    }

    @Test func replicationsAndSeedsDiffer() throws {
        let a = try experiment(Self.network, replications: 2, seed: 9)
        let b = try experiment(Self.network, replications: 2, seed: 10)
        #expect(a.value("lead_time.mean", replication: 0) != a.value("lead_time.mean", replication: 1))
        #expect(a.value("lead_time.mean", replication: 0) != b.value("lead_time.mean", replication: 0))
        // A replication's figures do not depend on how many replications run beside it.
        let c = try experiment(Self.network, replications: 5, seed: 9)
        #expect(a.value("lead_time.mean", replication: 1) == c.value("lead_time.mean", replication: 1))
    }

    /// Common random numbers: removing the credit check changes queues and lead times, but every
    /// other draw of every item stays the same. All items pass the pick step exactly once, so
    /// the total work sampled there is identical, whatever order the items are served in.
    @Test func removingAStepLeavesEveryOtherDrawUnchanged() throws {
        let drained = Self.network
            .replacingOccurrences(of: "horizon: 60d\n", with: "")
            .replacingOccurrences(of: "warmup: 2d\n", with: "")
            .replacingOccurrences(of: "journey: order}", with: "journey: order, max_arrivals: 3000}")
        let without = drained.replacingOccurrences(
            of: "      - {name: credit-check, area: credit, duration: {dist: gamma, mean: 30m, cv: 0.7}, approval: {reject: 20%, on_reject: quote}}\n",
            with: "")
        #expect(without != drained)
        let before = try experiment(drained, replications: 3, seed: 21)
        let after = try experiment(without, replications: 3, seed: 21)
        let pickBefore = MetricScope.step(journey: 0, step: 2), pickAfter = MetricScope.step(journey: 0, step: 1)
        for rep in 0..<3 {
            let workBefore = before.value("service.mean", pickBefore, replication: rep)! * before.value("visits", pickBefore, replication: rep)!
            let workAfter = after.value("service.mean", pickAfter, replication: rep)! * after.value("visits", pickAfter, replication: rep)!
            #expect(before.value("visits", pickBefore, replication: rep) == 3000)
            #expect(abs(workBefore - workAfter) <= 1e-9 * workBefore, "pick work \(workBefore) vs \(workAfter)")
            #expect(before.value("lead_time.mean", replication: rep) != after.value("lead_time.mean", replication: rep))
        }
        // The first visit to the quote step draws the same durations too; only reworked visits differ.
        #expect(before.value("arrivals", replication: 0) == after.value("arrivals", replication: 0))
    }

    /// Reordering steps moves the queues but not the draws: with no loops, every item visits each
    /// step once, so the total work sampled at each step is the same in either order.
    @Test func reorderingStepsLeavesTheirDrawsUnchanged() throws {
        let template = """
            version: 1
            areas: {a: {staff: 1}, b: {staff: 2}, c: {staff: 1}}
            demand: {orders: {rate: 20/day, journey: j, max_arrivals: 2000}}
            journeys:
              j:
                steps:
            STEPS
            """
        let first = "      - {name: first, area: a, duration: {dist: exponential, mean: 40m}}\n"
        let second = "      - {name: second, area: b, duration: {dist: gamma, mean: 1h, cv: 1.3}}\n"
        let third = "      - {name: third, area: c, duration: {dist: weibull, shape: 2, scale: 45m}}\n"
        let original = try experiment(template.replacingOccurrences(of: "STEPS", with: first + second + third), replications: 2, seed: 8)
        let shuffled = try experiment(template.replacingOccurrences(of: "STEPS", with: third + first + second), replications: 2, seed: 8)
        for (before, after) in [(0, 1), (1, 2), (2, 0)] {
            for rep in 0..<2 {
                let a = original.value("service.mean", .step(journey: 0, step: before), replication: rep)!
                let b = shuffled.value("service.mean", .step(journey: 0, step: after), replication: rep)!
                #expect(abs(a - b) <= 1e-9 * a, "step \(before): \(a) vs \(b)")
            }
        }
        #expect(original.value("lead_time.mean", replication: 0) != shuffled.value("lead_time.mean", replication: 0))
    }

    /// Ties are broken by scheduling order, never by a random number: two demand types arrive
    /// together every hour at one clerk; the first type's arrival was scheduled first each time,
    /// so it is always served first and the other always waits exactly the 20 minutes of work.
    /// The result is the same for every seed.
    @Test func simultaneousArrivalsAreServedInSchedulingOrder() throws {
        let yaml = """
            version: 1
            horizon: 10d
            areas: {clerk: {staff: 1}}
            demand:
              first: {interarrival: 1h, journey: a}
              second: {interarrival: 1h, journey: b}
            journeys:
              a: {steps: [{name: serve, area: clerk, duration: 20m}]}
              b: {steps: [{name: serve, area: clerk, duration: 20m}]}
            """
        for seed: UInt64 in [1, 999] {
            let r = try experiment(yaml, replications: 2, seed: seed)
            #expect(r.value("wait.max", .step(journey: 0, step: 0), replication: 0) == 0)
            #expect(r.value("wait.mean", .step(journey: 1, step: 0), replication: 0) == 1200)
            #expect(r.value("wait.max", .step(journey: 1, step: 0), replication: 1) == 1200)
        }
    }
}
