import SimKernel

/// Staff on duty: shifts and hiring dates change it, extra people are called in while a queue
/// is long, and a system that breaks down leaves the areas that need it with nobody on duty.
extension Replication {
    /// Staff on duty change (a shift starts or ends, hiring from a date): waiting work starts
    /// as far as the new staff allows. Work already in progress carries on when fewer come on
    /// duty than are busy: the shift hands it over; only new work waits.
    mutating func changeStaff(area a: Int) {
        guard let schedule = areaSchedule[a] else { return }
        touchArea(a)
        let i = areaNextChange[a]
        let level = Int32(schedule.levels[i])
        // Staff called in stay while the area is open; nobody works while it is closed.
        areaStaff[a] = level > 0 ? level + areaExtra[a] : level
        areaNextChange[a] = i + 1
        if i + 1 < schedule.times.count { self.schedule(.staffChange, at: schedule.times[i + 1], subject: Int32(a)) }
        startWaiting(area: a)
    }

    /// The queue is longer than the rule allows: call in one more person at a time, up to the
    /// limit, while the area is open. (A queue that is still too long calls the next.)
    mutating func callIn(area a: Int, _ rule: CallIn) {
        while Int(areaQueued[a]) > rule.above && Int(areaExtra[a]) < rule.upTo && areaStaff[a] > 0 {
            touchArea(a)
            areaExtra[a] += 1
            areaStaff[a] += 1
            startWaiting(area: a)
        }
    }

    /// The queue is short again: extra people who are idle go back, one at a time.
    mutating func sendBack(area a: Int, _ rule: CallIn) {
        while Int(areaQueued[a]) < rule.below && areaExtra[a] > 0 && areaStaff[a] > 0 && areaBusy[a] < areaStaff[a] {
            touchArea(a)
            areaExtra[a] -= 1
            areaStaff[a] -= 1
        }
    }

    // MARK: - Breakdowns

    /// Each system's up and down times over the horizon, drawn once per replication and keyed by
    /// (system, occurrence); an area that needs a system has nobody on duty while it is down, so
    /// its work pauses and resumes as with working hours.
    mutating func drawBreakdowns(runKey: UInt64) {
        let model = plan.model
        let end = model.horizon ?? 0   // the loader requires a horizon with systems
        let systemUp: [Timetable] = model.systems.indices.map { s in
            let system = model.systems[s]
            let key = StreamKeying.combine(runKey, plan.systemKey[s])
            var intervals: [(start: Double, end: Double)] = []
            var t = 0.0, occurrence: UInt32 = 0
            while t < end && occurrence < 10_000_000 {
                occurrence += 1
                var stream = RandomStream(key: StreamKeying.drawKey(item: key, step: 0, visit: occurrence, purpose: .breakdown))
                let up = system.up.sample(&stream), down = system.down.sample(&stream)
                intervals.append((t, t + up))
                t += up + down
            }
            return Timetable(intervals: intervals)
        }
        let schedules: [StaffSchedule?] = model.areas.map { area in
            guard !area.systems.isEmpty else { return area.schedule }
            var schedule = area.schedule ?? .constant(area.staff ?? -1)
            for s in area.systems { schedule = schedule.masked(by: systemUp[s]) }
            return schedule
        }
        areaSchedule = schedules
        areaHours = schedules.map { $0?.open }
        areaHasHours = schedules.map { $0 != nil }
        jointHours = CompiledModel.hours(ofJoints: plan.jointAreas, schedules: schedules)
    }
}
