import NIOCore
import NIOEmbedded
import SMPP
import Testing

@testable import SMPPNIO

/// Control PDUs whose header is readable but whose body does not parse: judged by the header, as a readable one
/// would be, instead of leaving the session waiting for a timeout (a review of SMPPNIO found each of these).
@Suite struct SMPPSessionHandlerMalformedControlTests {
    /// bind_transceiver_resp ESME_ROK with a 17-character system_id (the field allows 15): the session is bound,
    /// as the SMSC believes, instead of timing out the bind and reconnecting forever.
    @Test func malformedBindResponseWithROKBinds() throws {
        let harness = try HandlerHarness()
        try harness.connect()
        #expect(try harness.written()?.commandID == .bindTransceiver)
        try harness.receiveRaw(rawPDU(0x8000_0009, sequenceNumber: 1, body: Array("ABCDEFGHIJKLMNOPQ".utf8) + [0]))
        #expect(harness.delegate.bound == [0])
        harness.loop.advanceTime(by: .seconds(11))
        #expect(harness.delegate.ended.isEmpty, "the bound session ended: \(harness.delegate.ended)")
    }

    /// A rejection whose body does not parse is a rejected bind (its status), not a bind timeout.
    @Test func malformedBindRejectionIsARejection() throws {
        let harness = try HandlerHarness()
        try harness.connect()
        _ = try harness.written()
        try harness.receiveRaw(rawPDU(0x8000_0009, status: 0x0E, sequenceNumber: 1, body: [0x41]))
        harness.loop.run()
        #expect(harness.delegate.bound.isEmpty)
        let reason = try #require(harness.delegate.ended.first?.0)
        #expect(reason != .bindTimeout, "ended as \(reason)")
    }

    /// enquire_link_resp with a stray octet answers the enquire_link: the idle link is not declared dead.
    @Test func enquireLinkResponseWithTrailingOctetKeepsTheLink() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        _ = try harness.allWritten()
        harness.loop.advanceTime(by: .seconds(30))
        let enquire = try #require(try harness.written())
        #expect(enquire.commandID == .enquireLink)
        try harness.receiveRaw(rawPDU(0x8000_0015, sequenceNumber: enquire.sequenceNumber, body: [0]))
        harness.loop.advanceTime(by: .seconds(6))
        #expect(harness.delegate.ended.isEmpty, "the session ended: \(harness.delegate.ended)")
    }

    /// The SMSC's enquire_link and unbind with a stray octet get their proper answers, not generic_nack; an
    /// alert_notification that does not parse is not answered at all (it never is).
    @Test func malformedEnquireLinkAndUnbindAreAnswered() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        _ = try harness.allWritten()
        try harness.receiveRaw(rawPDU(0x0000_0102, sequenceNumber: 50, body: [0xFF]))
        #expect(try harness.written() == nil, "alert_notification was answered")
        try harness.receiveRaw(rawPDU(0x0000_0015, sequenceNumber: 51, body: [0]))
        let answer = try #require(try harness.written())
        #expect(answer.commandID == .enquireLinkResp && answer.sequenceNumber == 51)
        try harness.receiveRaw(rawPDU(0x0000_0006, sequenceNumber: 52, body: [0]))
        harness.loop.run()
        let unbindAnswer = try #require(try harness.written())
        #expect(unbindAnswer.commandID == .unbindResp && unbindAnswer.sequenceNumber == 52)
    }
}
