import BridgeCore
import Foundation
import Testing

@Suite struct JSONTimeAndBase64Tests {
    @Test(arguments: [
        ("2026-12-01T10:33:37Z", 1_796_121_217.0),
        ("2026-12-01T10:33:37.5Z", 1_796_121_217.5),
        ("2026-12-01t10:33:37.123456789z", 1_796_121_217.123456789),
        ("2026-12-01T12:33:37+02:00", 1_796_121_217.0),
        ("2026-12-01T05:03:37-05:30", 1_796_121_217.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("1969-12-31T23:59:59.250Z", -0.75),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("2026-12-31T23:59:60Z", 1_798_761_600.0),
    ])
    func parsesRFC3339(_ text: String, _ seconds: Double) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test(arguments: [
        "2026-12-01", "2026-12-01T10:33:37", "2026-12-01 10:33:37Z", "2026-13-01T10:33:37Z", "2026-02-29T10:33:37Z",
        "2026-12-01T24:00:00Z", "2026-12-01T10:60:00Z", "2026-12-01T10:33:61Z", "2026-12-01T10:33:37.Z",
        "2026-12-01T10:33:37+0200", "2026-12-01T10:33:37+24:00", "2026-12-01T10:33:37Z ", "２026-12-01T10:33:37Z",
        "2026-1-01T10:33:37Z", "1767225217",
    ])
    func rejectsOtherTimes(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func formatsUTCWithMillisecondsTruncated() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_796_121_217.123)) == "2026-12-01T10:33:37.123Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_796_121_217.9999)) == "2026-12-01T10:33:37.999Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        // Out-of-range dates are clamped, never a trap.
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
        #expect(RFC3339.format(Date.distantPast) == "0001-01-01T00:00:00.000Z")
    }

    @Test func formatAgreesWithFoundationOverADayGrid() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        // One date every 102 947 s from 1990 to 2100 (about 33 700 dates): civil-date arithmetic across leap years.
        var seconds = 631_152_000.0
        while seconds < 4_102_444_800 {
            let date = Date(timeIntervalSince1970: seconds + 0.25)
            let ours = RFC3339.format(date)
            #expect(ours == formatter.string(from: date))
            #expect(RFC3339.parse(ours) == date)
            seconds += 7919 * 13
        }
    }

    @Test func base64RoundTripsEveryLength() {
        var octets: [UInt8] = []
        for length in 0..<64 {
            let text = Base64.encode(octets)
            #expect(text == Data(octets).base64EncodedString())
            #expect(Base64.decode(text) == octets)
            octets.append(UInt8(truncatingIfNeeded: length &* 37 &+ 11))
        }
    }

    @Test(arguments: ["QQ", "QQ=", "Q===", "QR==", "QUI=QUI=", "QU I=", "QUJD\n", "QU-_", "====", "QUJ=="])
    func base64RejectsNonCanonicalText(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
