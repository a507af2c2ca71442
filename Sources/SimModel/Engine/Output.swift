import SimKernel
import SimStatistics

/// The figures of a replication, in the order of `MetricLayout`.
extension Replication {
    /// A duration recorder's value of each statistic, in the order of `Statistic.allCases`.
    static func figures(_ r: borrowing DurationRecorder) -> [Double?] {
        let levels = Statistic.allCases.compactMap(\.level)
        var percentiles = r.percentiles(levels).makeIterator()
        return Statistic.allCases.map { statistic in
            switch statistic {
            case .mean: return r.mean
            case .max: return r.count > 0 ? r.maximum : nil
            default: return percentiles.next()!
            }
        }
    }

    mutating func finish() -> ReplicationOutput {
        var stepMethod = DurationRecorder.Method.exact
        for g in 0..<stepWaits.count where stepWaits[g].method == .histogram || stepServices[g].method == .histogram || stepHandoffs[g].method == .histogram {
            stepMethod = .histogram
        }
        for a in plan.areas.indices { touchArea(a) }
        touchWIP()
        // Nothing is observed when the warm-up outlasts the run: time averages are then undefined.
        let window = observing ? now - observedFrom : 0
        let layout = plan.layout
        var m = [Double](repeating: .nan, count: layout.count)
        func put(_ figure: Figure, _ statistic: Statistic?, _ scope: MetricScope, _ value: Double?) {
            if let value, let i = layout.index(figure, statistic, scope) { m[i] = value }
        }
        func put(_ figure: Figure, _ scope: MetricScope, _ value: Double?) { put(figure, nil, scope, value) }
        /// Every statistic of a distribution figure, from a recorder's figures.
        func putAll(_ figure: Figure, _ scope: MetricScope, _ values: [Double?]) {
            for (statistic, value) in zip(Statistic.allCases, values) where figure.statistics.contains(statistic) {
                put(figure, statistic, scope, value)
            }
        }

        // Items still in the system, by demand type.
        let demands = plan.demands.count
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
            putAll(.leadTime, scope, lead)
            putAll(.businessLeadTime, scope, business)
            let promised = ds.filter { plan.demands[$0].promise.isFinite }
            let promisedDone = promised.reduce(0) { $0 + completed[$1] }
            put(.onTime, scope, promisedDone > 0 ? Double(promised.reduce(0) { $0 + onTime[$1] }) / Double(promisedDone) : nil)
            let done = ds.reduce(0) { $0 + completed[$1] }
            put(.throughput, scope, window > 0 ? Double(done) / window : nil)
            put(.arrivalRate, scope, window > 0 ? Double(ds.reduce(0) { $0 + arrivals[$1] }) / window : nil)
            put(.arrivals, scope, Double(ds.reduce(0) { $0 + arrivals[$1] }))
            put(.completed, scope, Double(done))
            put(.rework, scope, Double(ds.reduce(0) { $0 + rework[$1] }))
            put(.cancelled, scope, Double(ds.reduce(0) { $0 + cancelled[$1] }))
            put(.turnedAway, scope, Double(ds.reduce(0) { $0 + turnedAway[$1] }))
            put(.abandoned, scope, Double(ds.reduce(0) { $0 + abandoned[$1] }))
            let open = ds.reduce(0) { $0 + openCount[$1] }
            put(.unfinished, scope, Double(open))
            put(.unfinishedAge, .mean, scope, open > 0 ? ds.reduce(0) { $0 + openAgeSum[$1] } / Double(open) : nil)
            put(.unfinishedAge, .max, scope, open > 0 ? ds.map { openAgeMax[$0] }.max() : nil)
        }
        let overall = Self.figures(leadTimes[0])
        let none = [Double?](repeating: nil, count: Statistic.allCases.count)
        let overallBusiness = businessLeadTimes.count > 0 ? Self.figures(businessLeadTimes[0]) : none
        outcome(.system, leadTimes: overall, businessLeadTimes: overallBusiness, demandsIn: Array(0..<demands))
        for d in 0..<demands {
            outcome(
                .demand(d), leadTimes: leadTimes.count > 1 ? Self.figures(leadTimes[1 + d]) : overall,
                businessLeadTimes: businessLeadTimes.count > 1 ? Self.figures(businessLeadTimes[1 + d]) : overallBusiness,
                demandsIn: [d])
        }
        put(.wip, .mean, .system, window > 0 ? wipIntegral / window : nil)

        for a in plan.areas.indices {
            put(.utilisation, .area(a), window > 0 && areaCapacityIntegral[a] > 0 ? areaBusyIntegral[a] / areaCapacityIntegral[a] : nil)
            put(.busy, .mean, .area(a), window > 0 ? areaBusyIntegral[a] / window : nil)
            put(.queue, .mean, .area(a), window > 0 ? areaQueueIntegral[a] / window : nil)
            put(.turnedAway, .area(a), Double(areaTurnedAway[a]))
            put(.onDuty, .mean, .area(a), window > 0 && (areaStaff[a] >= 0) ? areaCapacityIntegral[a] / window : nil)
            put(.setups, .area(a), Double(areaSetups[a]))
        }
        for (j, journey) in plan.model.journeys.enumerated() {
            for s in 0..<journey.steps.count {
                let g = Int(plan.journeyBase[j]) + s, scope = MetricScope.step(journey: j, step: s)
                let visits = stepVisits[g]
                put(.visits, scope, Double(visits))
                put(.waited, scope, visits > 0 ? Double(stepWaited[g]) / Double(visits) : nil)
                putAll(.wait, scope, Self.figures(stepWaits[g]))
                putAll(.service, scope, Self.figures(stepServices[g]))
                if plan.steps[g].hasHandoff {
                    putAll(.handoff, scope, Self.figures(stepHandoffs[g]))
                }
                put(.abandoned, scope, Double(stepAbandoned[g]))
                put(.failed, scope, Double(stepFailed[g]))
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
