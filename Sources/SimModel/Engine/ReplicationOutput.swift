import SimStatistics

/// One event of an event log: which item (numbered in order of arrival from 0), its demand
/// type, what happened and when (elapsed seconds). A service has its step (index over all
/// journeys' steps in order), its area and its start; the others happen at an instant.
public struct ServiceRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case arrival, service, failed, rejected, abandoned, delivered }
    public var kind: Kind = .service
    /// For the arrival of an item another one caused (a complaint, a contact about a late
    /// delivery): that item's number; −1 otherwise.
    public var parent = -1
    public var item: Int
    public var demand: Int
    public var step: Int
    public var area: Int
    public var start: Double
    public var end: Double
}

/// What one replication yields.
public struct ReplicationOutput: Sendable {
    /// The figures, in the order of the model's `MetricLayout`; NaN where undefined
    /// (no item completed, an unlimited area has no utilisation).
    public var metrics: [Double]
    /// Work in progress sampled at `seriesTimes` (from time zero, warm-up included).
    public var wipSeries: [Double]
    public var seriesTimes: [Double]
    /// Per area, sampled with the work in progress (`[sample * areas + area]`): staff busy,
    /// items waiting, staff on duty (−1: unlimited). A campaign's surge and the backlog it
    /// leaves show here.
    public var areaBusySeries: [Double] = []
    public var areaQueueSeries: [Double] = []
    public var areaStaffSeries: [Double] = []
    /// The middle of each interval the area series average over (the WIP series' sample times
    /// bound the intervals; the last runs to the horizon).
    public var areaSeriesTimes: [Double] = []
    /// Events the kernel ran.
    public var events: Int
    /// The peers' yardstick: two per station visit (an arrival and a departure), whatever the
    /// implementation's own event count.
    public var modelEvents: Int
    /// Every service done, in the order they ended, when `ReplicationOptions.trace` is set.
    public var trace: [ServiceRecord] = []
    /// How lead-time percentiles were computed.
    public var leadTimeMethod: DurationRecorder.Method
    /// The share of lead times in each `DurationRecorder` bin; empty when they went to a histogram.
    public var leadTimeBins: [Double]
    /// The same per demand type, when there are several (empty otherwise).
    public var leadTimeBinsByDemand: [[Double]] = []
    /// How step percentiles (waits, work, handoffs) were computed: from a histogram when any
    /// step had more than `stepExactLimit` of them.
    public var stepMethod: DurationRecorder.Method

    public init(metrics: [Double], wipSeries: [Double], seriesTimes: [Double], events: Int, modelEvents: Int,
                leadTimeMethod: DurationRecorder.Method, leadTimeBins: [Double], stepMethod: DurationRecorder.Method) {
        self.metrics = metrics
        self.wipSeries = wipSeries
        self.seriesTimes = seriesTimes
        self.events = events
        self.modelEvents = modelEvents
        self.leadTimeMethod = leadTimeMethod
        self.leadTimeBins = leadTimeBins
        self.stepMethod = stepMethod
    }
}
