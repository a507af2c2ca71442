import SimKernel

/// Arrivals: each demand stream schedules its next arrival when one arrives; an arriving item
/// gets a slot, its attributes and patience, and enters the first step of its journey.
extension Replication {
    mutating func scheduleArrival(of demand: Int, index: Int, after time: Double) {
        let item = StreamKeying.itemKey(demand: demandKey[demand], index: index)
        nextItemKey[demand] = item
        var stream = RandomStream(key: StreamKeying.arrivalKey(item: item))
        if plan.demands[demand].renewal {
            schedule(.arrival, at: time + plan.demandGaps[demand].sample(&stream), subject: Int32(demand))
            return
        }
        let at: Double
        switch plan.demandArrivals[demand] {
        case .varying(let profile):
            // Inversion: the next arrival is where Λ has grown by a unit exponential.
            let e = Distribution.exponential(mean: 1).sample(&stream)
            at = profile.instant(whenExpected: profile.expectedArrivals(before: time) + e)
        case .scheduled(let times):
            at = times[index]
        case .poisson, .renewal, .triggered:
            at = .infinity
        }
        if at.isFinite { schedule(.arrival, at: at, subject: Int32(demand)) }
    }

    mutating func arrive(demand d: Int) {
        let index = arrivalsSoFar[d]
        arrivalsSoFar[d] = index + 1
        let key = nextItemKey[d]
        if index + 1 < plan.demands[d].limit { scheduleArrival(of: d, index: index + 1, after: now) }
        admit(demand: d, key: key)
    }

    /// A new item of demand type `d` enters its journey: from the demand's own arrivals, or
    /// created by another item (a complaint).
    @inline(__always)
    mutating func admit(demand d: Int, key: UInt64) {
        if observing { arrivals[d] += 1 }
        let slot = allocateSlot()
        if tracing {
            while itemCase.count <= slot { itemCase.append(0); itemServiceStart.append(0) }
            itemCase[slot] = admittedCount
            trace.append(ServiceRecord(kind: .arrival, parent: admittingParent, item: admittedCount, demand: d, step: -1, area: -1, start: now, end: now))
            admittedCount += 1
        }
        let demand = plan.demands[d]
        itemArrival[slot] = now
        itemKey[slot] = key
        itemDemand[slot] = Int32(d)
        itemDeadline[slot] = .infinity
        if demand.hasPatience, let patience = plan.demandPatience[d] {
            var stream = RandomStream(key: StreamKeying.drawKey(item: key, step: 0, visit: 0, purpose: .patience))
            itemDeadline[slot] = now + patience.sample(&stream)
        }
        let visitBase = slot * plan.journeyLength
        for s in 0..<demand.stepCount { itemVisits[visitBase + s] = 0 }
        itemClass[slot] = demand.priorityClass
        if plan.attributeCount > 0 { drawAttributes(slot: slot, demand: d, key: key) }
        touchWIP()
        wip += 1
        enter(slot: slot, step: Int(demand.firstStep))
    }

    /// The item's attributes, each from its own stream, and the priority class they give it.
    mutating func drawAttributes(slot: Int, demand d: Int, key: UInt64) {
        let base = slot * plan.attributeCount
        for a in 0..<plan.attributeCount { itemAttributes[base + a] = .nan }
        for draw in plan.demandAttributes[d] {
            var stream = RandomStream(key: StreamKeying.drawKey(item: key, step: plan.attributeKey[draw.attribute], visit: 0, purpose: .attribute))
            itemAttributes[base + draw.attribute] = draw.source.sample(&stream)
        }
        for rule in plan.demandPriorityRules[d] where rule.condition.map({ holds($0, slot: slot) }) ?? true {
            itemClass[slot] = rule.priorityClass
            break
        }
    }

    func holds(_ condition: Condition, slot: Int) -> Bool {
        let base = slot * plan.attributeCount
        return condition.holds { itemAttributes[base + $0] }
    }

    mutating func allocateSlot() -> Int {
        if freeCount > 0 {
            freeCount -= 1
            let slot = Int(freeSlots[freeCount])
            itemAlive[slot] = true
            return slot
        }
        let slot = itemArrival.count
        let grown = max(1024, slot * 2)
        itemArrival.grow(to: grown, filling: 0)
        itemEnter.grow(to: grown, filling: 0)
        itemKey.grow(to: grown, filling: 0)
        itemDemand.grow(to: grown, filling: 0)
        itemStep.grow(to: grown, filling: 0)
        itemAlive.grow(to: grown, filling: false)
        itemDeadline.grow(to: grown, filling: .infinity)
        itemAttributes.grow(to: grown * max(plan.attributeCount, 1), filling: .nan)
        itemClass.grow(to: grown, filling: 0)
        itemToken.grow(to: grown, filling: 0)
        itemWaiting.grow(to: grown, filling: false)
        itemAbandoned.grow(to: grown, filling: false)
        itemVisits.grow(to: grown * plan.journeyLength, filling: 0)
        freeSlots.grow(to: grown, filling: 0)
        for s in stride(from: grown - 1, to: slot, by: -1) {
            freeSlots[freeCount] = Int32(s)
            freeCount += 1
        }
        itemAlive[slot] = true
        return slot
    }

    /// The item leaves the operation: delivered, cancelled, turned away.
    @inline(__always)
    mutating func release(slot: Int) {
        itemAlive[slot] = false
        freeSlots[freeCount] = Int32(slot)
        freeCount += 1
        touchWIP()
        wip -= 1
    }

    /// The stream for one draw of one item at one step: (item key, journey-qualified step, visit, purpose).
    @inline(__always)
    func drawStream(slot: Int, step: Int, purpose: DrawPurpose) -> RandomStream {
        let visit = itemVisits[slot * plan.journeyLength + Int(plan.steps[step].local)]
        return RandomStream(key: StreamKeying.drawKey(item: itemKey[slot], step: plan.steps[step].key, visit: visit, purpose: purpose))
    }
}
