import SimModel
import SimScenario
import Testing

/// A worker keeps one `Replication` and resets it for each replication it runs. A reset state
/// must run exactly as a new one: every figure of every replication identical to the bit,
/// whatever ran on the state before. The model uses every construct with state of its own:
/// patience (abandoned slots left in queues), a queue limit, priorities by attribute, a joint
/// step, breakdowns, call-ins, set-ups, handoffs collected at set times, untold failures that
/// come back as complaints, late contacts, warm-up and series.
@Suite struct ReplicationStateTests {
    static let yaml = """
        version: 1
        horizon: 30d
        warmup: 2d
        systems:
          erp: {up: {dist: exponential, mean: 20h}, down: {dist: exponential, mean: 2h}}
        areas:
          desk: {staff: 2, queue_limit: 12, call_in: {above: 4, below: 1, up_to: 2}, setup: 5m}
          warehouse: {staff: 1, needs: erp}
          support: {staff: 1}
        demand:
          orders:
            rate: 1.6/h
            journey: order
            patience: {dist: exponential, mean: 6h}
            promise: {lead_time: 10h}
            late_contact: {demand: calls, p: 30%, delay: {dist: exponential, mean: 4h}}
            attributes:
              value: {dist: exponential, mean: 1000}
            priority:
              - {when: value > 2000, priority: 1}
              - {priority: 0}
          returns: {rate: 0.3/h, journey: returns}
          calls: {journey: call}
        journeys:
          order:
            steps:
              - name: take
                area: desk
                duration: {dist: exponential, mean: 40m}
                patience: {dist: exponential, mean: 2h}
              - name: pick
                area: [warehouse, desk]
                duration: {dist: exponential, mean: 20m}
                handoff: {collect: [09:00, 13:00, 17:00]}
              - name: ship
                area: warehouse
                duration: {dist: exponential, mean: 10m}
                failure: {p: 10%, then: ship, customer_told: false, complaint: {demand: calls, p: 50%, delay: {dist: exponential, mean: 1d}}}
          returns:
            steps:
              - {name: check, area: desk, duration: {dist: lognormal, mean: 30m, cv: 0.5}}
          call:
            steps:
              - {name: answer, area: support, duration: {dist: exponential, mean: 15m}}
        """

    @Test func aResetReplicationRunsAsANewOne() throws {
        let model = try ScenarioLoader.parse(yaml: Self.yaml, file: "state.yaml").model
        let compiled = CompiledModel(model)
        func fresh(_ r: Int) -> ReplicationOutput {
            var engine = Replication(compiled)
            return engine.run(ReplicationOptions(seed: 11, replication: r))
        }
        var reused = Replication(compiled)
        var abandonedSomewhere = false
        for r in [3, 0, 2, 1, 3] {
            let a = reused.run(ReplicationOptions(seed: 11, replication: r))
            let b = fresh(r)
            // NaN marks an undefined figure; compare bit patterns so that NaN equals NaN.
            #expect(a.metrics.map(\.bitPattern) == b.metrics.map(\.bitPattern), "replication \(r)")
            #expect(a.wipSeries == b.wipSeries && a.areaBusySeries == b.areaBusySeries && a.areaQueueSeries == b.areaQueueSeries)
            #expect(a.events == b.events && a.leadTimeBins == b.leadTimeBins)
            if let i = compiled.layout.index(.abandoned), a.metrics[i] > 0 { abandonedSomewhere = true }
        }
        // The model must exercise what the reset clears, or the test proves little.
        #expect(abandonedSomewhere)
    }

    /// A different exact limit between runs makes the recorders anew; the figures follow the limit.
    @Test func anotherExactLimitTakesEffect() throws {
        let model = try ScenarioLoader.parse(yaml: Self.yaml, file: "state.yaml").model
        var engine = Replication(CompiledModel(model))
        let exact = engine.run(ReplicationOptions(seed: 11, replication: 0))
        let bounded = engine.run(ReplicationOptions(seed: 11, replication: 0, exactLimit: 10))
        #expect(exact.leadTimeMethod == .exact && bounded.leadTimeMethod == .histogram)
        let again = engine.run(ReplicationOptions(seed: 11, replication: 0))
        #expect(again.metrics.map(\.bitPattern) == exact.metrics.map(\.bitPattern))
    }
}

