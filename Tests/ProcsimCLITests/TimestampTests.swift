import Foundation
import SimKernel
@testable import SimReport
import Testing

/// The event log's timestamps against Foundation's own ISO 8601 formatter, which wrote them
/// before: the same text for every instant, in zones with whole-hour, half-hour and
/// quarter-hour offsets and their daylight-saving changes, and in the historical offsets with
/// seconds that zones had before standard time.
@Suite struct TimestampTests {
    static let zones = ["UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/St_Johns",
                        "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "Africa/Monrovia"]

    @Test(arguments: zones)
    func timestampsAreTheFormattersText(zone: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // Starts in 2026, in 1850 (before standard time, offsets with seconds) and near 9999.
        for startYear in [2026.0, 1850, 9998] {
            let start = Date(timeIntervalSince1970: (startYear - 1970) * 365.2425 * 86_400 + 0.25)
            var timestamps = Timestamps(start: start, zone: timeZone)
            var mismatches: [String] = []
            for k in 0..<20_000 {
                // Seconds over two years: every hour of both daylight-saving changes is hit,
                // with fractions that round to the millisecond either way, and whole seconds.
                let u = Double(StreamKeying.mix(UInt64(k) &+ 42) >> 11) / Double(1 << 53)
                let seconds = k % 3 == 0 ? (u * 6.4e7).rounded() : u * 6.4e7
                var bytes: [UInt8] = []
                timestamps.append(seconds, to: &bytes)
                let expected = formatter.string(from: start.addingTimeInterval((seconds * 1000).rounded() / 1000))
                if String(decoding: bytes, as: UTF8.self) != expected && mismatches.count < 5 {
                    mismatches.append("\(seconds): \(String(decoding: bytes, as: UTF8.self)) != \(expected)")
                }
            }
            #expect(mismatches.isEmpty, "\(zone) from \(startYear): \(mismatches)")
        }
    }

    /// Days since 1970 to civil dates against Foundation's Gregorian calendar, across leap
    /// centuries (1700, 1800, 1900 are not leap years, 2000 is), from 1600 (Foundation's
    /// calendar is Julian before 1582, and earlier years go to the formatter) to 9999.
    @Test func civilDatesAreTheGregorianCalendars() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: -135_140, through: 2_932_800, by: 97) {
            let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            let (y, m, d) = Timestamps.civil(days)
            if (y, m, d) != (c.year!, c.month!, c.day!) {
                Issue.record("day \(days): \(y)-\(m)-\(d), Foundation \(c.year!)-\(c.month!)-\(c.day!)")
                return
            }
        }
    }
}
