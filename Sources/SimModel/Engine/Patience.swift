import SimKernel

/// Patience: a customer who waits too long gives up, at a step (its own patience) or overall
/// (the demand's end-to-end patience). A wait carries a token, so that the patience event of a
/// wait that is already over is recognised as stale and ignored.
extension Replication {
    /// When a customer about to wait at `step` gives up: the step's own patience, or what is
    /// left of the end-to-end one. `nil` when it has already run out: the customer is gone.
    @inline(__always)
    mutating func patience(slot: Int, step: Int) -> Double? {
        var givesUp = itemDeadline[slot]
        if plan.steps[step].hasPatience, let patience = plan.stepPatience[step] {
            var stream = drawStream(slot: slot, step: step, purpose: .patience)
            givesUp = min(givesUp, now + patience.sample(&stream))
        }
        if givesUp <= now {
            abandon(slot: slot, step: step)
            return nil
        }
        return givesUp
    }

    /// The item is now in a queue: its patience runs, when anyone in the model has some.
    @inline(__always)
    mutating func beginWait(slot: Int, until givesUp: Double) {
        guard plan.anyPatience else { return }
        itemWaiting[slot] = true
        // Every wait gets a new token, with patience or not: a patience event left over from an
        // earlier occupant of this slot must not find a token it recognises.
        itemToken[slot] &+= 1
        if givesUp.isFinite {
            schedule(.patience, at: givesUp, subject: Int32(slot), tag: itemToken[slot] & 0xFF_FFFF)
        }
    }

    /// A waiting customer's patience runs out: gone, unless this wait is already over.
    mutating func runOutOfPatience(slot: Int, token: UInt32) {
        guard itemWaiting[slot], itemToken[slot] & 0xFF_FFFF == token else { return }
        let step = Int(itemStep[slot])
        let joint = plan.steps[step].joint
        if joint >= 0 {
            for a in plan.jointAreas[Int(joint)] {
                touchArea(a)
                areaQueued[a] -= 1
            }
        } else {
            let a = Int(plan.steps[step].area)
            touchArea(a)
            areaQueued[a] -= 1
        }
        itemWaiting[slot] = false
        // The slot stays in the queue until it comes out; only then is it free for reuse.
        itemAbandoned[slot] = true
        abandon(slot: slot, step: step, keepSlot: true)
    }

    /// Counts an abandonment at `step` and takes the item out of the operation.
    mutating func abandon(slot: Int, step: Int, keepSlot: Bool = false) {
        if tracing {
            trace.append(ServiceRecord(kind: .abandoned, item: itemCase[slot], demand: Int(itemDemand[slot]), step: step, area: Int(plan.steps[step].area), start: now, end: now))
        }
        if observing {
            abandoned[Int(itemDemand[slot])] += 1
            stepAbandoned[step] += 1
        }
        if keepSlot {
            itemAlive[slot] = false
            touchWIP()
            wip -= 1
        } else {
            release(slot: slot)
        }
    }
}
