import SimKernel
import SimStatistics

/// Handoffs between steps and the contacts items cause (complaints, late contacts).
extension Replication {
    // MARK: - Handoffs

    /// The item moves on to `step`: through the step's handoff (a delay, a batch collected at set
    /// times) when it has one, else straight into its queue.
    @inline(__always)
    mutating func enter(slot: Int, step: Int) {
        itemStep[slot] = Int32(step)
        itemVisits[slot * plan.journeyLength + Int(plan.steps[step].local)] &+= 1
        guard plan.steps[step].hasHandoff, let handoff = plan.stepHandoff[step] else {
            join(slot: slot, step: step)
            return
        }
        itemEnter[slot] = now
        var at = now
        if let delay = handoff.delay {
            var stream = drawStream(slot: slot, step: step, purpose: .handoff)
            at += delay.sample(&stream)
        }
        if !handoff.releases.isEmpty {
            // The next collection at or after the item is ready; none left: it waits for ever
            // (and is reported unfinished).
            let i = upperBound(handoff.releases, at.nextDown)
            at = i < handoff.releases.count ? handoff.releases[i] : .infinity
        }
        if at.isFinite { schedule(.handoffEnd, at: at, subject: Int32(slot)) }
    }

    mutating func endHandoff(slot: Int) {
        let step = Int(itemStep[slot])
        if observing { stepHandoffs[step].record(now - itemEnter[slot]) }
        join(slot: slot, step: step)
    }

    // MARK: - Contacts

    /// A new item of demand type `demand` (a complaint) will arrive after `delay`, keyed by its
    /// parent, so that it is the same complaint whatever else changes.
    /// `slot`: the item whose experience causes the contact (for the event log's link).
    mutating func scheduleContact(demand: Int, key: UInt64, after delay: Double, from slot: Int) {
        let i: Int
        if let free = contactFree.popLast() {
            i = Int(free)
            contactDemand[i] = Int32(demand)
            contactKey[i] = key
        } else {
            i = contactDemand.count
            contactDemand.append(Int32(demand))
            contactKey.append(key)
        }
        if tracing {
            while contactParent.count <= i { contactParent.append(-1) }
            contactParent[i] = itemCase[slot]
        }
        schedule(.contact, at: now + delay, subject: Int32(i))
    }

    mutating func contactArrives(_ i: Int) {
        contactFree.append(Int32(i))
        if tracing { admittingParent = contactParent[i] }
        admit(demand: Int(contactDemand[i]), key: contactKey[i])
        admittingParent = -1
    }
}
