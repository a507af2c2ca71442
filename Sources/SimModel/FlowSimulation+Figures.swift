import SimKernel
import SimStatistics

/// The figures of a replication, in the order of `MetricLayout`.
extension FlowSimulation {
    // MARK: - Figures

    /// The figures of a duration recorder, in the order of `durationFigures`.
    static func figures(_ r: borrowing DurationRecorder) -> [Double?] {
        [r.mean] + r.percentiles([0.50, 0.90, 0.95, 0.99]) + [r.count > 0 ? r.maximum : nil]
    }

    /// The suffixes of the duration figures in `MetricLayout` (`lead_time.p95`, `wait.max`, …).
    static let durationFigures = ["mean", "p50", "p90", "p95", "p99", "max"]

    consuming func finish() -> ReplicationOutput {
        var stepMethod = DurationRecorder.Method.exact
        for g in 0..<stepWaits.count where stepWaits[g].method == .histogram || stepServices[g].method == .histogram || stepHandoffs[g].method == .histogram {
            stepMethod = .histogram
        }
        for a in 0..<model.areas.count { touchArea(a) }
        touchWIP()
        // Nothing is observed when the warm-up outlasts the run: time averages are then undefined.
        let window = observing ? now - observedFrom : 0
        var m = [Double](repeating: .nan, count: layout.count)
        func put(_ name: String, _ scope: MetricScope, _ value: Double?) {
            if let value, let i = layout.index(name, scope) { m[i] = value }
        }

        // Items still in the system, by demand type.
        let demands = model.demands.count
        var openCount = [Int](repeating: 0, count: demands)
        var openAgeSum = [Double](repeating: 0, count: demands)
        var openAgeMax = [Double](repeating: -.infinity, count: demands)
        for slot in 0..<itemAlive.count where itemAlive[slot] {
            let d = Int(itemDemand[slot]), age = now - itemArrival[slot]
            openCount[d] += 1
            openAgeSum[d] += age
            openAgeMax[d] = max(openAgeMax[d], age)
        }

        func outcome(_ scope: MetricScope, leadTimes lead: [Double?], businessLeadTimes business: [Double?], demandsIn ds: [Int]) {
            for (name, value) in zip(Self.durationFigures, lead) { put("lead_time." + name, scope, value) }
            for (name, value) in zip(Self.durationFigures, business) { put("business_lead_time." + name, scope, value) }
            let promised = ds.filter { demandPromise[$0].isFinite }
            let promisedDone = promised.reduce(0) { $0 + completed[$1] }
            put("on_time", scope, promisedDone > 0 ? Double(promised.reduce(0) { $0 + onTime[$1] }) / Double(promisedDone) : nil)
            let done = ds.reduce(0) { $0 + completed[$1] }
            put("throughput", scope, window > 0 ? Double(done) / window : nil)
            put("arrival_rate", scope, window > 0 ? Double(ds.reduce(0) { $0 + arrivals[$1] }) / window : nil)
            put("arrivals", scope, Double(ds.reduce(0) { $0 + arrivals[$1] }))
            put("completed", scope, Double(done))
            put("rework", scope, Double(ds.reduce(0) { $0 + rework[$1] }))
            put("cancelled", scope, Double(ds.reduce(0) { $0 + cancelled[$1] }))
            put("turned_away", scope, Double(ds.reduce(0) { $0 + turnedAway[$1] }))
            put("abandoned", scope, Double(ds.reduce(0) { $0 + abandoned[$1] }))
            let open = ds.reduce(0) { $0 + openCount[$1] }
            put("unfinished", scope, Double(open))
            put("unfinished_age.mean", scope, open > 0 ? ds.reduce(0) { $0 + openAgeSum[$1] } / Double(open) : nil)
            put("unfinished_age.max", scope, open > 0 ? ds.map { openAgeMax[$0] }.max() : nil)
        }
        let overall = Self.figures(leadTimes[0])
        let none = [Double?](repeating: nil, count: Self.durationFigures.count)
        let overallBusiness = businessLeadTimes.count > 0 ? Self.figures(businessLeadTimes[0]) : none
        outcome(.system, leadTimes: overall, businessLeadTimes: overallBusiness, demandsIn: Array(0..<demands))
        for d in 0..<demands {
            outcome(
                .demand(d), leadTimes: leadTimes.count > 1 ? Self.figures(leadTimes[1 + d]) : overall,
                businessLeadTimes: businessLeadTimes.count > 1 ? Self.figures(businessLeadTimes[1 + d]) : overallBusiness,
                demandsIn: [d])
        }
        put("wip.mean", .system, window > 0 ? wipIntegral / window : nil)

        for a in 0..<model.areas.count {
            put("utilisation", .area(a), window > 0 && areaCapacityIntegral[a] > 0 ? areaBusyIntegral[a] / areaCapacityIntegral[a] : nil)
            put("busy.mean", .area(a), window > 0 ? areaBusyIntegral[a] / window : nil)
            put("queue.mean", .area(a), window > 0 ? areaQueueIntegral[a] / window : nil)
            put("turned_away", .area(a), Double(areaTurnedAway[a]))
            put("on_duty.mean", .area(a), window > 0 && (areaStaff[a] >= 0) ? areaCapacityIntegral[a] / window : nil)
            put("setups", .area(a), Double(areaSetups[a]))
        }
        for (j, journey) in model.journeys.enumerated() {
            for s in 0..<journey.steps.count {
                let g = Int(journeyBase[j]) + s, scope = MetricScope.step(journey: j, step: s)
                let visits = stepVisits[g]
                put("visits", scope, Double(visits))
                put("waited", scope, visits > 0 ? Double(stepWaited[g]) / Double(visits) : nil)
                for (name, value) in zip(Self.durationFigures, Self.figures(stepWaits[g])) { put("wait." + name, scope, value) }
                for (name, value) in zip(Self.durationFigures, Self.figures(stepServices[g])) { put("service." + name, scope, value) }
                if stepHandoff[g] != nil {
                    for (name, value) in zip(Self.durationFigures, Self.figures(stepHandoffs[g])) { put("handoff." + name, scope, value) }
                }
                put("abandoned", scope, Double(stepAbandoned[g]))
                put("failed", scope, Double(stepFailed[g]))
            }
        }
        var output = ReplicationOutput(
            metrics: m, wipSeries: wipSeries, seriesTimes: seriesTimes, events: eventCount,
            modelEvents: modelEvents, leadTimeMethod: leadTimes[0].method,
            leadTimeBins: leadTimes[0].binShares() ?? [], stepMethod: stepMethod)
        output.areaBusySeries = areaBusySeries
        output.areaQueueSeries = areaQueueSeries
        output.areaStaffSeries = areaStaffSeries
        output.areaSeriesTimes = areaSeriesTimes
        output.trace = trace
        if leadTimes.count > 1 { output.leadTimeBinsByDemand = (1..<leadTimes.count).map { leadTimes[$0].binShares() ?? [] } }
        return output
    }
}
