import SMPP
import Testing

@Suite struct SMPPTimeTests {
    @Test func referenceExamples() throws {
        // "261126153000000+ means 2026-11-26 15:30:00.0 UTC" (reference §3).
        let absolute = try #require(SMPPTime("261126153000000+"))
        #expect(absolute == .absolute(
            year: 26, month: 11, day: 26, hour: 15, minute: 30, second: 0, tenths: 0, utcOffsetQuarterHours: 0))
        #expect(absolute.unixSeconds == 1_795_707_000)
        #expect(absolute.string == "261126153000000+")
        // "000001000000000R means one day from now".
        let relative = try #require(SMPPTime("000001000000000R"))
        #expect(relative == .relative(years: 0, months: 0, days: 1, hours: 0, minutes: 0, seconds: 0))
        #expect(relative.string == "000001000000000R")
        #expect(relative.unixSeconds == nil)
    }

    @Test func offsetsShiftTheInstant() throws {
        // 15:30 at UTC-05:00 (20 quarter hours, sign '-') is 20:30 UTC.
        let utc: Int64 = 1_795_707_000
        let local = try #require(SMPPTime("261126153000520-"))
        let west: Int64 = utc + 5 * 3600
        #expect(local.unixSeconds == west)
        #expect(local.string == "261126153000520-")
        // 15:30 at UTC+02:00 (8 quarter hours) is 13:30 UTC.
        let east = try #require(SMPPTime("261126153000008+"))
        let eastUTC: Int64 = utc - 2 * 3600
        #expect(east.unixSeconds == eastUTC)
    }

    @Test func buildsFromUnixSeconds() {
        #expect(SMPPTime.absolute(unixSeconds: 1_795_707_000).string == "261126153000000+")
        #expect(SMPPTime.absolute(unixSeconds: 951_782_400).string == "000229000000000+")  // 2000-02-29
        #expect(SMPPTime.absolute(unixSeconds: 0).string == "000101000000000+")  // clamped to 2000
        for seconds: Int64 in stride(from: 946_684_800, to: 4_102_444_799, by: 7_654_321) {
            #expect(SMPPTime.absolute(unixSeconds: seconds).unixSeconds == seconds)
        }
    }

    @Test func relativeFromSeconds() {
        #expect(SMPPTime.relative(seconds: 3600).string == "000000010000000R")
        #expect(SMPPTime.relative(seconds: 86_400 + 61).string == "000001000101000R")
        #expect(SMPPTime.relative(seconds: -5).string == "000000000000000R")
        #expect(SMPPTime.relative(seconds: 400 * 86_400).string == "010110000000000R")  // 13 months 10 days
    }

    @Test(arguments: [
        "", "26112615300000+", "2611261530000000+", "261126153000000X", "261326153000000+", "261100153000000+",
        "261126243000000+", "261126156000000+", "261126153060000+", "261126153000049+", "000001000000100R",
        "00000100000000AR", "26112615300000 +",
    ])
    func rejectsMalformed(text: String) {
        #expect(SMPPTime(text) == nil)
    }
}

@Suite struct SMPPTimeRangeTests {
    @Test func outOfRangeComponentsNeverTrap() {
        let wild = SMPPTime.absolute(
            year: .max, month: .min, day: 0, hour: .max, minute: -1, second: 99, tenths: .max,
            utcOffsetQuarterHours: .min)
        #expect(wild.unixSeconds == nil)
        #expect(wild.string.count == 16)
        let relative = SMPPTime.relative(years: .max, months: .min, days: 5, hours: 0, minutes: 0, seconds: 0)
        #expect(relative.string.count == 16)
        #expect(SMPPTime.relative(seconds: .max).string.count == 16)
    }
}
