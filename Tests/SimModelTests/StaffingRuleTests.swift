import Foundation
import SimExperiment
import SimModel
import SimStatistics
import Testing

/// Breakdowns, a call-in rule and set-up times, against continuous-time Markov chains solved with
/// LAPACK and against a case worked by hand.
@Suite struct StaffingRuleTests {
    /// The stationary distribution of a finite generator Q (rows sum to zero): πQ = 0, Σπ = 1,
    /// solved as Qᵀπ = 0 with one equation replaced by the normalisation.
    static func stationary(_ q: [[Double]]) -> [Double] {
        let n = q.count
        var a = [Double](repeating: 0, count: n * n)   // row-major Qᵀ
        for i in 0..<n { for j in 0..<n { a[j * n + i] = q[i][j] } }
        for j in 0..<n { a[(n - 1) * n + j] = 1 }
        var b = [Double](repeating: 0, count: n)
        b[n - 1] = 1
        return LinearAlgebra.solve(a, b, n: n)!
    }

    /// M/M/1 whose server breaks down at random whether busy or not (exponential up times) and
    /// is repaired after an exponential time; work resumes where it stopped. State: (items, up?).
    @Test func breakdownsOnMM1MatchTheMarkovChain() throws {
        let lambda = 0.5, mu = 1.0, alpha = 0.1, beta = 0.5, cap = 250   // per hour
        func index(_ n: Int, _ up: Bool) -> Int { 2 * n + (up ? 0 : 1) }
        var q = [[Double]](repeating: [Double](repeating: 0, count: 2 * (cap + 1)), count: 2 * (cap + 1))
        for n in 0...cap {
            for up in [true, false] {
                let i = index(n, up)
                func add(_ j: Int, _ rate: Double) { q[i][j] += rate; q[i][i] -= rate }
                if n < cap { add(index(n + 1, up), lambda) }
                if up && n > 0 { add(index(n - 1, up), mu) }
                add(index(n, !up), up ? alpha : beta)
            }
        }
        let pi = Self.stationary(q)
        let meanItems = (0...cap).reduce(0.0) { $0 + Double($1) * (pi[index($1, true)] + pi[index($1, false)]) }
        let yaml = """
            version: 1
            horizon: 400d
            warmup: 5d
            systems:
              erp: {up: {dist: exponential, mean: 10h}, down: {dist: exponential, mean: 2h}}
            areas:
              desk: {staff: 1, needs: erp}
            demand:
              requests: {rate: 0.5/h, journey: j}
            journeys:
              j:
                steps:
                  - {name: serve, area: desk, duration: {dist: exponential, mean: 1h}}
            """
        let r = try experiment(yaml, replications: 20)
        expectTheory(r, "wip.mean", equals: meanItems)
        // Staff at work on average is the availability β / (α + β).
        expectTheory(r, "on_duty.mean", .area(0), equals: beta / (alpha + beta), maxRelativeError: 0.01)
    }

    /// M/M/1 with a call-in rule: one more person when more than 3 wait (up to 2 extra), an idle
    /// extra goes back when fewer than 1 waits. State: (items, extra staff), rules applied at once.
    @Test func callInRuleMatchesTheMarkovChain() throws {
        let lambda = 1.6, mu = 1.0, above = 3, below = 1, upTo = 2, cap = 200
        func index(_ n: Int, _ e: Int) -> Int { n * (upTo + 1) + e }
        func queue(_ n: Int, _ e: Int) -> Int { max(n - (1 + e), 0) }
        let size = (cap + 1) * (upTo + 1)
        var q = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
        for n in 0...cap {
            for e in 0...upTo {
                let i = index(n, e)
                if n < cap {
                    // An arrival that has to wait may call someone in.
                    var e2 = e
                    while queue(n + 1, e2) > above && e2 < upTo { e2 += 1 }
                    q[i][index(n + 1, e2)] += lambda; q[i][i] -= lambda
                }
                if n > 0 {
                    // A departure; then idle extras go back while the queue is short.
                    let rate = mu * Double(min(n, 1 + e))
                    var e2 = e
                    while queue(n - 1, e2) < below && e2 > 0 && min(n - 1, 1 + e2) < 1 + e2 { e2 -= 1 }
                    q[i][index(n - 1, e2)] += rate; q[i][i] -= rate
                }
            }
        }
        let pi = Self.stationary(q)
        var items = 0.0, extra = 0.0
        for n in 0...cap { for e in 0...upTo { items += Double(n) * pi[index(n, e)]; extra += Double(e) * pi[index(n, e)] } }
        let yaml = """
            version: 1
            horizon: 300d
            warmup: 5d
            areas:
              desk: {staff: 1, call_in: {above: 3, below: 1, up_to: 2}}
            demand:
              requests: {rate: 1.6/h, journey: j}
            journeys:
              j:
                steps:
                  - {name: serve, area: desk, duration: {dist: exponential, mean: 1h}}
            """
        let r = try experiment(yaml, replications: 20)
        expectTheory(r, "wip.mean", equals: items)
        expectTheory(r, "on_duty.mean", .area(0), equals: 1 + extra, maxRelativeError: 0.01)
    }

