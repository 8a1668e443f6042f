import Foundation
import Testing

@testable import BridgeCore

@Suite struct EventIDTests {
    @Test func idsAreCanonicalUpperCaseVersion4UUIDs() throws {
        var seen = Set<String>()
        for _ in 0..<1_000 {
            let id = EventID.make()
            let parsed = try #require(UUID(uuidString: id), "\(id)")
            #expect(parsed.uuidString == id, "canonical upper-case form")
            let bytes = withUnsafeBytes(of: parsed.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 4, "version 4")
            #expect(bytes[8] >> 6 == 0b10, "RFC 4122 variant")
            seen.insert(id)
        }
        #expect(seen.count == 1_000)
    }

    @Test func theBitsComeFromTheGenerator() {
        struct Counting: RandomNumberGenerator {
            var value: UInt64 = 0x0123_4567_89AB_CDEF
            mutating func next() -> UInt64 {
                defer { value = ~value }
                return value
            }
        }
        var generator = Counting()
        // Bytes little-endian per 64-bit draw, then version and variant bits set.
        #expect(EventID.make(using: &generator) == "EFCDAB89-6745-4301-9032-547698BADCFE")
    }
}
