import NIOCore
import NIOEmbedded
import SMPP
import Testing

@testable import SMPPNIO

/// The 16-octet header followed by `body`, as an SMSC might send it.
func rawPDU(_ commandID: UInt32, status: UInt32 = 0, sequenceNumber: UInt32, body: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = []
    for value in [UInt32(16 + body.count), commandID, status, sequenceNumber] {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
    return bytes + body
}

/// Issue 10 where the wire matters: undecodable bodies, the inbound answer race, and the drain to unbind, on an
/// EmbeddedChannel with the embedded loop's clock.
@Suite struct SMPPSessionHandlerEdgeTests {
    /// Item 1: a receipt with two stray octets after its TLVs reaches the application (whole PDU and the decode
    /// error); it is neither nacked nor dropped, and the application's answer goes out as a deliver_sm_resp.
    @Test func undecodableDeliverSMReachesTheApplication() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        _ = try harness.allWritten()
        var good = ByteBuffer()
        try PDU(.deliverSM(DeliverSM(destination: Address(address: "1"), shortMessage: Array("id:1".utf8))),
                sequenceNumber: 40).encode(into: &good)
        let body = Array(good.readableBytesView.dropFirst(16)) + [0xAB, 0xCD]
        let octets = rawPDU(0x0000_0005, sequenceNumber: 40, body: body)
        try harness.receiveRaw(octets)
        #expect(try harness.written() == nil, "it was answered (generic_nack) instead of handed over")
        let message = try #require(harness.delegate.inbound.first)
        guard case .undecodable(let commandID, let raw, _) = message.body else {
            Issue.record("expected undecodable, got \(message.body)"); return
        }
        #expect(commandID == .deliverSM)
        #expect(raw == octets)
        #expect(message.respond(status: .receiverTemporaryAppError))
        harness.loop.run()
        let answer = try #require(try harness.written())
        #expect(answer.commandID == .deliverSMResp && answer.sequenceNumber == 40)
        #expect(answer.commandStatus == .receiverTemporaryAppError)
    }

    /// Item 2: ESME_ROK whose message_id lacks its NUL, or has padding after it, is an accepted outcome with the
    /// message_id read best-effort, not "unknown" (which would make the caller resubmit: a certain duplicate).
    @Test(arguments: [Array("ABC123".utf8), Array("ABC123".utf8) + [0, 0, 0], Array("ABC123".utf8) + [0, 0x20]])
    func unparsableSubmitResponseBodyStillGivesTheHeaderStatus(body: [UInt8]) throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        try harness.receiveRaw(rawPDU(0x8000_0004, sequenceNumber: 2, body: body))
        let outcome = try #require(try results.all.first?.get())
        #expect(outcome.commandStatus == .ok)
        #expect(outcome.messageID == "ABC123")
    }

    /// Item 2: a throttle status in such a response still pauses the session.
    @Test func unparsableThrottledResponsePauses() throws {
        let harness = try HandlerHarness(window: 4)
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        try harness.receiveRaw(rawPDU(0x8000_0004, status: 0x58, sequenceNumber: 2, body: [0x41]))
        #expect(try results.all.first?.get().commandStatus == .throttled)
        #expect(harness.handler.machine.pausedUntil != nil)
        #expect(harness.handler.machine.effectiveWindow == 2)
    }

    /// Item 8: a generic_nack with a body fails its request with the header's status, and a throttle in it pauses.
    @Test func genericNackWithABodyIsAGenericNack() throws {
        let harness = try HandlerHarness(window: 4)
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        try harness.receiveRaw(rawPDU(0x8000_0000, status: 0x58, sequenceNumber: 2, body: [0, 0]))
        guard case .failure(let error) = results.all.first else { Issue.record("expected a failure"); return }
        #expect(error.code == .genericNack && error.commandStatus == 0x58)
        #expect(harness.handler.machine.pausedUntil != nil)
    }

    /// Item 5: a shutdown drain that ends on a generic_nack, or on an undecodable response, unbinds at once.
    @Test(arguments: [false, true])
    func shutdownUnbindsWhenTheDrainEndsOnANack(undecodable: Bool) throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        harness.handle.shutdown()
        harness.loop.run()
        #expect(try harness.written() == nil, "unbind before the outstanding request was answered")
        if undecodable {
            try harness.receiveRaw(rawPDU(0x8000_0004, status: 0x08, sequenceNumber: 2, body: [0x41]))
        } else {
            try harness.receive(.genericNack, sequenceNumber: 2, status: .systemError)
        }
        let unbind = try #require(try harness.written(), "the drained session did not unbind")
        #expect(unbind.body == .unbind)
        #expect(results.all.count == 1)
    }

    /// Item 4: shutdown waits for the application's answer to a held deliver_sm, writes it, then unbinds.
    @Test func shutdownWritesTheHeldAnswerBeforeUnbind() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        _ = try harness.allWritten()
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "1"))), sequenceNumber: 30)
        harness.handle.shutdown()
        harness.loop.run()
        #expect(try harness.written() == nil)
        #expect(harness.delegate.inbound[0].respond(status: .ok))
        harness.loop.run()
        let written = try harness.allWritten()
        #expect(written.map(\.commandID) == [.deliverSMResp, .unbind])
    }

    /// Item 7: the message carries its deadline; an answer after the client's own ESME_RX_T_APPN reports false.
    @Test func respondReportsWhetherTheAnswerTookEffect() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        _ = try harness.allWritten()
        let arrival = harness.loop.now
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "1"))), sequenceNumber: 31)
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "2"))), sequenceNumber: 32)
        let (late, timely) = (harness.delegate.inbound[0], harness.delegate.inbound[1])
        #expect(late.deadline == arrival + .seconds(3))
        #expect(timely.respond(status: .ok))
        #expect(!timely.respond(status: .ok), "a second answer takes no effect")
        harness.loop.advanceTime(by: .seconds(3))
        #expect(!late.respond(status: .ok), "answered after the client's ESME_RX_T_APPN")
        let written = try harness.allWritten()
        #expect(written.map(\.sequenceNumber) == [32, 31])
        #expect(written.map(\.commandStatus) == [.ok, .receiverTemporaryAppError])
    }

    /// Item 7: an answer given before the deadline whose delivery to the event loop races the timeout is the one
    /// written (respond said true), not ESME_RX_T_APPN.
    @Test func anAnswerThatWonTheRaceIsWrittenAtTheDeadline() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        _ = try harness.allWritten()
        try harness.receive(.deliverSM(DeliverSM(destination: Address(address: "1"))), sequenceNumber: 33)
        // The answer is decided, but its hop to the loop (queued, not yet run) comes after the deadline fired:
        // the machine's expiry is played by hand before the queued hop runs.
        #expect(harness.delegate.inbound[0].respond(status: .ok))
        _ = harness.handler.machine.inbound.remove(33)
        harness.handler.run(.inboundExpired(sequenceNumber: 33), now: harness.loop.now)
        harness.loop.run()
        let written = try harness.allWritten()
        #expect(written.count == 1)
        #expect(written.first?.commandStatus == .ok)
    }

    /// Item 10: a submit_sm_resp after the response timeout surfaces with the caller's tag and the message_id.
    @Test func lateSubmitResponseIsReportedWithItsTag() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results, tag: 77)
        _ = try harness.allWritten()
        harness.loop.advanceTime(by: .seconds(5))
        guard case .failure(let error) = results.all.first else { Issue.record("expected timeout"); return }
        #expect(error.code == .responseTimeout)
        try harness.receive(.submitSMResp(SubmitSMResp(messageID: "LATE1")), sequenceNumber: 2)
        let late = try #require(harness.delegate.late.first)
        #expect(late.tag == 77)
        #expect(late.outcome.messageID == "LATE1" && late.outcome.commandStatus == .ok)
        #expect(late.outcome.latency == .seconds(5))
        #expect(results.all.count == 1)
    }
}