    /// Two demand types arrive together every 2 hours at one clerk: 20 minutes of work each, and
    /// 10 minutes of set-up whenever the clerk switches type, which is every time. The first order
    /// of each pair takes 30 minutes; the second waits for it and takes 30 more.
    @Test func setupsWhenSwitchingDemandTypes() throws {
        let yaml = """
            version: 1
            horizon: 20d
            warmup: 1d
            areas:
              clerk: {staff: 1, setup: 10m}
            demand:
              a: {interarrival: 2h, journey: j}
              b: {interarrival: 2h, journey: j}
            journeys:
              j:
                steps:
                  - {name: work, area: clerk, duration: 20m}
            """
        let r = try experiment(yaml, replications: 2)
        #expect(abs(r.value("lead_time.mean", .demand(0), replication: 0)! - 1800) < 1e-6)
        #expect(abs(r.value("lead_time.mean", .demand(1), replication: 0)! - 3600) < 1e-6)
        #expect(r.value("setups", .area(0), replication: 0) == r.value("visits", .step(journey: 0, step: 0), replication: 0))
        // Without the set-up, the pair takes 20 and 40 minutes.
        let plain = try experiment(yaml.replacingOccurrences(of: ", setup: 10m", with: ""), replications: 2)
        #expect(abs(plain.value("lead_time.mean", replication: 0)! - 1800) < 1e-6)
    }
}

/// Steps that need a person from several areas at once.
@Suite struct SeveralAreasTests {
    /// Every 4 hours a meeting needs the salesperson and the warehouse hand together for an hour,
    /// and a call needs the salesperson alone for two. When the meeting is first, it takes both
    /// at once (1 h) and the call waits for it (3 h); the other way round, the meeting waits for
    /// the salesperson (3 h) and the call takes 2 h.
    static func scenario(meetingFirst: Bool) -> String {
        let meeting = "meetings: {interarrival: 4h, journey: meet}"
        let call = "calls: {interarrival: 4h, journey: call}"
        return """
            version: 1
            horizon: 40d
            warmup: 1d
            areas:
              sales: {staff: 1}
              warehouse: {staff: 1}
            demand:
              \(meetingFirst ? meeting : call)
              \(meetingFirst ? call : meeting)
            journeys:
              meet:
                steps:
                  - {name: meeting, area: [sales, warehouse], duration: 1h}
              call:
                steps:
                  - {name: call, area: sales, duration: 2h}
            """
    }

    @Test func seizedTogetherAndReleasedTogether() throws {
        let first = try experiment(Self.scenario(meetingFirst: true), replications: 1)
        #expect(first.value("lead_time.mean", .demand(0), replication: 0) == 3600)
        #expect(first.value("lead_time.mean", .demand(1), replication: 0) == 10_800.0)
        #expect(abs(first.value("utilisation", .area(0), replication: 0)! - 0.75) < 1e-9)
        #expect(abs(first.value("utilisation", .area(1), replication: 0)! - 0.25) < 1e-9)
        let second = try experiment(Self.scenario(meetingFirst: false), replications: 1)
        #expect(second.value("lead_time.mean", .demand(0), replication: 0) == 7200.0)
        #expect(second.value("lead_time.mean", .demand(1), replication: 0) == 10_800.0)
    }

    /// The work of a joint step pauses whenever any of its areas stops: here area b's system
    /// is up one hour and down the next, so 5 hours of work starting at an up-hour takes 9 hours,
    /// whichever order the areas are listed in.
    @Test func jointWorkPausesWhenAnyAreaStops() throws {
        for order in ["[a, b]", "[b, a]"] {
            let yaml = """
                version: 1
                horizon: 10d
                systems:
                  erp: {up: 1h, down: 1h}
                areas:
                  a: {staff: 1}
                  b: {staff: 1, needs: erp}
                demand:
                  jobs: {interarrival: 20h, journey: j}
                journeys:
                  j:
                    steps:
                      - {name: both, area: \(order), duration: 5h}
                """
            let r = try experiment(yaml, replications: 1)
            #expect(r.value("lead_time.max", replication: 0) == 9 * 3600.0, "\(order)")
            #expect(r.value("lead_time.mean", replication: 0) == 9 * 3600.0, "\(order)")
        }
    }

    /// Two steps that need the same two areas in opposite orders, under heavy load, never
    /// deadlock: nothing is held while waiting, so every order still gets through.
    @Test func oppositeOrdersDoNotDeadlock() throws {
        let yaml = """
            version: 1
            horizon: 100d
            warmup: 5d
            areas:
              a: {staff: 2}
              b: {staff: 2}
            demand:
              x: {rate: 0.8/h, journey: jx}
              y: {rate: 0.8/h, journey: jy}
            journeys:
              jx:
                steps:
                  - {name: both, area: [a, b], duration: {dist: exponential, mean: 1h}}
              jy:
                steps:
                  - {name: both, area: [b, a], duration: {dist: exponential, mean: 1h}}
            """
        let r = try experiment(yaml, replications: 4)
        for rep in 0..<4 {
            let arrivals = r.value("arrivals", replication: rep)!, done = r.value("completed", replication: rep)!
            // A stable two-server system: what is still in progress at the end is a few items.
            #expect(arrivals - done < 50, "arrivals \(arrivals), completed \(done)")
        }
        // Both areas are busy exactly when a joint item is in service: equal utilisation.
        #expect(abs(r.value("utilisation", .area(0), replication: 0)! - r.value("utilisation", .area(1), replication: 0)!) < 1e-9)
    }
}
