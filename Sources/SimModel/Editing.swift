/// The parts of a scenario that a plan changes, kept in the model as the file writes them, and
/// the typed edits that change them.
///
/// A model is otherwise resolved: shifts are summed into one staff schedule and campaigns are
/// multiplied into each demand type's rate profile. To staff a shift differently or raise a
/// campaign's multiplier without reading the file again, the model also keeps the shifts and
/// the campaign-free rate shapes, and an edit rebuilds the resolved parts from them with the
/// same arithmetic the loader uses, so that an edited model equals the one the file would give
/// with the edit written into it.

/// A window of elapsed time in which demand is multiplied (`campaigns:` in a scenario).
public struct Campaign: Sendable, Equatable {
    public var name: String
    public var start: Double
    public var end: Double
    /// The campaign's demand multiplier.
    public var multiplier: Double
    /// The demand types it multiplies (indices into `Model.demands`).
    public var demands: [Int]

    public init(name: String, start: Double, end: Double, multiplier: Double, demands: [Int]) {
        self.name = name
        self.start = start
        self.end = end
        self.multiplier = multiplier
        self.demands = demands
    }
}

/// A Poisson rate shaped by a demand pattern, before any campaign: pieces that each start at
/// `starts[i]` (seconds; the first may lie before time 0) with `rates[i]` per second.
public struct DemandShape: Sendable, Equatable {
    public var starts: [Double]
    public var rates: [Double]

    public init(starts: [Double], rates: [Double]) {
        self.starts = starts
        self.rates = rates
    }

    /// The rate profile with the campaigns applied: campaign edges split the pieces, and each
    /// piece takes the product of the multipliers of the campaigns that cover its start.
    public func profile(horizon: Double, campaigns: [Campaign]) -> RateProfile {
        var cuts = Set(starts.filter { $0 > 0 && $0 < horizon })
        for c in campaigns { cuts.insert(c.start); cuts.insert(c.end) }
        cuts.insert(0)
        let times = cuts.filter { $0 >= 0 && $0 < horizon }.sorted()
        var out: [Double] = []
        var p = 0
        for t in times {
            while p + 1 < starts.count && starts[p + 1] <= t { p += 1 }
            var r = starts.isEmpty || starts[p] > t ? 0 : rates[p]
            for c in campaigns where c.start <= t && t < c.end { r *= c.multiplier }
            out.append(r)
        }
        return RateProfile(times: times, rates: out)
    }
}

/// Staff who work while a timetable is open (an area's base staff, or one of its `shifts`).
public struct Shift: Sendable, Equatable {
    /// The shift's name in the file; `nil` for the area's base staff and unnamed shifts.
    public var name: String?
    /// `nil`: unlimited (the base staff of an area without a limit).
    public var staff: Int?
    /// When these staff are on duty, within the horizon.
    public var open: Timetable
    /// When they are employed, which is what they cost.
    public var from: Double
    public var until: Double

    public init(name: String?, staff: Int?, open: Timetable, from: Double, until: Double) {
        self.name = name
        self.staff = staff
        self.open = open
        self.from = from
        self.until = until
    }
}

extension Area {
    /// The area with `staff` people as its base staff (outside any shift).
    public func withStaff(_ staff: Int, horizon: Double?) -> Area {
        var area = self
        area.staff = staff
        if !area.shifts.isEmpty { area.shifts[0].staff = staff }
        area.resolveShifts(horizon: horizon)
        return area
    }

    /// The area with its shift `name` staffed by `staff`; `nil` when it has no shift of that name.
    public func withShift(named name: String, staff: Int, horizon: Double?) -> Area? {
        guard let i = shifts.indices.dropFirst().first(where: { shifts[$0].name == name }) else { return nil }
        var area = self
        area.shifts[i].staff = staff
        area.resolveShifts(horizon: horizon)
        return area
    }

    /// The area with one more shift of `staff` people from `from` until `until`, in the
    /// area's working hours (its base staff's timetable). Needs a horizon, as shifts do.
    public func addingShift(named name: String, staff: Int, from: Double, until: Double, horizon: Double) -> Area {
        var area = self
        if area.shifts.isEmpty {
            area.shifts = [Shift(name: nil, staff: area.staff, open: Timetable(intervals: [(0, horizon)]), from: 0, until: horizon)]
        }
        let window = Timetable(intervals: [(from, min(until, horizon))])
        area.shifts.append(Shift(name: name, staff: staff, open: area.shifts[0].open.intersection(window), from: from, until: min(until, horizon)))
        area.resolveShifts(horizon: horizon)
        return area
    }

    /// `schedule` and `roster` from `shifts` (or from `staff` when the area has none): the loader
    /// and every edit derive them here, so that they cannot disagree.
    public mutating func resolveShifts(horizon: Double?) {
        if shifts.isEmpty {
            schedule = nil
            roster = staff.map { [Hire(staff: $0, from: 0, until: horizon ?? .infinity)] } ?? []
            return
        }
        schedule = StaffSchedule(shifts: shifts.map { ($0.staff, $0.open) })
        roster = shifts.compactMap { s in s.staff.map { Hire(staff: $0, from: s.from, until: s.until) } }
    }
}

extension Model {
    /// The model with campaign `c`'s multiplier set to `multiplier`: the rate profiles of the
    /// demand types it multiplies are rebuilt from their shapes. A demand type without a shape
    /// (arrivals from a file or a gap distribution) is left unchanged, as the loader leaves it.
    public func withCampaign(_ c: Int, multiplier: Double) -> Model {
        var model = self
        model.campaigns[c].multiplier = multiplier
        guard let horizon else { return model }
        for d in model.campaigns[c].demands {
            guard let shape = model.demands[d].shape else { continue }
            model.demands[d].arrivals = .varying(shape.profile(horizon: horizon, campaigns: model.campaigns.filter { $0.demands.contains(d) }))
        }
        return model
    }
}
