import Foundation
import SimExperiment
import SimModel
import SimScenario
import Testing

/// Handoffs, patience, failures and the contacts they cause, against exact results.
@Suite struct JourneyConstructTests {
    /// Work collected at 10:00 and 15:00 from a Poisson stream waits, on average, the mean
    /// residual of the collection cycle: the gaps are 5 h and 19 h, so E[wait] = (5² + 19²) / (2·24) h.
    @Test func collectionAtSetTimesWaitsTheMeanResidualGap() throws {
        let yaml = """
            version: 1
            horizon: 200d
            warmup: 1d
            areas:
              desk: {staff: unlimited}
            demand:
              orders: {rate: 20/day, journey: j}
            journeys:
              j:
                steps:
                  - name: pick
                    area: desk
                    duration: 1m
                    handoff: {collect: [10:00, 15:00]}
            """
        let r = try experiment(yaml, replications: 20)
        expectTheory(r, "handoff.mean", .step(journey: 0, step: 0), equals: (25.0 + 361) / 48 * 3600, maxRelativeError: 0.01)
        // A delay before the collection: a fixed 2 h shifts the readiness; the cycle stays the same.
        let delayed = try experiment(yaml.replacingOccurrences(of: "{collect: [10:00, 15:00]}", with: "{delay: 24h, collect: [10:00, 15:00]}"), replications: 20)
        expectTheory(delayed, "handoff.mean", .step(journey: 0, step: 0), equals: 24 * 3600 + (25.0 + 361) / 48 * 3600, maxRelativeError: 0.01)
    }

    /// M/M/1+M (Palm): Poisson arrivals λ, exponential work μ, exponential patience θ while
    /// waiting. The number in the system is a birth–death chain with death rate μ + (n − 1)θ;
    /// the share who give up is θ·E[Lq] / λ.
    @Test func patienceOnMM1MatchesThePalmModel() throws {
        let lambda = 1.0, mu = 1.0, theta = 0.5   // per hour
        var p = [1.0]
        for n in 1...400 { p.append(p[n - 1] * lambda / (mu + Double(n - 1) * theta)) }
        let total = p.reduce(0, +)
        let lq = p.enumerated().reduce(0.0) { $0 + Double(max($1.offset - 1, 0)) * $1.element } / total
        let abandonShare = theta * lq / lambda
        let yaml = """
            version: 1
            horizon: 400d
            warmup: 2d
            areas:
              desk: {staff: 1}
            demand:
              calls: {rate: 1/h, journey: j}
            journeys:
              j:
                steps:
                  - name: answer
                    area: desk
                    duration: {dist: exponential, mean: 1h}
                    patience: {dist: exponential, mean: 2h}
            """
        let r = try experiment(yaml, replications: 20)
        let shares = (0..<20).map { r.value("abandoned", replication: $0)! / r.value("arrivals", replication: $0)! }
        let (mean, se) = meanAndError(shares)
        #expect(abs(mean - abandonShare) <= 4 * se, "abandoned share \(mean) ± \(se), theory \(abandonShare)")
        #expect(se < 0.02 * abandonShare)
        expectTheory(r, "queue.mean", .area(0), equals: lq, maxRelativeError: 0.02)
        // Every abandonment is counted at the step where it happened.
        #expect(r.value("abandoned", .step(journey: 0, step: 0), replication: 0) == r.value("abandoned", replication: 0))
    }

    /// Only customers with patience give up: a patience left over from an earlier occupant of an
    /// item's storage never reaches the next one (a regression seen during development).
    @Test func onlyCustomersWithPatienceGiveUp() throws {
        let yaml = """
            version: 1
            horizon: 60d
            areas:
              desk: {staff: 1}
            demand:
              calls: {rate: 0.6/h, journey: call}
              letters: {rate: 0.35/h, journey: letter}
            journeys:
              call:
                steps:
                  - {name: answer, area: desk, duration: {dist: exponential, mean: 1h}, patience: {dist: exponential, mean: 30m}}
              letter:
                steps:
                  - {name: reply, area: desk, duration: {dist: exponential, mean: 1h}}
            """
        let r = try experiment(yaml, replications: 4)
        for rep in 0..<4 {
            #expect(r.value("abandoned", .step(journey: 1, step: 0), replication: rep) == 0)
            #expect(r.value("abandoned", .demand(1), replication: rep) == 0)
            #expect((r.value("abandoned", .demand(0), replication: rep) ?? 0) > 0)
        }
    }

    /// Untold failures create complaints by thinning: rate λ·p·q; a failure sent back to the same
    /// step makes 1/(1 − p) visits per order.
    @Test func untoldFailuresCreateComplaintsAtTheThinnedRate() throws {
        let yaml = """
            version: 1
            horizon: 200d
            warmup: 5d
            areas:
              logistics: {staff: unlimited}
              support: {staff: unlimited}
            demand:
              orders: {rate: 50/day, journey: order}
              complaints: {journey: complaint}
            journeys:
              order:
                steps:
                  - name: deliver
                    area: logistics
                    duration: {dist: exponential, mean: 4h}
                    failure: {p: 20%, then: deliver, customer_told: false, complaint: {demand: complaints, p: 60%, delay: {dist: exponential, mean: 1d}}}
              complaint:
                steps:
                  - {name: answer, area: support, duration: 20m}
            """
        let r = try experiment(yaml, replications: 20)
        // Each delivery attempt fails with 20%; attempts per order 1/(1 − 0.2) = 1.25.
        expectTheory(r, "arrival_rate", .demand(1), equals: 50 / 86_400.0 * 1.25 * 0.2 * 0.6, maxRelativeError: 0.02)
        let attempts = (0..<20).map { r.value("visits", .step(journey: 0, step: 0), replication: $0)! / r.value("completed", .demand(0), replication: $0)! }
        let (mean, se) = meanAndError(attempts)
        #expect(abs(mean - 1.25) <= 4 * se + 0.005, "attempts per order \(mean) ± \(se)")
    }

    /// M/M/1 lead times are exponential with rate μ − λ, so a promise t is broken with
    /// probability e^{−(μ−λ)t}; late customers who call at rate q make complaints at λ·q·e^{−(μ−λ)t}.
    @Test func lateDeliveriesMakeCustomersCall() throws {
        let yaml = """
            version: 1
            horizon: 300d
            warmup: 5d
            areas:
              desk: {staff: 1}
              support: {staff: unlimited}
            demand:
              orders:
                rate: 0.8/h
                journey: j
                promise: {lead_time: 8h}
                late_contact: {demand: calls, p: 50%, delay: 1h}
              calls: {journey: c}
            journeys:
              j:
                steps:
                  - {name: serve, area: desk, duration: {dist: exponential, mean: 1h}}
              c:
                steps:
                  - {name: answer, area: support, duration: 10m}
            """
        let r = try experiment(yaml, replications: 20)
        let late = exp(-(1 - 0.8) * 8)
        expectTheory(r, "on_time", .demand(0), equals: 1 - late, maxRelativeError: 0.02)
        expectTheory(r, "arrival_rate", .demand(1), equals: 0.8 / 3600 * 0.5 * late, maxRelativeError: 0.05)
    }
}
