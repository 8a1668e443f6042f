import NIOCore
import NIOEmbedded
import SMPP
import Testing

@testable import SMPPNIO

@Suite struct SMPPSessionHandlerTests {
    @Test func bindsWithTheConfiguredAccount() throws {
        let harness = try HandlerHarness()
        try harness.connect()
        let bind = try #require(try harness.written())
        #expect(bind.sequenceNumber == 1)
        guard case .bindTransceiver(let request) = bind.body else { Issue.record("expected bind_transceiver"); return }
        #expect(request.systemID == "acme")
        #expect(request.password == "secret")
        try harness.receive(.bindTransceiverResp(BindResponse(systemID: "SMSC")), sequenceNumber: 1)
        #expect(harness.delegate.bound == [0])
    }

    @Test func transmitterBindsAsTransmitter() throws {
        let harness = try HandlerHarness(kind: .transmitter)
        try harness.connect()
        guard case .bindTransmitter = try #require(try harness.written()).body else { Issue.record("expected tx"); return }
    }

    @Test func submitPatchesSequenceAndCompletesWithMessageID() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let results = ResultBox()
        try harness.submit("hello", results: results)
        let submit = try #require(try harness.written())
        #expect(submit.sequenceNumber == 2)
        guard case .submitSM(let body) = submit.body else { Issue.record("expected submit_sm"); return }
        #expect(body.shortMessage == Array("hello".utf8))
        try harness.receive(.submitSMResp(SubmitSMResp(messageID: "5F3A9C01")), sequenceNumber: 2)
        let outcome = try #require(try results.all.first?.get())
        #expect(outcome.messageID == "5F3A9C01")
        #expect(outcome.commandStatus == .ok)
        #expect(outcome.sequenceNumber == 2)
    }

    @Test func windowHoldsThirdSubmitUntilAResponse() throws {
        let harness = try HandlerHarness(window: 2)
        try harness.bind()
        let results = ResultBox()
        for text in ["a", "b", "c"] { try harness.submit(text, results: results) }
        #expect(try harness.allWritten().map(\.sequenceNumber) == [2, 3])
        try harness.receive(.submitSMResp(SubmitSMResp(messageID: "2")), sequenceNumber: 3)
        #expect(try harness.allWritten().map(\.sequenceNumber) == [4])
        #expect(results.all.count == 1)
    }

    @Test func throttledStatusIsReturnedToTheCaller() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        try harness.receive(.submitSMResp(SubmitSMResp()), sequenceNumber: 2, status: .throttled)
        #expect(try results.all.first?.get().commandStatus == .throttled)
    }

    @Test func genericNackFailsTheRequest() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        try harness.receive(.genericNack, sequenceNumber: 2, status: .invalidCommandLength)
        guard case .failure(let error) = results.all.first else { Issue.record("expected failure"); return }
        #expect(error.code == .genericNack)
        #expect(error.commandStatus == 0x02)
    }

    @Test func responseTimeoutWithInjectedTime() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        harness.loop.advanceTime(by: .milliseconds(4999))
        #expect(results.all.isEmpty)
        harness.loop.advanceTime(by: .milliseconds(1))
        guard case .failure(let error) = results.all.first else { Issue.record("expected timeout"); return }
        #expect(error.code == .responseTimeout)
    }

    @Test func enquireLinkAfterIdleAndDeadLinkCloses() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        harness.loop.advanceTime(by: .seconds(30))
        let probe = try #require(try harness.written())
        #expect(probe.body == .enquireLink)
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        harness.loop.advanceTime(by: .seconds(5))
        #expect(harness.delegate.ended.first?.0 == .linkDead)
        #expect(!harness.channel.isActive)
        guard case .failure(let error) = results.all.first else { Issue.record("expected failure"); return }
        // The submit timed out at the same instant the link was declared dead: either way its outcome is unknown.
        #expect(error.code == .sessionLostOutcomeUnknown || error.code == .responseTimeout)
    }

    @Test func answersEnquireLinkAndUnbindFromSMSC() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        _ = try harness.allWritten()
        try harness.receive(.enquireLink, sequenceNumber: 900)
        let answer = try #require(try harness.written())
        #expect(answer.body == .enquireLinkResp && answer.sequenceNumber == 900)
        try harness.receive(.unbind, sequenceNumber: 901)
        let unbindResp = try #require(try harness.written())
        #expect(unbindResp.body == .unbindResp && unbindResp.sequenceNumber == 901)
        #expect(harness.delegate.ended.first?.0 == .unbindBySMSC)
        guard case .failure(let error) = results.all.first else { Issue.record("expected failure"); return }
        #expect(error.code == .sessionLostOutcomeUnknown)
        let end = try harness.endPromise.futureResult.wait()
        #expect(end.reason == .unbindBySMSC && end.wasBound)
    }

    @Test func gracefulShutdownUnbinds() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        harness.handle.shutdown()
        harness.loop.run()
        let unbind = try #require(try harness.written())
        #expect(unbind.body == .unbind)
        try harness.receive(.unbindResp, sequenceNumber: unbind.sequenceNumber)
        #expect(harness.delegate.ended.first?.0 == .unbound)
    }

    @Test func inboundIsHandedOverAndAnsweredWithTheApplicationsStatus() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        let deliver = DeliverSM(source: Address(address: "573001234567"), destination: Address(address: "12345"),
                                shortMessage: Array("Hola".utf8))
        try harness.receive(.deliverSM(deliver), sequenceNumber: 50)
        let message = try #require(harness.delegate.inbound.first)
        #expect(message.body == .deliverSM(deliver))
        message.respond(status: .ok)
        message.respond(status: .systemError)
        harness.loop.run()
        let response = try harness.allWritten()
        #expect(response.count == 1)
        #expect(response.first?.body == .deliverSMResp(DeliverSMResp()))
        #expect(response.first?.sequenceNumber == 50)
    }

    /// Answers given together (before the event loop runs) reach the loop as one batch: each is written, in the order
    /// the application gave them, a second answer to one PDU is ignored, and the status is each one's own.
    @Test func answersGivenTogetherAreWrittenInTheOrderGiven() throws {
        let harness = try HandlerHarness(maxInbound: 8)
        try harness.bind()
        for sequence in UInt32(60)..<65 {
            let deliver = DeliverSM(destination: Address(address: "12345"), shortMessage: Array("m\(sequence)".utf8))
            try harness.receive(.deliverSM(deliver), sequenceNumber: sequence)
        }
        let messages = harness.delegate.inbound
        #expect(messages.count == 5)
        for index in [3, 0, 4, 1, 2] {
            messages[index].respond(status: index == 4 ? .receiverTemporaryAppError : .ok)
        }
        messages[3].respond(status: .systemError)
        harness.loop.run()
        let responses = try harness.allWritten()
        #expect(responses.map(\.sequenceNumber) == [63, 60, 64, 61, 62])
        #expect(responses.map(\.commandStatus) == [.ok, .ok, .receiverTemporaryAppError, .ok, .ok])
    }

    @Test func unansweredInboundGetsTemporaryAppError() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        try harness.receive(.dataSM(DataSM(destination: Address(address: "12345"))), sequenceNumber: 51)
        harness.loop.advanceTime(by: .seconds(3))
        let response = try #require(try harness.written())
        #expect(response.commandStatus == .receiverTemporaryAppError)
        #expect(response.commandID == .dataSMResp)
    }

    @Test func unknownRequestGetsGenericNackAndUnexpectedResponseIsHarmless() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        try harness.receive(.unknown(CommandID(rawValue: 0x0000_0777), []), sequenceNumber: 60)
        let nack = try #require(try harness.written())
        #expect(nack.body == .genericNack && nack.commandStatus == .invalidCommandID)
        try harness.receive(.submitSMResp(SubmitSMResp(messageID: "x")), sequenceNumber: 12345)
        #expect(harness.channel.isActive)
    }

    @Test func connectionLossFailsOutstandingAndLeavesQueuedInThePool() throws {
        let harness = try HandlerHarness(window: 1)
        try harness.bind()
        let results = ResultBox()
        try harness.submit("a", results: results)
        try harness.submit("b", results: results)
        _ = try harness.allWritten()
        harness.channel.pipeline.fireChannelInactive()
        guard case .failure(let error) = results.all.first else { Issue.record("expected failure"); return }
        #expect(error.code == .sessionLostOutcomeUnknown)
        #expect(harness.delegate.waiting.count == 1, "b was never written: it stays in the pool")
        #expect(try harness.endPromise.futureResult.wait().reason == .connectionClosed)
    }

    @Test func bindRejectionEndsTheSession() throws {
        let harness = try HandlerHarness()
        try harness.connect()
        _ = try harness.written()
        try harness.receive(.bindTransceiverResp(BindResponse()), sequenceNumber: 1, status: .invalidPassword)
        #expect(harness.delegate.ended.first?.0 == .bindRejected(status: 0x0E))
        #expect(!harness.channel.isActive)
    }

    /// A bind_transceiver answered with bind_receiver_resp ESME_ROK: not bound as asked (every submit would be
    /// refused and the session rebind for ever); refused as a bind failure, which waits the longest delay.
    @Test func aBindAnsweredWithAnotherKindOfResponseIsRefused() throws {
        let harness = try HandlerHarness()
        try harness.connect()
        _ = try harness.written()
        try harness.receive(.bindReceiverResp(BindResponse(systemID: "SMSC")), sequenceNumber: 1)
        #expect(harness.delegate.ended.first?.0 == .bindRejected(status: 0x0D))
        #expect(!harness.channel.isActive)
    }

    @Test func malformedFrameClosesAsProtocolError() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(8))  // command_length below the header size
        buffer.writeInteger(UInt32(0x8000_0004))
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt32(2))
        _ = try? harness.channel.writeInbound(buffer)
        #expect(harness.delegate.ended.first?.0 == .protocolError)
    }

    /// reference/SMPP-3.4.md §1: on a command_length below 16 or above the cap, answer generic_nack ESME_RINVCMDLEN
    /// with sequence 0 before closing (as jsmpp and our simulator do); the client only closed.
    @Test func badCommandLengthIsAnsweredWithGenericNackBeforeClosing() throws {
        let harness = try HandlerHarness()
        try harness.bind()
        _ = try harness.allWritten()
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(0x7FFF_FFFF))  // command_length above the cap
        buffer.writeInteger(UInt32(0x0000_0005))
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt32(3))
        _ = try? harness.channel.writeInbound(buffer)
        #expect(harness.delegate.ended.first?.0 == .protocolError)
        let nack = try #require(try harness.written(), "nothing was written before the close")
        #expect(nack.body == .genericNack && nack.sequenceNumber == 0 && nack.commandStatus == .invalidCommandLength)
        #expect(!harness.channel.isActive)
    }
}
