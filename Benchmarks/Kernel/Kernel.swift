// Kernel and engine throughput. Every sample draws a fresh seed so that the CPU's branch
// predictor cannot learn one fixed sequence (shared/toolchain.md, section 3, pitfall 4).
import Benchmark
import Foundation
import SimKernel
import SimModel
import SimExperiment
import SimReport
import SimScenario
import SimStatistics

nonisolated(unsafe) var seedCounter: UInt64 = 0
/// A new seed for every sample.
func nextSeed() -> UInt64 {
    seedCounter &+= 1
    return StreamKeying.mix(seedCounter)
}

/// An M/M/1 queue at utilisation 0.9 (times in seconds) that stops after 100,000 arrivals.
func mm1Model(customers: Int) -> Model {
    Model(
        name: "M/M/1", horizon: nil, warmup: 0,
        areas: [Area(name: "server", staff: 1)],
        demands: [Demand(name: "customers", arrivals: .poisson(rate: 0.9 / 3600), journey: 0, maxArrivals: customers)],
        journeys: [Journey(name: "visit", steps: [Step(name: "serve", area: 0, duration: .exponential(mean: 3600))])])
}
let mm1 = mm1Model(customers: 100_000)

/// `scenarios/order-to-delivery.yaml` of the main package, found from this file's own path
/// (Benchmarks/Kernel/Kernel.swift), so it does not depend on the working directory.
let scenarios = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("scenarios")
let orderToDeliveryPath = scenarios.appendingPathComponent("order-to-delivery.yaml").path
/// Calendars, shifts, a demand pattern and a campaign: the calendar-time paths of the engine.
let campaignPath = scenarios.appendingPathComponent("campaign-before-logistics.yaml").path

/// Kernel events per second of one replication. The built-in `.throughput` counts samples
/// (replications) per second; a replication's event count is not a power of ten, so it is
/// reported here as well.
let eventsPerSecond = BenchmarkMetric.custom("kernelEventsPerSecond", polarity: .prefersLarger, useScalingFactor: false)

/// Runs one replication inside the measured region and records its kernel events per second.
func measureReplication(_ benchmark: Benchmark, _ model: Model) {
    let options = ReplicationOptions(seed: nextSeed(), replication: 0)
    let clock = ContinuousClock()
    benchmark.startMeasurement()
    let start = clock.now
    var engine = Replication(CompiledModel(model))
    let output = engine.run(options)
    let elapsed = start.duration(to: clock.now)
    benchmark.stopMeasurement()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    benchmark.measurement(eventsPerSecond, Int(Double(output.events) / seconds))
}

