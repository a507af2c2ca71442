import SimKernel

/// Routing: after its work, an item fails, is rejected, takes a branch or moves to the next
/// step; at the end of its journey it is delivered, on time or late.
extension Replication {
    /// Decides where the item goes after `step`: a failure first (the work went wrong), then an
    /// approval, then the branches.
    mutating func route(slot: Int, from step: Int) {
        let s = plan.steps[step]
        var next = s.defaultNext
        var decided = false
        let d = Int(itemDemand[slot])
        if s.failureProbability > 0 {
            var stream = drawStream(slot: slot, step: step, purpose: .failure)
            if stream.nextOpenUnit() < s.failureProbability {
                if observing { stepFailed[step] += 1 }
                if tracing { trace.append(ServiceRecord(kind: .failed, item: itemCase[slot], demand: d, step: step, area: Int(s.area), start: now, end: now)) }
                if let complaint = plan.stepComplaint[step] {
                    // Nobody told the customer: they find out, and some of them complain.
                    var contact = drawStream(slot: slot, step: step, purpose: .contact)
                    if contact.nextOpenUnit() < complaint.probability {
                        let visit = itemVisits[slot * plan.journeyLength + Int(s.local)]
                        let key = StreamKeying.mix(StreamKeying.drawKey(item: itemKey[slot], step: s.key, visit: visit, purpose: .contact))
                        scheduleContact(demand: complaint.demand, key: key, after: complaint.delay.sample(&contact), from: slot)
                    }
                }
                if s.failureTo != CompiledModel.continueCode {
                    next = s.failureTo
                    decided = true
                }
            }
        }
        if !decided && s.rejectProbability > 0 {
            var stream = drawStream(slot: slot, step: step, purpose: .approve)
            if stream.nextOpenUnit() < s.rejectProbability {
                if tracing { trace.append(ServiceRecord(kind: .rejected, item: itemCase[slot], demand: d, step: step, area: Int(s.area), start: now, end: now)) }
                next = s.rejectTo
                decided = true
            }
        }
        if !decided && s.conditionCount > 0 {
            // Conditions on the item's attributes: the first that holds; else the otherwise branch.
            let start = Int(s.conditionStart)
            for c in start..<start + Int(s.conditionCount) where holds(plan.conditions[c], slot: slot) {
                next = plan.conditionTo[c]
                break
            }
            decided = true
        }
        if !decided && s.routeCount > 0 {
            var stream = drawStream(slot: slot, step: step, purpose: .route)
            let u = stream.nextOpenUnit()
            let start = Int(s.routeStart), end = start + Int(s.routeCount)
            next = plan.routeTo[end - 1]
            for r in start..<end where u < plan.routeCumulative[r] {
                next = plan.routeTo[r]
                break
            }
        }
        if next >= 0 {
            if next <= s.local && observing { rework[d] += 1 }
            enter(slot: slot, step: Int(plan.demands[d].firstStep + next))
        } else if next == CompiledModel.exitCode {
            deliver(slot: slot, demand: d)
        } else {
            if observing { cancelled[d] += 1 }
            release(slot: slot)
        }
    }

    /// The item is delivered: its lead times, whether it was on time, and, if late, whether the
    /// customer contacts the business about it.
    @inline(__always)
    mutating func deliver(slot: Int, demand d: Int) {
        if tracing { trace.append(ServiceRecord(kind: .delivered, item: itemCase[slot], demand: d, step: -1, area: -1, start: now, end: now)) }
        let lead = now - itemArrival[slot]
        var business = Double.nan
        if let hours = plan.demandBusinessHours[d] {
            business = hours.openTime(before: now) - hours.openTime(before: itemArrival[slot])
        }
        let demand = plan.demands[d]
        let late = !((demand.businessPromise ? business : lead) <= demand.promise)
        if observing {
            completed[d] += 1
            leadTimes[0].record(lead)
            if leadTimes.count > 1 { leadTimes[1 + d].record(lead) }
            if !business.isNaN {
                businessLeadTimes[0].record(business)
                if businessLeadTimes.count > 1 { businessLeadTimes[1 + d].record(business) }
            }
            if !late { onTime[d] += 1 }
        }
        if late, let contact = plan.demandLateContact[d] {
            var stream = RandomStream(key: StreamKeying.drawKey(item: itemKey[slot], step: 0, visit: 0, purpose: .contact))
            if stream.nextOpenUnit() < contact.probability {
                let key = StreamKeying.mix(StreamKeying.drawKey(item: itemKey[slot], step: 0, visit: 0, purpose: .contact))
                scheduleContact(demand: contact.demand, key: key, after: contact.delay.sample(&stream), from: slot)
            }
        }
        release(slot: slot)
    }
}
