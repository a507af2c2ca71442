import SimModel
import Testing

/// Working-time arithmetic against cases worked by hand.
@Suite struct TimetableTests {
    // Open 9–17 on two consecutive days (hours as seconds from midnight of day one).
    let h = 3600.0
    var twoDays: Timetable { Timetable(intervals: [(9 * h, 17 * h), (33 * h, 41 * h)]) }

    @Test func workPausesOverNightAndResumes() {
        // 3 h of work started at 16:00: 1 h today, 2 h from 09:00 tomorrow → 11:00 = 35 h.
        #expect(twoDays.instant(after: 3 * h, from: 16 * h) == 35 * h)
        // Started before opening: waits for 09:00.
        #expect(twoDays.instant(after: 1 * h, from: 7 * h) == 10 * h)
        // Exactly the day's remaining time ends at the close, not at the next opening.
        #expect(twoDays.instant(after: 8 * h, from: 9 * h) == 17 * h)
        // More work than the timetable holds never finishes.
        #expect(twoDays.instant(after: 17 * h, from: 9 * h) == .infinity)
        // No work is done at once, even while closed.
        #expect(twoDays.instant(after: 0, from: 20 * h) == 20 * h)
    }

    @Test func openTimeIsTheWorkingClock() {
        #expect(twoDays.openTime(before: 0) == 0)
        #expect(twoDays.openTime(before: 12 * h) == 3 * h)
        #expect(twoDays.openTime(before: 20 * h) == 8 * h)
        #expect(twoDays.openTime(before: 34 * h) == 9 * h)
        #expect(twoDays.totalOpen == 16 * h)
        #expect(twoDays.isOpen(at: 9 * h) && !twoDays.isOpen(at: 17 * h) && !twoDays.isOpen(at: 20 * h))
    }

    @Test func touchingIntervalsJoin() {
        let t = Timetable(intervals: [(0, 10), (10, 20), (30, 40)])
        #expect(t.starts == [0, 30] && t.ends == [20, 40])
    }

    @Test func shiftsAddUp() {
        // Day shift 2 staff 9–17, evening shift 1 staff 16–22 (an hour of overlap).
        let s = StaffSchedule(shifts: [
            (2, Timetable(intervals: [(9 * h, 17 * h)])),
            (1, Timetable(intervals: [(16 * h, 22 * h)])),
        ])
        #expect(s.times == [0, 9 * h, 16 * h, 17 * h, 22 * h])
        #expect(s.levels == [0, 2, 3, 1, 0])
        // Staff-hours 2·8 + 1·6 = 22 over a day of 24 h.
        #expect(abs(s.meanStaff(until: 24 * h)! - 22.0 / 24) < 1e-12)
        #expect(s.open.starts == [9 * h] && s.open.ends == [22 * h])
    }

    @Test func rateProfileInvertsItsIntegral() {
        // 2/h for 3 h, none for 2 h, 1/h after.
        let p = RateProfile(times: [0, 3 * h, 5 * h], rates: [2 / h, 0, 1 / h])
        #expect(abs(p.expectedArrivals(before: 3 * h) - 6) < 1e-12)
        #expect(abs(p.expectedArrivals(before: 5 * h) - 6) < 1e-12)
        #expect(abs(p.expectedArrivals(before: 7 * h) - 8) < 1e-12)
        // Λ = 6 is reached at 3 h, but the next arrival cannot fall in the empty gap: it is at 5 h.
        #expect(p.instant(whenExpected: 6) == 5 * h)
        #expect(abs(p.instant(whenExpected: 7) - 6 * h) < 1e-9)
        #expect(abs(p.instant(whenExpected: 1) - 0.5 * h) < 1e-9)
        let closed = RateProfile(times: [0, h], rates: [1 / h, 0])
        #expect(closed.instant(whenExpected: 2) == .infinity)
    }
}
