import SimModel
import SimStatistics

/// A warm-up estimated from a pilot run (`run --warmup auto`).
public struct WarmupEstimate: Sendable, Equatable {
    public var warmup: Double
    /// `false`: MSER-5's minimum fell in the second half of the pilot, so the run never settles
    /// (and the warm-up is 0: cutting would only hide that).
    public var settled: Bool

    public init(warmup: Double, settled: Bool) {
        self.warmup = warmup
        self.settled = settled
    }
}

extension ExperimentDriver {
    /// A pilot from empty with a finer series (`seriesPoints`); MSER-5 on the work in progress
    /// averaged over the replications picks where to cut. `nil` when the pilot is too short for
    /// MSER-5. The main run needs the answer before it starts, so every shard runs the pilot
    /// whole (`runWhole`).
    ///
    /// A model on a calendar (working hours, weekdays) has a weekly cycle that MSER-5 on short
    /// batches takes for a transient, cutting at a random week. Its pilot covers whole weeks
    /// and samples five points a week, so that each batch is one week, the same phases of the
    /// cycle in every batch: the cut is then a whole number of weeks (at least eight weeks of
    /// horizon are needed for this; a shorter one is sampled as a model without a calendar).
    public func estimateWarmup(_ model: Model, horizon: Double, settings: ExperimentSettings, seriesPoints: Int) throws(PartialError) -> WarmupEstimate? {
        var pilotModel = model
        pilotModel.warmup = 0
        var pilotSettings = settings
        pilotSettings.seriesPoints = seriesPoints
        let week = 7 * 86_400.0
        if model.calendarTime, horizon >= 8 * week {
            let weeks = (horizon / week).rounded(.down)
            pilotModel.horizon = weeks * week
            pilotSettings.seriesPoints = Int(weeks) * 5
        }
        let pilot = try runWhole(pilotModel, settings: pilotSettings)
        guard let cut = MSER.truncation(pilot.wipSeriesMean) else { return nil }
        let time = cut.point < pilot.wipSeriesTimes.count ? pilot.wipSeriesTimes[cut.point] : horizon
        return WarmupEstimate(warmup: cut.settled ? time : 0, settled: cut.settled)
    }
}
