import SMPP
import Testing

/// A test instant: plain seconds, so time is an input and nothing reads a clock.
struct TestInstant: InstantProtocol {
    var seconds: Int64
    func advanced(by duration: Duration) -> TestInstant { TestInstant(seconds: seconds + duration.components.seconds) }
    func duration(to other: TestInstant) -> Duration { .seconds(other.seconds - seconds) }
    static func < (lhs: TestInstant, rhs: TestInstant) -> Bool { lhs.seconds < rhs.seconds }
}

@Suite struct MessageReassemblerTests {
    static let text = String(repeating: "Part of a long MO message. ", count: 20)

    /// Builds MO parts the way an SMSC would, reusing the segmenter.
    static func parts(
        _ text: String = text,
        method: ConcatenationMethod,
        reference: UInt16 = 77,
        source: String = "+573001234567"
    ) throws -> [ConcatenatedPart] {
        let encoded = try SMSText.encode(text)
        let message = try MessageSegmenter(method: method).segment(encoded, reference: reference)
        return try message.parts.map { part in
            try #require(ConcatenatedPart.from(
                source: source, destination: "12345", esmClass: part.esmClassFlags, dataCoding: part.dataCoding,
                shortMessage: part.shortMessage, tlvs: part.tlvs))
        }
    }

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index in
            var rest = items
            let head = rest.remove(at: index)
            return permutations(rest).map { [head] + $0 }
        }
    }

    @Test(arguments: [ConcatenationMethod.udh8, .udh16, .sar])
    func completesInEveryOrder(method: ConcatenationMethod) throws {
        let parts = try Self.parts(method: method)
        #expect(parts.count == 4)
        for order in Self.permutations(parts) {
            var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(60))
            var outcomes = [ReassemblyEvent.Outcome]()
            for (step, part) in order.enumerated() {
                outcomes.append(reassembler.partReceived(part, now: TestInstant(seconds: Int64(step))).outcome)
            }
            #expect(outcomes.dropLast() == [.pending(received: 1, total: 4), .pending(received: 2, total: 4), .pending(received: 3, total: 4)])
            guard case .complete(let message)? = outcomes.last else {
                Issue.record("not complete")
                continue
            }
            #expect(message.isComplete && message.parts.map(\.concatenation.index) == [1, 2, 3, 4])
            #expect(message.decode().text == Self.text)
            #expect(reassembler.pendingCount == 0 && reassembler.pendingOctets == 0)
        }
    }

    @Test func duplicatesAreIgnored() throws {
        let parts = try Self.parts(method: .udh8)
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(60))
        let now = TestInstant(seconds: 0)
        #expect(reassembler.partReceived(parts[0], now: now).outcome == .pending(received: 1, total: 4))
        #expect(reassembler.partReceived(parts[0], now: now).outcome == .duplicate)
        for part in parts.dropFirst() { _ = reassembler.partReceived(part, now: now) }
        // The SMSC delivers part 2 again after completion: still a duplicate, not a new message.
        #expect(reassembler.partReceived(parts[1], now: TestInstant(seconds: 10)).outcome == .duplicate)
        #expect(reassembler.pendingCount == 0)
        // A new message reusing the reference after the window starts a new group.
        #expect(reassembler.partReceived(parts[1], now: TestInstant(seconds: 61)).outcome == .pending(received: 1, total: 4))
    }

    @Test func reusedReferenceWithNewContentIsANewMessage() throws {
        let first = try Self.parts(method: .udh8)
        let second = try Self.parts(String(repeating: "Another message entirely! ", count: 21), method: .udh8)
        #expect(second.count == 4)
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(60))
        for part in first { _ = reassembler.partReceived(part, now: TestInstant(seconds: 0)) }
        #expect(reassembler.partReceived(second[0], now: TestInstant(seconds: 1)).outcome == .pending(received: 1, total: 4))
    }

    /// The reference is reused while the earlier message is still incomplete: the earlier one comes back, incomplete,
    /// among the evicted (never dropped), and the new message completes on its own.
    @Test func reusedReferenceWhileIncompleteReturnsTheEarlierMessage() throws {
        let first = try Self.parts(method: .udh8)
        let secondText = String(repeating: "Another message entirely! ", count: 21)
        let second = try Self.parts(secondText, method: .udh8)
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(60))
        _ = reassembler.partReceived(first[0], now: TestInstant(seconds: 0))
        _ = reassembler.partReceived(first[1], now: TestInstant(seconds: 1))
        let event = reassembler.partReceived(second[0], now: TestInstant(seconds: 2))
        #expect(event.outcome == .pending(received: 1, total: 4))
        let earlier = try #require(event.evicted.first)
        #expect(event.evicted.count == 1 && !earlier.isComplete && earlier.missing == [3, 4])
        #expect(earlier.parts.map(\.userData) == [first[0].userData, first[1].userData])
        var last: ReassemblyEvent.Outcome?
        for part in second.dropFirst() { last = reassembler.partReceived(part, now: TestInstant(seconds: 3)).outcome }
        guard case .complete(let message)? = last else { Issue.record("not complete"); return }
        #expect(message.decode().text == secondText && reassembler.pendingOctets == 0)
    }

    /// A one-part concatenated message delivered again within the window is a duplicate, as a longer one's part is.
    @Test func aOnePartMessageDeliveredAgainIsADuplicate() throws {
        let part = try #require(ConcatenatedPart.from(
            source: "+573001234567", destination: "12345", esmClass: 0x40, dataCoding: 0,
            shortMessage: [0x05, 0x00, 0x03, 0x09, 0x01, 0x01, 0x48, 0x69], tlvs: []))
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(60))
        guard case .complete = reassembler.partReceived(part, now: TestInstant(seconds: 0)).outcome else {
            Issue.record("not complete"); return
        }
        #expect(reassembler.partReceived(part, now: TestInstant(seconds: 5)).outcome == .duplicate)
        guard case .complete = reassembler.partReceived(part, now: TestInstant(seconds: 61)).outcome else {
            Issue.record("after the window it is a new message"); return
        }
    }

    @Test func expiryReturnsIncompleteGroups() throws {
        let parts = try Self.parts(method: .udh16)
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(30))
        _ = reassembler.partReceived(parts[2], now: TestInstant(seconds: 100))
        _ = reassembler.partReceived(parts[0], now: TestInstant(seconds: 110))
        #expect(reassembler.nextExpiry == TestInstant(seconds: 130))
        #expect(reassembler.expire(now: TestInstant(seconds: 129)).isEmpty)
        let expired = reassembler.expire(now: TestInstant(seconds: 130))
        #expect(expired.count == 1)
        let message = try #require(expired.first)
        #expect(!message.isComplete && message.missing == [2, 4] && message.parts.map(\.concatenation.index) == [1, 3])
        #expect(message.key.reference == 77 && message.key.total == 4)
        #expect(reassembler.pendingCount == 0 && reassembler.nextExpiry == nil)
    }

    @Test func inconsistentPartsAreRejected() {
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(30))
        let now = TestInstant(seconds: 0)
        func part(_ total: UInt8, _ index: UInt8, dataCoding: UInt8 = 0) -> ConcatenatedPart {
            ConcatenatedPart(
                source: "a", destination: "b", concatenation: .init(scheme: .udh8, reference: 1, total: total, index: index),
                dataCoding: dataCoding, userData: [0x41])
        }
        #expect(reassembler.partReceived(part(0, 0), now: now).outcome == .rejected(.init(code: .zeroTotal, concatenation: part(0, 0).concatenation)))
        #expect(reassembler.partReceived(part(3, 0), now: now).outcome == .rejected(.init(code: .indexOutOfRange, concatenation: part(3, 0).concatenation)))
        #expect(reassembler.partReceived(part(3, 4), now: now).outcome == .rejected(.init(code: .indexOutOfRange, concatenation: part(3, 4).concatenation)))
        #expect(reassembler.partReceived(part(3, 1), now: now).outcome == .pending(received: 1, total: 3))
        guard case .rejected(let rejection) = reassembler.partReceived(part(3, 2, dataCoding: 8), now: now).outcome else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.code == .dataCodingMismatch && rejection.description.contains("data_coding_mismatch"))
        guard case .complete(let single) = reassembler.partReceived(part(1, 1), now: now).outcome else {
            Issue.record("a 1-part message is complete at once")
            return
        }
        #expect(single.decode().text == "A")
    }

    @Test func memoryIsBounded() {
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(300), maximumGroups: 3, maximumOctets: 1_000)
        var evicted = [ReassembledMessage]()
        for reference in UInt16(0)..<10 {
            let part = ConcatenatedPart(
                source: "s", destination: "d", concatenation: .init(scheme: .udh8, reference: reference, total: 2, index: 1),
                dataCoding: 0, userData: [UInt8](repeating: 0x41, count: 100))
            evicted += reassembler.partReceived(part, now: TestInstant(seconds: Int64(reference))).evicted
            #expect(reassembler.pendingCount <= 3 && reassembler.pendingOctets <= 1_000)
        }
        #expect(evicted.map(\.key.reference) == [0, 1, 2, 3, 4, 5, 6])
        let big = ConcatenatedPart(
            source: "s", destination: "d", concatenation: .init(scheme: .udh8, reference: 99, total: 2, index: 1),
            dataCoding: 0, userData: [UInt8](repeating: 0x42, count: 950))
        let event = reassembler.partReceived(big, now: TestInstant(seconds: 20))
        #expect(event.evicted.count == 3 && reassembler.pendingOctets == 950)
    }

    @Test func notConcatenatedIsNil() {
        #expect(ConcatenatedPart.from(source: "a", destination: "b", esmClass: 0, dataCoding: 0, shortMessage: [0x41]) == nil)
        // UDHI with a UDH that has only ports.
        #expect(ConcatenatedPart.from(source: "a", destination: "b", esmClass: 0x40, dataCoding: 4,
                                      shortMessage: [0x04, 0x04, 0x02, 0x10, 0x20, 0xFF]) == nil)
        // SAR triple in TLVs with the text in message_payload.
        let sar = ConcatenationInfo(scheme: .sar, reference: 513, total: 2, index: 2)
        let part = ConcatenatedPart.from(source: "a", destination: "b", esmClass: 0, dataCoding: 0, shortMessage: [],
                                         tlvs: sar.sarTLVs + [TLV(tag: TLVTag(rawValue: 0x0424), value: [0x41, 0x42])])
        #expect(part?.concatenation == sar && part?.userData == [0x41, 0x42])
    }

    @Test func packedPartsDecodeWithTheirFillBits() throws {
        let encoded = try SMSText.encode(Self.text, defaultAlphabet: .gsm7Packed)
        let message = try MessageSegmenter(method: .udh8).segment(encoded, reference: 5)
        var reassembler = MessageReassembler<TestInstant>(timeout: .seconds(60))
        var result: ReassembledMessage?
        for part in message.parts.reversed() {
            let mo = try #require(ConcatenatedPart.from(source: "s", destination: "d", esmClass: 0x40, dataCoding: 0, shortMessage: part.shortMessage))
            if case .complete(let done) = reassembler.partReceived(mo, now: TestInstant(seconds: 0)).outcome { result = done }
        }
        #expect(try #require(result).decode(defaultAlphabet: .gsm7Packed).text == Self.text)
    }
}
