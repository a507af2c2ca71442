import Foundation
import SimExperiment
import SimModel
import Testing
import _SimTestSupport

/// The simulator against closed-form queueing theory. Time unit: hours (figures are in seconds).
@Suite struct QueueingTheoryTests {
    static let hour = 3600.0

    /// M/M/1 at ρ = 0.8: time in system is exponential with rate μ − λ = 0.2/h, so its mean is
    /// 5 h, its p95 is 5 h · ln 20 and the share within an 8 h promise is 1 − e^{−1.6};
    /// utilisation 0.8; mean queue ρ²/(1 − ρ) = 3.2.
    @Test func mm1() throws {
        let r = try experiment("""
            version: 1
            horizon: 1500d
            warmup: 10d
            areas: {clerk: {staff: 1}}
            demand: {requests: {rate: 0.8/h, journey: service, promise: {lead_time: 8h}}}
            journeys: {service: {steps: [{name: serve, area: clerk, duration: {dist: exponential, mean: 1h}}]}}
            """, replications: 20, seed: 11)
        // Time in system is exponential with rate 0.2/h: P(T ≤ 8 h) = 1 − e^{−1.6}.
        expectTheory(r, "on_time", equals: 1 - exp(-1.6), maxRelativeError: 0.01)
        expectTheory(r, "lead_time.mean", equals: 5 * Self.hour)
        expectTheory(r, "lead_time.p95", equals: 5 * log(20) * Self.hour)
        expectTheory(r, "lead_time.p50", equals: 5 * log(2) * Self.hour)
        expectTheory(r, "utilisation", .area(0), equals: 0.8, maxRelativeError: 0.01)
        expectTheory(r, "queue.mean", .area(0), equals: 3.2)
        expectTheory(r, "throughput", equals: 0.8 / Self.hour, maxRelativeError: 0.01)
        // Work times are exponential with mean 1 h: p95 = ln 20 h (from the histogram, 3 digits).
        expectTheory(r, "service.p95", .step(journey: 0, step: 0), equals: log(20) * Self.hour)
        expectTheory(r, "service.mean", .step(journey: 0, step: 0), equals: Self.hour, maxRelativeError: 0.01)
    }

    /// M/M/4 with offered load 3: Erlang C gives the probability of waiting and the mean wait.
    @Test func mmcErlangC() throws {
        let r = try experiment("""
            version: 1
            horizon: 600d
            warmup: 5d
            areas: {desk: {staff: 4}}
            demand: {calls: {rate: 3/h, journey: call}}
            journeys: {call: {steps: [{name: handle, area: desk, duration: {dist: exponential, mean: 1h}}]}}
            """, replications: 20, seed: 12)
        let step = MetricScope.step(journey: 0, step: 0)
        expectTheory(r, "waited", step, equals: Theory.erlangC(servers: 4, arrivalRate: 3, serviceRate: 1))
        expectTheory(r, "wait.mean", step, equals: Theory.mmcMeanWait(servers: 4, arrivalRate: 3, serviceRate: 1) * Self.hour)
        expectTheory(r, "utilisation", .area(0), equals: 0.75, maxRelativeError: 0.01)
    }

    /// M/G/1 with lognormal service (mean 1 h, cv 0.5, so E[S²] = 1.25 h²) at λ = 0.7/h:
    /// Pollaczek–Khinchine gives a mean wait of λE[S²] / (2(1 − ρ)) = 1.4583 h.
    @Test func mg1PollaczekKhinchine() throws {
        let r = try experiment("""
            version: 1
            horizon: 1500d
            warmup: 10d
            areas: {clerk: {staff: 1}}
            demand: {requests: {rate: 0.7/h, journey: service}}
            journeys: {service: {steps: [{name: serve, area: clerk, duration: {dist: lognormal, mean: 1h, cv: 0.5}}]}}
            """, replications: 20, seed: 13)
        let wq = Theory.pollaczekKhinchineWait(arrivalRate: 0.7, meanService: 1, secondMoment: 1.25)
        expectTheory(r, "wait.mean", .step(journey: 0, step: 0), equals: wq * Self.hour)
        expectTheory(r, "lead_time.mean", equals: (wq + 1) * Self.hour)
    }

