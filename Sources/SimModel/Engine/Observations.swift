import SimKernel

/// Observations: time averages of busy staff, queues, staff on duty and work in progress, kept
/// as integrals updated whenever they change; the end of warm-up; the series over the horizon.
extension Replication {
    @inline(__always)
    mutating func touchArea(_ a: Int) {
        let dt = now - areaLast[a]
        let staff = areaStaff[a]
        // Work in progress is paused while nobody is on duty; handed-over work beyond the staff
        // on duty counts as full use, not more.
        areaBusyIntegral[a] += Double(staff < 0 ? areaBusy[a] : min(areaBusy[a], staff)) * dt
        areaCapacityIntegral[a] += Double(max(staff, 0)) * dt
        areaQueueIntegral[a] += Double(areaQueued[a]) * dt
        areaLast[a] = now
    }

    @inline(__always)
    mutating func touchWIP() {
        wipIntegral += Double(wip) * (now - wipLast)
        wipLast = now
    }

    /// The end of warm-up: everything observed so far is forgotten; items in progress stay.
    mutating func startObserving() {
        observing = true
        observedFrom = now
        for a in plan.areas.indices {
            touchArea(a)
            // The series marks move with the reset, so the open interval keeps what it gathered.
            seriesBusyMark[a] -= areaBusyIntegral[a]
            seriesQueueMark[a] -= areaQueueIntegral[a]
            seriesCapacityMark[a] -= areaCapacityIntegral[a]
            areaBusyIntegral[a] = 0; areaQueueIntegral[a] = 0; areaCapacityIntegral[a] = 0; areaTurnedAway[a] = 0
            areaSetups[a] = 0
        }
        touchWIP()
        wipIntegral = 0
    }

    /// Averages each area's busy staff, queue and staff on duty over the interval since the
    /// last one closed, placed at its middle.
    mutating func closeSeriesInterval() {
        let span = now - seriesLastTime
        guard span > 0 else { return }
        for a in plan.areas.indices {
            touchArea(a)
            areaBusySeries.append((areaBusyIntegral[a] - seriesBusyMark[a]) / span)
            areaQueueSeries.append((areaQueueIntegral[a] - seriesQueueMark[a]) / span)
            // Unlimited staff (−1) stays unlimited for the whole run.
            areaStaffSeries.append(areaStaff[a] < 0 ? -1 : (areaCapacityIntegral[a] - seriesCapacityMark[a]) / span)
            seriesBusyMark[a] = areaBusyIntegral[a]
            seriesQueueMark[a] = areaQueueIntegral[a]
            seriesCapacityMark[a] = areaCapacityIntegral[a]
        }
        areaSeriesTimes.append((seriesLastTime + now) / 2)
        seriesLastTime = now
    }

    mutating func takeSample() {
        seriesTimes.append(now)
        wipSeries.append(Double(wip))
        closeSeriesInterval()
        // k·step rather than now + step: repeated addition drifts, and the count of points must not.
        let next = Double(seriesTimes.count) * seriesStep
        if next < plan.horizon { schedule(.sample, at: next) }
    }
}
