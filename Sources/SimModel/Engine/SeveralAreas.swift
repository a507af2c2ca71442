import SimKernel
import SimStatistics

/// Steps that need several areas at once (a pharmacist and a technician).
extension Replication {
    @inline(__always)
    func hasFreeStaff(_ a: Int) -> Bool { areaStaff[a] < 0 || areaBusy[a] < areaStaff[a] }

    /// Whether every one of `areas` has someone free. (A loop: passing a method of this
    /// non-copyable engine as a closure crashes the Swift 6.3 compiler's move checker.)
    func allFree(_ areas: [Int]) -> Bool {
        for a in areas where !hasFreeStaff(a) { return false }
        return true
    }

    /// A step that needs several areas: it starts only when every one has someone free and
    /// nobody is waiting ahead of it; otherwise it waits in its own FIFO queue, counted in the
    /// queue of each area it needs. Nothing is held while waiting, so nothing can deadlock.
    mutating func joinJoint(slot: Int, step: Int, joint j: Int) {
        let areas = plan.jointAreas[j]
        if jointQueues[j].isEmpty && allFree(areas) {
            seize(slot: slot, step: step, joint: j)
            return
        }
        guard let givesUp = patience(slot: slot, step: step) else { return }
        for a in areas {
            touchArea(a)
            areaQueued[a] += 1
        }
        jointQueues[j].push(Int32(slot))
        beginWait(slot: slot, until: givesUp)
    }

    /// Takes one person from every area of a joint step and starts the work.
    mutating func seize(slot: Int, step: Int, joint j: Int) {
        let areas = plan.jointAreas[j]
        for b in areas.dropFirst() {
            touchArea(b)
            areaBusy[b] += 1
        }
        // The first area's hours govern the work (the others are busy alongside).
        startService(slot: slot, step: step, area: areas[0])
    }

    /// The head of a queue that is still waiting; abandoned items met on the way are freed.
    mutating func liveHead(ofJoint j: Int) -> Int? {
        while let first = jointQueues[j].first {
            let slot = Int(first)
            if itemAbandoned[slot] {
                _ = jointQueues[j].pop()
                freeAbandoned(slot)
                continue
            }
            return slot
        }
        return nil
    }

    /// Area `a` has someone free: the item that has waited longest among those it could start
    /// (its own queue's head, by priority class, and the heads of joint steps whose every area
    /// now has someone free) starts; repeated while anyone is free.
    mutating func dispatch(area a: Int) {
        while hasFreeStaff(a) {
            var best: (slot: Int, enter: Double, joint: Int, queue: Int)?
            if let own = liveHead(ofArea: a) {
                best = (own.slot, itemEnter[own.slot], -1, own.queue)
            }
            for j in plan.areaJoints[a] {
                guard let head = liveHead(ofJoint: j), allFree(plan.jointAreas[j]) else { continue }
                if best == nil || itemEnter[head] < best!.enter { best = (head, itemEnter[head], j, -1) }
            }
            guard let chosen = best else { return }
            if chosen.joint >= 0 {
                _ = jointQueues[chosen.joint].pop()
                for b in plan.jointAreas[chosen.joint] {
                    touchArea(b)
                    areaQueued[b] -= 1
                }
                seize(slot: chosen.slot, step: Int(itemStep[chosen.slot]), joint: chosen.joint)
            } else {
                _ = queues[chosen.queue].pop()
                touchArea(a)
                areaQueued[a] -= 1
                startService(slot: chosen.slot, step: Int(itemStep[chosen.slot]), area: a)
            }
        }
    }
}