    /// A Jackson network: external arrivals 0.8/h to A (1 server, mean 0.5 h), then B (2 servers,
    /// mean 1.2 h); after B, 20% go back to A. Traffic equations: λ_A = λ_B = 0.8 / 0.8 = 1/h, so
    /// each item visits each station 1.25 times; ρ_A = 0.5, ρ_B = 0.6. Each station behaves as an
    /// independent M/M/c, so L = L_A + L_B and the mean lead time is L / 0.8 (Little).
    @Test func jacksonNetworkWithFeedback() throws {
        let r = try experiment("""
            version: 1
            horizon: 1200d
            warmup: 10d
            areas:
              a: {staff: 1}
              b: {staff: 2}
            demand: {jobs: {rate: 0.8/h, journey: flow}}
            journeys:
              flow:
                steps:
                  - {name: first, area: a, duration: {dist: exponential, mean: 30m}}
                  - name: second
                    area: b
                    duration: {dist: exponential, mean: 1.2h}
                    next: [{to: first, p: 20%}, {to: exit, p: 80%}]
            """, replications: 20, seed: 14)
        let lqA = Theory.mmcMeanQueue(servers: 1, arrivalRate: 1, serviceRate: 2)
        let lqB = Theory.mmcMeanQueue(servers: 2, arrivalRate: 1, serviceRate: 1 / 1.2)
        let l = lqA + 0.5 + lqB + 1.2
        expectTheory(r, "utilisation", .area(0), equals: 0.5, maxRelativeError: 0.01)
        expectTheory(r, "utilisation", .area(1), equals: 0.6, maxRelativeError: 0.01)
        expectTheory(r, "queue.mean", .area(0), equals: lqA)
        expectTheory(r, "queue.mean", .area(1), equals: lqB)
        expectTheory(r, "wip.mean", equals: l)
        expectTheory(r, "lead_time.mean", equals: l / 0.8 * Self.hour)
        // Visits per delivered item: 1 / 0.8 at each station.
        let visitsA = r.column("visits", .step(journey: 0, step: 0)), done = r.column("completed")
        let ratio = zip(visitsA, done).map { $0 / $1 }
        let (meanVisits, seVisits) = meanAndError(ratio)
        // Items in progress at the edges of the window visit without being delivered (or the reverse).
        let edge = 2 * r.meanAndError("wip.mean").mean / r.meanAndError("completed").mean
        #expect(abs(meanVisits - 1.25) <= 4 * seVisits + edge, "\(meanVisits) ± \(seVisits), edge \(edge)")
    }

    /// M/M/1/K with K = 5 places (one in service, four waiting) at ρ = 0.8: an arrival is turned
    /// away with probability (1 − ρ)ρ^K / (1 − ρ^{K+1}).
    @Test func finiteQueueTurnsAwayAtTheErlangLossRate() throws {
        let r = try experiment("""
            version: 1
            horizon: 1000d
            areas: {clerk: {staff: 1, queue_limit: 4}}
            demand: {requests: {rate: 0.8/h, journey: service}}
            journeys: {service: {steps: [{name: serve, area: clerk, duration: {dist: exponential, mean: 1h}}]}}
            """, replications: 20, seed: 15)
        let share = zip(r.column("turned_away"), r.column("arrivals")).map { $0 / $1 }
        let (mean, se) = meanAndError(share)
        let theory = Theory.mm1kBlocking(rho: 0.8, capacity: 5)
        #expect(abs(mean - theory) <= 4 * se, "\(mean) ± \(se) vs \(theory)")
        #expect(se <= 0.05 * theory, "standard error \(se) too large to test against \(theory)")
        #expect(r.column("turned_away", .area(0)) == r.column("turned_away"))
    }

    /// Two priority classes on one M/M/1 server without pre-emption (Cobham 1954): with
    /// λ₁ = 0.3, λ₂ = 0.4 and exponential work of mean 1 h, W₀ = Σλᵢ E[Sᵢ²] / 2 = 0.7 h, and the
    /// mean waits are W₀/(1 − σ₁) = 1 h for the high class and W₀/((1 − σ₁)(1 − σ)) = 3.33 h for the low one.
    @Test func nonPreemptivePriorityClasses() throws {
        let r = try experiment("""
            version: 1
            horizon: 1500d
            warmup: 10d
            areas: {clerk: {staff: 1}}
            demand:
              urgent: {rate: 0.3/h, journey: fast, priority: 2}
              routine: {rate: 0.4/h, journey: slow, priority: 1}
            journeys:
              fast: {steps: [{name: serve, area: clerk, duration: {dist: exponential, mean: 1h}}]}
              slow: {steps: [{name: serve, area: clerk, duration: {dist: exponential, mean: 1h}}]}
            """, replications: 20, seed: 16)
        expectTheory(r, "wait.mean", .step(journey: 0, step: 0), equals: 1.0 * Self.hour)
        expectTheory(r, "wait.mean", .step(journey: 1, step: 0), equals: 0.7 / (0.7 * 0.3) * Self.hour)
        expectTheory(r, "lead_time.mean", .demand(0), equals: 2.0 * Self.hour)
    }

    /// Unlimited staff is a pure delay (M/G/∞): nobody waits, and the mean number in progress is
    /// λ·E[S] for any service distribution.
    @Test func unlimitedStaffIsAPureDelay() throws {
        let r = try experiment("""
            version: 1
            horizon: 200d
            warmup: 5d
            areas: {transit: {staff: unlimited}}
            demand: {parcels: {rate: 2/h, journey: ship}}
            journeys: {ship: {steps: [{name: drive, area: transit, duration: {dist: uniform, min: 1d, max: 2d}}]}}
            """, replications: 20, seed: 17)
        #expect(r.column("wait.max", .step(journey: 0, step: 0)).allSatisfy { $0 == 0 })
        expectTheory(r, "wip.mean", equals: 2 * 36, maxRelativeError: 0.01)
        expectTheory(r, "busy.mean", .area(0), equals: 2 * 36, maxRelativeError: 0.01)
        #expect(r.estimate("utilisation", .area(0))?.estimate == nil)
    }
}