/// The one table of figures, against the vector layout, the rules of `check` and key parsing.
@Suite struct FigureCatalogTests {
    @Test func everyFieldHasOneColumnPerScope() throws {
        let model = try ScenarioLoader.parse(yaml: ReplicationStateTests.yaml, file: "state.yaml").model
        let layout = MetricLayout(model: model)
        var columns = Set<Int>()
        for figure in FigureCatalog.figures {
            for field in figure.fields {
                for scope in ScopeKind.allCases {
                    let where_: MetricScope = switch scope {
                    case .system: .system
                    case .demand: .demand(1)
                    case .area: .area(1)
                    case .step: .step(journey: 0, step: 1)
                    }
                    let i = layout.index(field, where_)
                    #expect((i != nil) == figure.scopes.contains(scope), "\(field) in \(scope)")
                    if let i { #expect(columns.insert(i).inserted, "\(field) shares column \(i)") }
                }
            }
        }
        #expect(columns.count == layout.count - (model.demands.count - 1) * MetricLayout.outcome.count
            - (model.areas.count - 1) * MetricLayout.area.count - (layout.stepCount - 1) * MetricLayout.step.count)
    }

    /// Figure keys are read from the end, so a demand type, an area or a step may be named like
    /// a figure: `demand.rework.lead_time.p95` is a lead time (judged), not rework (which is not).
    @Test func keysAreReadFromTheEnd() {
        #expect(FigureCatalog.figure(ofKey: "demand.rework.lead_time.p95")?.figure == .leadTime)
        #expect(FigureCatalog.figure(ofKey: "demand.rework.lead_time.p95")?.statistic == .p95)
        #expect(FigureRule.standard(for: "demand.rework.lead_time.p95") != nil)
        #expect(FigureRule.standard(for: "demand.orders.rework") == nil)
        #expect(FigureCatalog.figure(ofKey: "steps.order/pick.wait.max")?.figure == .wait)
        #expect(FigureCatalog.figure(ofKey: "areas.on_time.utilisation")?.figure == .utilisation)
        #expect(FigureKind(key: "areas.on_time.utilisation") == .share)
        #expect(FigureCatalog.figure(ofKey: "lead_time") == nil)        // a distribution needs its statistic
        #expect(FigureCatalog.figure(ofKey: "on_time.p95") == nil)      // a single number has none
        #expect(FigureCatalog.figure(ofKey: "wip.p95") == nil)          // wip has only a mean
    }

    /// The default rules of `check`, as docs/ci.md states them.
    @Test func checkJudgesWhatCustomersFeel() {
        let judged = ["lead_time.mean", "lead_time.p95", "demand.orders.on_time", "throughput", "abandoned", "turned_away", "cancelled"]
        let unjudged = ["lead_time.max", "wip.mean", "rework", "unfinished", "unfinished_age.mean", "completed",
                        "areas.desk.queue.mean", "steps.order/take.wait.mean", "arrival_rate", "areas.desk.utilisation"]
        for key in judged { #expect(FigureRule.standard(for: key) != nil, "\(key)") }
        for key in unjudged { #expect(FigureRule.standard(for: key) == nil, "\(key)") }
        #expect(FigureRule.direction(for: "demand.orders.on_time") == FigureRule(worseIfHigher: false, tolerance: .absolute(0.01)))
        #expect(FigureRule.direction(for: "abandoned")?.arrivalsFloor == 0.001)
        #expect(FigureRule.direction(for: "steps.order/take.service.mean") == nil)
        #expect(FigureRule.direction(for: "steps.order/take.wait.p99")?.worseIfHigher == true)
    }
}
