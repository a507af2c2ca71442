import SimKernel

/// The event loop: what an event means, in which order events at one instant run, and the
/// loop that runs them to the horizon. Everything an event does is in the handlers beside it.
extension Replication {
    /// What an event means to the engine; stored in the low byte of the kernel's `Event.kind`
    /// (a patience event carries its wait's token in the bits above).
    enum Kind: Int32 {
        case sample, warmupEnd, serviceEnd, arrival, staffChange
        /// An item's handoff into its next step is over.
        case handoffEnd
        /// A waiting customer's patience runs out.
        case patience
        /// A contact caused by an item (a complaint) arrives.
        case contact

        /// At equal times, bookkeeping runs first (a sample or the end of warm-up sees the state
        /// before anything else happens at that instant), then departures, then changes of staff
        /// on duty, then arrivals, so an item that leaves frees its place for one that arrives at
        /// the same moment, and work finished as a shift ends counts within the shift.
        var priority: UInt8 {
            switch self {
            case .sample, .warmupEnd: return 0
            case .serviceEnd: return 1
            case .staffChange: return 2
            case .arrival, .handoffEnd, .contact: return 3
            // Served at the very instant patience runs out counts as served.
            case .patience: return 4
            }
        }
    }

    @inline(__always)
    mutating func schedule(_ kind: Kind, at time: Double, subject: Int32 = 0, tag: UInt32 = 0) {
        events.schedule(at: time, kind: kind.rawValue | Int32(bitPattern: tag << 8), subject: subject, priority: kind.priority)
    }

    /// Runs replication `options.replication` to the horizon (or until the system drains) and
    /// returns its figures. The state is reset first, so one `Replication` runs any number.
    public mutating func run(_ options: ReplicationOptions) -> ReplicationOutput {
        reset(options)
        for d in plan.demands.indices where plan.demands[d].limit > 0 {
            scheduleArrival(of: d, index: 0, after: 0)
        }
        if plan.model.warmup > 0 { schedule(.warmupEnd, at: plan.model.warmup) }
        for a in plan.areas.indices {
            if let times = areaSchedule[a]?.times, times.count > 1 {
                schedule(.staffChange, at: times[1], subject: Int32(a))
            }
        }
        if seriesStep > 0 { schedule(.sample, at: 0) }

        let horizon = plan.horizon
        while let event = events.popNext() {
            if event.time >= horizon { break }
            now = event.time
            eventCount &+= 1
            let subject = Int(event.subject)
            switch event.kind & 0xFF {
            case Kind.arrival.rawValue: arrive(demand: subject)
            case Kind.serviceEnd.rawValue: finishService(slot: subject)
            case Kind.handoffEnd.rawValue: endHandoff(slot: subject)
            case Kind.patience.rawValue: runOutOfPatience(slot: subject, token: UInt32(bitPattern: event.kind) >> 8)
            case Kind.contact.rawValue: contactArrives(subject)
            case Kind.warmupEnd.rawValue: startObserving()
            case Kind.sample.rawValue: takeSample()
            case Kind.staffChange.rawValue: changeStaff(area: subject)
            default: preconditionFailure("unknown event kind \(event.kind)")
            }
        }
        if horizon.isFinite {
            now = horizon
            if seriesStep > 0 { closeSeriesInterval() }
        }
        return finish()
    }
}
