import Foundation
import SimExperiment
import SimModel
import Testing

/// Item attributes, conditions on them, and priorities by attribute.
@Suite struct AttributeTests {
    /// Orders worth more than 5,000 go to the director. Values are exponential with mean 2,000,
    /// so the share is e^{−2.5}; each order's route is a Bernoulli draw, so the tolerance is the
    /// binomial standard error of the pooled share.
    @Test func conditionsRouteByAttribute() throws {
        let yaml = """
            version: 1
            horizon: 200d
            areas:
              sales: {staff: unlimited}
              director: {staff: unlimited}
            demand:
              orders:
                rate: 50/day
                journey: order
                attributes:
                  value: {dist: exponential, mean: 2000}
            journeys:
              order:
                steps:
                  - name: quote
                    area: sales
                    duration: 1m
                    next:
                      - {to: director-approval, when: value > 5000}
                      - {to: exit}
                  - {name: director-approval, area: director, duration: 1m}
            """
        let r = try experiment(yaml, replications: 10)
        let arrivals = (0..<10).reduce(0.0) { $0 + r.value("visits", .step(journey: 0, step: 0), replication: $1)! }
        let director = (0..<10).reduce(0.0) { $0 + r.value("visits", .step(journey: 0, step: 1), replication: $1)! }
        let p = exp(-2.5)
        #expect(abs(director / arrivals - p) <= 4 * (p * (1 - p) / arrivals).squareRoot(), "share \(director / arrivals), theory \(p)")
    }

    /// Key accounts first (Cobham's non-preemptive priority M/M/1): with λ = 0.8/h (25% key
    /// accounts) and μ = 1/h, the mean residual work is W₀ = λ/μ² = 0.8 h, so key accounts wait
    /// W₀/(1 − ρ₁) = 1 h and the others W₀/((1 − ρ₁)(1 − ρ)) = 5 h.
    @Test func priorityByAttributeMatchesCobham() throws {
        let yaml = """
            version: 1
            horizon: 500d
            warmup: 5d
            areas:
              front: {staff: unlimited}
              desk: {staff: 1}
            demand:
              requests:
                rate: 0.8/h
                journey: j
                attributes:
                  segment: {shares: {key: 25%, regular: 75%}}
                priority:
                  - {when: segment == key, priority: 1}
                  - {priority: 0}
            journeys:
              j:
                steps:
                  - name: triage
                    area: front
                    duration: 0s
                    next:
                      - {to: serve-key, when: segment == key}
                      - {to: serve-regular}
                  - {name: serve-key, area: desk, duration: {dist: exponential, mean: 1h}, next: exit}
                  - {name: serve-regular, area: desk, duration: {dist: exponential, mean: 1h}}
            """
        let r = try experiment(yaml, replications: 20)
        expectTheory(r, "wait.mean", .step(journey: 0, step: 1), equals: 3600, maxRelativeError: 0.03)
        expectTheory(r, "wait.mean", .step(journey: 0, step: 2), equals: 5 * 3600, maxRelativeError: 0.05)
    }
}
