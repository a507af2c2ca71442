import SimKernel

/// Service: an item joins a step's area, waits in its priority class's queue while staff are
/// busy, is served, and frees its place for the next one.
extension Replication {
    /// The item joins a step's area: it starts at once if staff is free, waits in its class's
    /// queue otherwise (with its patience running), or is turned away when the queue is full.
    mutating func join(slot: Int, step: Int) {
        itemEnter[slot] = now
        let plan = self.plan.steps[step]
        if plan.joint >= 0 {
            joinJoint(slot: slot, step: step, joint: Int(plan.joint))
            return
        }
        let a = Int(plan.area)
        let staff = areaStaff[a]
        if staff < 0 || areaBusy[a] < staff {
            startService(slot: slot, step: step, area: a)
            return
        }
        let limit = self.plan.areas[a].limit
        if limit >= 0 && areaQueued[a] >= limit {
            if observing {
                areaTurnedAway[a] += 1
                turnedAway[Int(itemDemand[slot])] += 1
            }
            release(slot: slot)
            return
        }
        guard let givesUp = patience(slot: slot, step: step) else { return }
        touchArea(a)
        areaQueued[a] += 1
        queues[a * self.plan.classCount + Int(itemClass[slot])].push(Int32(slot))
        beginWait(slot: slot, until: givesUp)
        if self.plan.areas[a].hasCallIn, let rule = self.plan.areaCallIn[a] { callIn(area: a, rule) }
    }

    mutating func startService(slot: Int, step: Int, area a: Int) {
        if tracing { itemServiceStart[slot] = now }
        touchArea(a)
        areaBusy[a] += 1
        if plan.anyPatience { itemWaiting[slot] = false }
        var stream = drawStream(slot: slot, step: step, purpose: .duration)
        var duration = plan.stepDuration[step].sample(&stream)
        if plan.areas[a].hasSetup, let setup = plan.areaSetup[a] {
            // Switching to another demand type costs a set-up before the work.
            let d = itemDemand[slot]
            if areaLastDemand[a] >= 0 && areaLastDemand[a] != d {
                var setupStream = drawStream(slot: slot, step: step, purpose: .setup)
                duration += setup.sample(&setupStream)
                if observing { areaSetups[a] += 1 }
            }
            areaLastDemand[a] = d
        }
        if observing {
            stepVisits[step] += 1
            stepServices[step].record(duration)
            let wait = now - itemEnter[slot]
            if wait > 0 { stepWaited[step] += 1 }
            stepWaits[step].record(wait)
        }
        let joint = plan.steps[step].joint
        if joint >= 0, let hours = jointHours[Int(joint)] {
            let end = hours.instant(after: duration, from: now)
            if end.isFinite { schedule(.serviceEnd, at: end, subject: Int32(slot)) }
        } else if areaHasHours[a], let hours = areaHours[a] {
            // Work in progress pauses while nobody is on duty and resumes with the next shift.
            let end = hours.instant(after: duration, from: now)
            if end.isFinite { schedule(.serviceEnd, at: end, subject: Int32(slot)) }
        } else {
            schedule(.serviceEnd, at: now + duration, subject: Int32(slot))
        }
    }

    mutating func finishService(slot: Int) {
        let step = Int(itemStep[slot])
        let joint = plan.steps[step].joint
        let a = Int(plan.steps[step].area)
        modelEvents &+= 2
        if tracing {
            trace.append(ServiceRecord(item: itemCase[slot], demand: Int(itemDemand[slot]), step: step, area: a,
                                       start: itemServiceStart[slot], end: now))
        }
        if joint >= 0 {
            // Released together; each area then serves whoever has waited longest.
            let areas = plan.jointAreas[Int(joint)]
            for b in areas {
                touchArea(b)
                areaBusy[b] -= 1
            }
            for b in areas { dispatch(area: b) }
            route(slot: slot, from: step)
            return
        }
        touchArea(a)
        areaBusy[a] -= 1
        let area = plan.areas[a]
        if area.hasJoints {
            dispatch(area: a)
        } else if areaQueued[a] > 0 && (areaStaff[a] < 0 || areaBusy[a] < areaStaff[a]), let next = nextWaiting(area: a) {
            areaQueued[a] -= 1
            startService(slot: next, step: Int(itemStep[next]), area: a)
        }
        if area.hasCallIn, let rule = plan.areaCallIn[a] { sendBack(area: a, rule) }
        route(slot: slot, from: step)
    }

    /// Starts queued items, highest class first, while staff are free.
    mutating func startWaiting(area a: Int) {
        if plan.areas[a].hasJoints {
            dispatch(area: a)
            return
        }
        while areaQueued[a] > 0 && (areaStaff[a] < 0 || areaBusy[a] < areaStaff[a]) {
            guard let next = nextWaiting(area: a) else { return }
            areaQueued[a] -= 1
            startService(slot: next, step: Int(itemStep[next]), area: a)
        }
    }

    /// The next live item of an area's queues, highest class first; abandoned ones are freed
    /// on the way. `nil` when only abandoned ones were left.
    @inline(__always)
    mutating func nextWaiting(area a: Int) -> Int? {
        guard let head = liveHead(ofArea: a) else { return nil }
        _ = queues[head.queue].pop()
        return head.slot
    }

    mutating func liveHead(ofArea a: Int) -> (slot: Int, queue: Int)? {
        for c in 0..<plan.classCount {
            let q = a * plan.classCount + c
            while let first = queues[q].first {
                let slot = Int(first)
                if itemAbandoned[slot] {
                    _ = queues[q].pop()
                    freeAbandoned(slot)
                    continue
                }
                return (slot, q)
            }
        }
        return nil
    }

    /// An abandoned item has come out of its queue: its slot is free at last.
    @inline(__always)
    mutating func freeAbandoned(_ slot: Int) {
        itemAbandoned[slot] = false
        freeSlots[freeCount] = Int32(slot)
        freeCount += 1
    }
}
