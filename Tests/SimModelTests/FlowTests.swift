import Foundation
import SimExperiment
import SimModel
import Testing

/// Properties of the order flow that hold exactly or follow from simple probability.
@Suite struct FlowTests {
    static let orderToDelivery = try! String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/SimModelTests/FlowTests.swift", with: "scenarios/order-to-delivery.yaml"), encoding: .utf8)

    /// Little's law, L = λW, on the bundled order-to-delivery network, per replication. The
    /// observation window cuts through items in progress at both ends; the gap this leaves is at
    /// most (items at the start + items at the end) × the longest lead time / window, which is
    /// computed from the run itself and added to four standard errors.
    @Test func littlesLawOnANetwork() throws {
        let r = try experiment(Self.orderToDelivery, replications: 10, seed: 3)
        let l = r.column("wip.mean"), x = r.column("throughput"), w = r.column("lead_time.mean")
        let gaps = (0..<l.count).map { l[$0] - x[$0] * w[$0] }
        let (mean, se) = meanAndError(gaps)
        let window = r.model.horizon! - r.model.warmup
        let edge = 2 * r.meanAndError("wip.mean").mean * r.meanAndError("lead_time.max").mean / window
        #expect(abs(mean) <= 4 * se + edge, "L − λW = \(mean), s.e. \(se), edge allowance \(edge)")
    }

    /// A credit check that rejects with p = 15% back to the quote: the number of rejections before
    /// an order passes is geometric, so reworks per delivered order average p / (1 − p). Orders in
    /// progress at either end of the window carry reworks that are counted without their delivery
    /// (or the reverse); the allowance for that is 2 × (orders in progress / delivered) × p/(1 − p).
    @Test func approvalRejectionsCauseReworkAtTheGeometricRate() throws {
        let r = try experiment(Self.orderToDelivery, replications: 10, seed: 4)
        let ratio = zip(r.column("rework"), r.column("completed")).map { $0 / $1 }
        let (mean, se) = meanAndError(ratio)
        let edge = 2 * r.meanAndError("unfinished").mean / r.meanAndError("completed").mean * 0.15 / 0.85
        #expect(abs(mean - 0.15 / 0.85) <= 4 * se + edge, "\(mean) ± \(se), edge \(edge)")
    }

    /// With `on_reject: cancel`, a share p of orders is cancelled and never delivered; every
    /// arrival is accounted for: delivered + cancelled + still in progress = arrived.
    @Test func cancellationAndConservationOfItems() throws {
        let yaml = Self.orderToDelivery
            .replacingOccurrences(of: "on_reject: quote", with: "on_reject: cancel")
            .replacingOccurrences(of: "warmup: 10d", with: "warmup: 0d")
        let r = try experiment(yaml, replications: 10, seed: 5)
        for rep in 0..<10 {
            let arrived = r.value("arrivals", replication: rep)!
            let accounted = r.value("completed", replication: rep)! + r.value("cancelled", replication: rep)!
                + r.value("unfinished", replication: rep)! + r.value("turned_away", replication: rep)!
            #expect(arrived == accounted)
            #expect(r.value("rework", replication: rep) == 0)
        }
        let share = (0..<10).map { r.value("cancelled", replication: $0)! / (r.value("cancelled", replication: $0)! + r.value("completed", replication: $0)!) }
        let (mean, se) = meanAndError(share)
        // Orders still in progress at the end have had their chance to be rejected at most partly.
        let edge = r.meanAndError("unfinished").mean / r.meanAndError("arrivals").mean
        #expect(abs(mean - 0.15) <= 4 * se + edge, "\(mean) ± \(se), edge \(edge)")
    }

    /// Demand above capacity: the backlog grows, the items still in progress at the end are
    /// reported with their ages, and the work-in-progress series rises. With λ = 1.5/h against
    /// μ = 1/h, the number in the system at time t is about (λ − μ)t with variance (λ + μ)t once
    /// the queue never empties; tolerances are four of those standard deviations over √R.
    @Test func unstableSystemsReportTheirBacklog() throws {
        let replications = 5
        let r = try experiment("""
            version: 1
            horizon: 30d
            areas: {clerk: {staff: 1}}
            demand: {requests: {rate: 1.5/h, journey: service}}
            journeys: {service: {steps: [{name: serve, area: clerk, duration: {dist: exponential, mean: 1h}}]}}
            """, replications: replications, seed: 6)
        func expectBacklog(_ value: Double, atHours t: Double) {
            let tolerance = 4 * (2.5 * t).squareRoot() / Double(replications).squareRoot()
            #expect(abs(value - 0.5 * t) <= tolerance, "backlog \(value) at \(t) h, expected \(0.5 * t) ± \(tolerance)")
        }
        expectBacklog(r.meanAndError("unfinished").mean, atHours: 720)
        let half = r.wipSeriesMean.count / 2
        expectBacklog(r.wipSeriesMean[half], atHours: r.wipSeriesTimes[half] / 3600)
        expectBacklog(r.wipSeriesMean.last!, atHours: r.wipSeriesTimes.last! / 3600)
        #expect(r.wipSeriesMean.count == 100)
        // In FIFO order the oldest item has been there about backlog / λ = 360 / 1.5 = 240 h.
        #expect(r.estimate("unfinished_age.max")!.estimate! > 0.25 * 720 * 3600)
    }

    /// Warm-up and horizon, computed by hand. One clerk, an order every hour from 1 h on, 2 h of
    /// work each, horizon 10 h, warm-up 5 h. Arrivals at 1…9 h (the one at 10 h falls on the
    /// horizon and does not run); services 1–3, 3–5, 5–7, 7–9, 9–11 h. After the warm-up: arrivals
    /// at 5…9 h (5); deliveries at 5, 7, 9 h of orders that arrived at 2, 3, 4 h (lead times 3, 4,
    /// 5 h); the queue holds 2, 3, 3, 4, 4 over the five hours (mean 3.2); work in progress 3, 4,
    /// 4, 5, 5 (mean 4.2); services starting at 5, 7, 9 h waited 2, 3, 4 h; five orders are left,
    /// aged 1 to 5 h.
    @Test func warmUpAndHorizonByHand() throws {
        let r = try experiment("""
            version: 1
            horizon: 10h
            warmup: 5h
            areas: {clerk: {staff: 1}}
            demand: {orders: {interarrival: 1h, journey: j}}
            journeys: {j: {steps: [{name: work, area: clerk, duration: 2h}]}}
            """, replications: 1)
        let h = 3600.0, step = MetricScope.step(journey: 0, step: 0)
        func v(_ name: String, _ scope: MetricScope = .system) -> Double? { r.value(name, scope, replication: 0) }
        #expect(v("arrivals") == 5)
        #expect(v("completed") == 3)
        #expect(v("lead_time.mean") == 4 * h)
        #expect(v("lead_time.max") == 5 * h)
        #expect(v("lead_time.p50") == 4 * h)
        #expect(v("utilisation", .area(0)) == 1)
        #expect(abs(v("queue.mean", .area(0))! - 3.2) < 1e-12)
        #expect(abs(v("wip.mean")! - 4.2) < 1e-12)
        #expect(abs(v("throughput")! - 3 / (5 * h)) < 1e-15)
        #expect(v("visits", step) == 3)
        #expect(v("wait.mean", step) == 3 * h)
        #expect(v("waited", step) == 1)
        #expect(v("unfinished") == 5)
        #expect(v("unfinished_age.mean") == 3 * h)
        #expect(v("unfinished_age.max") == 5 * h)
    }
}
