import Foundation
import SMPP
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

    /// The FNV reference's 128-bit FNV-1a values (the empty input is the offset basis).
    @Test func fnv1a128MatchesTheReference() {
        var empty = FNV1a128()
        empty.add(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(empty.value == 0x6C62_272E_07BB_0142_62B8_2175_6295_C58D)
        var a = FNV1a128()
        Array("a".utf8).withUnsafeBytes { a.add($0) }
        #expect(a.value == 0xD228_CB69_6F1A_8CAF_7891_2B70_4E4A_8964)
    }

    @Test func derivedIdsAreStableVersion8UUIDsThatDependOnEveryField() throws {
        let fields: [[UInt8]] = [Array("delivery_receipt".utf8), Array("acme".utf8), [1, 1], Array("573001".utf8)]
        let id = EventID.derived(from: fields)
        #expect(EventID.derived(from: fields) == id, "the same fields, the same id")
        let parsed = try #require(UUID(uuidString: id), "\(id)")
        #expect(parsed.uuidString == id)
        let bytes = withUnsafeBytes(of: parsed.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 8, "version 8")
        #expect(bytes[8] >> 6 == 0b10, "RFC 4122 variant")
        var changed = fields
        changed[3] = Array("573002".utf8)
        #expect(EventID.derived(from: changed) != id)
        // The length prefix keeps field boundaries apart: "ab","c" is not "a","bc".
        #expect(EventID.derived(from: [Array("ab".utf8), Array("c".utf8)])
            != EventID.derived(from: [Array("a".utf8), Array("bc".utf8)]))
    }

    /// A receipt's id hashes its fields where they lie; it equals the id of the same fields as arrays.
    @Test func aReceiptsIDIsItsFieldsDerivedID() {
        let message = InboundShortMessage(
            source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(ton: 5, address: "ACME"),
            esmClass: .deliveryReceipt, dataCoding: 3, shortMessage: Array("id:R1 stat:DELIVRD".utf8),
            tlvs: [TLV(tag: TLVTag.messageState, value: [2]), TLV(tag: TLVTag.receiptedMessageID, value: Array("R1\0".utf8))])
        let fields: [[UInt8]] = [
            Array("delivery_receipt".utf8), Array("acme".utf8), [1, 1], Array("573001234567".utf8), [5, 0],
            Array("ACME".utf8), [message.esmClass.rawValue, 3], message.shortMessage,
            [0x04, 0x27], [2], [0x00, 0x1E], Array("R1\0".utf8),
        ]
        #expect(message.receiptEventID(account: "acme") == EventID.derived(from: fields))
    }
}

extension EventID {
    /// The derived id of whole fields given as arrays: the reference the hash-where-they-lie callers are checked
    /// against (the bridge itself never builds the arrays).
    static func derived(from fields: [[UInt8]]) -> String {
        var hash = FNV1a128()
        for field in fields { hash.addField(field) }
        return derived(from: hash)
    }
}
