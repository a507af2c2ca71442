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
        #expect(abs(mean) / r.meanAndError("wip.mean").mean < 0.02)
    }

    /// A credit check that rejects with p = 15% back to the quote: the number of rejections before
    /// an order passes is geometric, so reworks per delivered order average p / (1 − p).
    @Test func approvalRejectionsCauseReworkAtTheGeometricRate() throws {
        let r = try experiment(Self.orderToDelivery, replications: 10, seed: 4)
        let ratio = zip(r.column("rework"), r.column("completed")).map { $0 / $1 }
        let (mean, se) = meanAndError(ratio)
        #expect(abs(mean - 0.15 / 0.85) <= 4 * se + 0.005, "\(mean) ± \(se)")
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
        #expect(abs(mean - 0.15) <= 4 * se + 0.002, "\(mean) ± \(se)")
    }

    /// Demand above capacity: the backlog grows, the items still in progress at the end are
    /// reported with their ages, and the work-in-progress series rises.
    @Test func unstableSystemsReportTheirBacklog() throws {
        let r = try experiment("""
            version: 1
            horizon: 30d
            areas: {clerk: {staff: 1}}
            demand: {requests: {rate: 1.5/h, journey: service}}
            journeys: {service: {steps: [{name: serve, area: clerk, duration: {dist: exponential, mean: 1h}}]}}
            """, replications: 5, seed: 6)
        // Expected backlog after 720 h: (1.5 − 1) · 720 = 360 items.
        let open = r.meanAndError("unfinished")
        #expect(abs(open.mean - 360) < 60)
        #expect(r.estimate("unfinished_age.max")!.estimate! > 10 * 3600)
        #expect(r.wipSeriesMean.last! > 10 * r.wipSeriesMean[r.wipSeriesMean.count / 10])
    }
}