let benchmarks: @Sendable () -> Void = {
    // Static threshold checks compare p90 only, so every metric listed gets a p90 tolerance.
    // Times and rates are noisy on a shared 2-core machine; malloc counts are exact.
    let noisy = BenchmarkThresholds(relative: [.p50: 25, .p90: 35])
    let exact = BenchmarkThresholds(absolute: [.p50: 0, .p90: 0])
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(3),
        thresholds: [.wallClock: noisy, .throughput: noisy, .mallocCountTotal: exact])

    // The hold model: 1024 pending events; pop the next and schedule it again at time + U(0,1).
    // One scaled iteration is one event, so throughput reads in events per second.
    Benchmark("EventListHold1024", configuration: .init(scalingFactor: .mega)) { benchmark in
        var stream = RandomStream(key: nextSeed())
        var events = EventList(capacity: 1024)
        for i in 0..<1024 { events.schedule(at: stream.nextOpenUnit(), kind: 0, subject: Int32(i)) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let event = events.popNext()!
            events.schedule(at: event.time + stream.nextOpenUnit(), kind: event.kind, subject: event.subject)
        }
        benchmark.stopMeasurement()
        blackHole(events.first)
    }

    // A replication's malloc count depends on its seed (buffers grow with the queues), so it
    // gets a relative tolerance rather than an exact one.
    let replicationMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, eventsPerSecond]
    let replicationThresholds = [
        BenchmarkMetric.wallClock: noisy, .throughput: noisy, eventsPerSecond: noisy,
        .mallocCountTotal: BenchmarkThresholds(relative: [.p50: 10, .p90: 10]),
    ]

    // One replication of M/M/1 (about 200,000 kernel events).
    Benchmark("MM1Events", configuration: .init(metrics: replicationMetrics, thresholds: replicationThresholds)) { benchmark in
        measureReplication(benchmark, mm1)
    }

    // Past the exact limits: 10 M customers, so that step times (after 100,000) and lead times
    // (after the 10 M exact limit, set lower here to 1 M) run through the histogram path.
    Benchmark("MM1TenMillionEvents", configuration: .init(
        metrics: replicationMetrics, maxDuration: .seconds(10), maxIterations: 3, thresholds: replicationThresholds)) { benchmark in
        let options = ReplicationOptions(seed: nextSeed(), replication: 0, exactLimit: 1_000_000)
        let clock = ContinuousClock()
        benchmark.startMeasurement()
        let start = clock.now
        var engine = Replication(CompiledModel(mm1Model(customers: 10_000_000)))
        let output = engine.run(options)
        let elapsed = start.duration(to: clock.now)
        benchmark.stopMeasurement()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        benchmark.measurement(eventsPerSecond, Int(Double(output.events) / seconds))
    }

    // A duration recorder past its exact limit: one scaled iteration is one record into the
    // log histogram, at random exponential durations (no allocation after the switch).
    Benchmark("DurationRecorderHistogram", configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .mega)) { benchmark in
        var recorder = DurationRecorder(exactLimit: 0)
        var stream = RandomStream(key: nextSeed())
        let durations = (0..<4096).map { _ in -3600 * log(stream.nextOpenUnit()) }
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations { recorder.record(durations[i & 4095]) }
        benchmark.stopMeasurement()
        blackHole(recorder.count)
    }

    // Writing the event log of one M/M/1 replication of 100,000 customers (about 300,000 rows;
    // the trace is simulated outside the measurement): CSV and XES. Throughput is logs per
    // second; rows per second are reported too.
    let rowsPerSecond = BenchmarkMetric.custom("rowsPerSecond", polarity: .prefersLarger, useScalingFactor: false)
    for format in ["CSV", "XES"] {
        Benchmark("EventLog\(format)", configuration: .init(
            metrics: [.wallClock, .throughput, rowsPerSecond], thresholds: [.wallClock: noisy, .throughput: noisy, rowsPerSecond: noisy])) { benchmark in
            let records = Experiment.trace(mm1, seed: nextSeed(), replication: 0)
            let log = EventLog(model: mm1, records: records, start: Date(timeIntervalSince1970: 1_767_225_600),
                               timeZone: TimeZone(identifier: "Europe/Berlin")!)
            let clock = ContinuousClock()
            benchmark.startMeasurement()
            let start = clock.now
            let text = format == "CSV" ? log.csv : log.xes
            let elapsed = start.duration(to: clock.now)
            benchmark.stopMeasurement()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            benchmark.measurement(rowsPerSecond, Int(Double(records.count) / seconds))
            blackHole(text.utf8.count)
        }
    }

    // One replication of the bundled order-to-delivery scenario (loaded outside the measurement).
    Benchmark("OrderToDeliveryEvents", configuration: .init(metrics: replicationMetrics, thresholds: replicationThresholds)) { benchmark in
        let scenario = try ScenarioLoader.load(path: orderToDeliveryPath)
        measureReplication(benchmark, scenario.model)
    }

    // One replication of the bundled campaign scenario: office hours (work pauses and resumes),
    // shifts, a demand pattern and a campaign (arrivals by inversion of the cumulative rate).
    Benchmark("OfficeHoursCampaignEvents", configuration: .init(metrics: replicationMetrics, thresholds: replicationThresholds)) { benchmark in
        let scenario = try ScenarioLoader.load(path: campaignPath)
        measureReplication(benchmark, scenario.model)
    }

    // Working-time arithmetic: when is a piece of work started at a random instant done, on a
    // year of office hours (about 500 open intervals)? One scaled iteration is one lookup.
    Benchmark("WorkingTimeFinish", configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .mega)) { benchmark in
        var intervals: [(start: Double, end: Double)] = []
        for day in 0..<365 where day % 7 < 5 {
            let midnight = Double(day) * 86_400
            intervals.append((midnight + 9 * 3600, midnight + 12.5 * 3600))
            intervals.append((midnight + 13.5 * 3600, midnight + 18 * 3600))
        }
        let office = Timetable(intervals: intervals)
        var stream = RandomStream(key: nextSeed())
        var sum = 0.0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            sum += office.instant(after: stream.nextOpenUnit() * 4 * 3600, from: stream.nextOpenUnit() * 300 * 86_400)
        }
        benchmark.stopMeasurement()
        blackHole(sum)
    }
}
