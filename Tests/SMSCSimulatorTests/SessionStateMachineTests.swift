import NIOCore
import SMPP
import Testing

@testable import SMSCSimulator

@Suite struct SessionStateMachineTests {
    typealias Machine = SMSCSessionStateMachine
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func machine(_ faults: SimulatorFaults = SimulatorFaults()) -> Machine {
        Machine(faults: faults, sessionInitTimeout: .seconds(10), deliverResponseTimeout: .seconds(30),
                random: SimulatorRandom(seed: 1), now: start)
    }

    /// The PDUs among the actions, with their delays.
    func sent(_ actions: [Machine.Action]) -> [PDU] {
        actions.compactMap { if case .send(let pdu, _) = $0 { return pdu } else { return nil } }
    }

    func closes(_ actions: [Machine.Action]) -> Bool {
        actions.contains { if case .close = $0 { return true } else { return false } }
    }

    func bound(_ kind: BindKind = .transceiver, faults: SimulatorFaults = SimulatorFaults()) -> Machine {
        var session = machine(faults)
        _ = session.pduReceived(PDU(.bindTransceiver(BindRequest(systemID: "acme", password: "pw")), sequenceNumber: 1), now: start)
        _ = session.bindVerdictReceived(.accepted, kind: kind, systemID: "acme", sequenceNumber: 1,
                                        limitResponse: .alreadyBound, serverSystemID: "SIM", now: start)
        return session
    }

    let submit = PDU(.submitSM(SubmitSM(destination: Address(ton: 1, npi: 1, address: "57300"), shortMessage: [0x41])), sequenceNumber: 5)

    @Test func bindAsksTheAccountsThenAnswers() {
        var session = machine()
        let actions = session.pduReceived(PDU(.bindTransmitter(BindRequest(systemID: "acme", password: "pw")), sequenceNumber: 1), now: start)
        guard case .authenticate(let request, .transmitter, 1) = actions.first else {
            Issue.record("expected authenticate, got \(actions)")
            return
        }
        #expect(request.systemID == "acme")
        let reply = sent(session.bindVerdictReceived(.accepted, kind: .transmitter, systemID: "acme", sequenceNumber: 1,
                                                     limitResponse: .alreadyBound, serverSystemID: "SIM", now: start))
        #expect(reply == [PDU(.bindTransmitterResp(BindResponse(systemID: "SIM", tlvs: [.scInterfaceVersion(0x34)])), sequenceNumber: 1)])
        #expect(session.state == .bound(.transmitter, systemID: "acme", unbindSent: false))
        #expect(!session.canReceive)
        #expect(session.nextDeadline == nil)
    }

    @Test func smpp33PeerGetsNoTLVs() {
        var session = machine()
        let reply = sent(session.bindVerdictReceived(.accepted, kind: .transceiver, systemID: "acme", sequenceNumber: 1,
                                                     limitResponse: .alreadyBound, serverSystemID: "SIM",
                                                     peerInterfaceVersion: 0x33, now: start))
        #expect(reply == [PDU(.bindTransceiverResp(BindResponse(systemID: "SIM")), sequenceNumber: 1)])
    }

    @Test(arguments: [
        (BindVerdict.unknownSystemID, SessionLimitResponse.alreadyBound, CommandStatus.invalidSystemID),
        (.wrongPassword, .alreadyBound, .invalidPassword),
        (.tooManySessions, .alreadyBound, .alreadyBound),
        (.tooManySessions, .bindFailed, .bindFailed),
    ])
    func rejectedBinds(verdict: BindVerdict, limit: SessionLimitResponse, status: CommandStatus) {
        var session = machine()
        let reply = sent(session.bindVerdictReceived(verdict, kind: .receiver, systemID: "acme", sequenceNumber: 3,
                                                     limitResponse: limit, serverSystemID: "SIM", now: start))
        #expect(reply == [PDU(.bindReceiverResp(BindResponse()), sequenceNumber: 3, commandStatus: status)])
        #expect(session.state == .open)
    }

    @Test func secondBindIsAlreadyBound() {
        var session = bound()
        let reply = sent(session.pduReceived(PDU(.bindReceiver(BindRequest(systemID: "acme", password: "pw")), sequenceNumber: 2), now: start))
        #expect(reply == [PDU(.bindReceiverResp(BindResponse()), sequenceNumber: 2, commandStatus: .alreadyBound)])
    }

    @Test func enquireLinkIsAnsweredEvenBeforeBind() {
        var session = machine()
        #expect(sent(session.pduReceived(PDU(.enquireLink, sequenceNumber: 8), now: start)) == [PDU(.enquireLinkResp, sequenceNumber: 8)])
    }

    @Test func ignoredEnquireLink() {
        var faults = SimulatorFaults()
        faults.ignoreEnquireLink = true
        var session = bound(faults: faults)
        #expect(sent(session.pduReceived(PDU(.enquireLink, sequenceNumber: 8), now: start)).isEmpty)
    }

    @Test func wrongStateGetsInvalidBindStatus() {
        var open = machine()
        #expect(sent(open.pduReceived(submit, now: start)) == [PDU(.submitSMResp(SubmitSMResp()), sequenceNumber: 5, commandStatus: .invalidBindStatus)])
        #expect(sent(open.pduReceived(PDU(.unbind, sequenceNumber: 6), now: start)) == [PDU(.unbindResp, sequenceNumber: 6, commandStatus: .invalidBindStatus)])
        var receiver = bound(.receiver)
        #expect(sent(receiver.pduReceived(submit, now: start)) == [PDU(.submitSMResp(SubmitSMResp()), sequenceNumber: 5, commandStatus: .invalidBindStatus)])
        var transmitter = bound(.transmitter)
        let deliver = PDU(.deliverSM(DeliverSM(destination: Address())), sequenceNumber: 9)
        #expect(sent(transmitter.pduReceived(deliver, now: start)) == [PDU(.deliverSMResp(DeliverSMResp()), sequenceNumber: 9, commandStatus: .invalidBindStatus)])
    }

    @Test func unknownCommandGetsGenericNack() {
        var session = bound()
        let reply = sent(session.pduReceived(PDU(.unknown(CommandID(rawValue: 0x0000_0099), []), sequenceNumber: 4), now: start))
        #expect(reply == [PDU(.genericNack, sequenceNumber: 4, commandStatus: .invalidCommandID)])
    }

    @Test func badCommandLengthNacksWithSequenceZeroAndCloses() {
        var session = bound()
        let error = SMPPDecodeError(code: .invalidCommandLength, commandID: nil, sequenceNumber: 12, offset: 0, bytes: [], reason: "x")
        let actions = session.frameErrorReceived(error)
        #expect(sent(actions) == [PDU(.genericNack, sequenceNumber: 0, commandStatus: .invalidCommandLength)])
        #expect(closes(actions))
        #expect(session.state == .closed)
    }

    @Test func submitIsAcceptedWithLatency() {
        var faults = SimulatorFaults()
        faults.latency = .fixed(milliseconds: 20)
        var session = bound(faults: faults)
        let actions = session.pduReceived(submit, now: start)
        #expect(actions.contains { if case .accept(.submitSM, 5, 20) = $0 { return true } else { return false } })
    }

    @Test func throttledSubmit() {
        var faults = SimulatorFaults()
        faults.throttleRate = 1
        var session = bound(faults: faults)
        #expect(sent(session.pduReceived(submit, now: start)) == [PDU(.submitSMResp(SubmitSMResp()), sequenceNumber: 5, commandStatus: .throttled)])
    }

    @Test func malformedResponseHasAValidHeaderAndABrokenBody() throws {
        let bytes = Machine.malformedResponse(to: .submitSMResp(SubmitSMResp()), sequenceNumber: 5)
        var buffer = ByteBuffer(bytes: bytes)
        #expect(buffer.getInteger(at: 0, as: UInt32.self) == UInt32(bytes.count))
        #expect(buffer.getInteger(at: 4, as: UInt32.self) == 0x8000_0004)
        #expect(buffer.getInteger(at: 12, as: UInt32.self) == 5)
        #expect(throws: SMPPDecodeError.self) { try PDU.decode(frame: &buffer) }
    }

    @Test func unbindFromTheESMEIsAnsweredThenClosed() {
        var session = bound()
        let actions = session.pduReceived(PDU(.unbind, sequenceNumber: 7), now: start)
        #expect(sent(actions) == [PDU(.unbindResp, sequenceNumber: 7)])
        #expect(closes(actions))
    }

    @Test func sessionInitTimerClosesUnboundConnections() {
        var session = machine()
        #expect(session.nextDeadline == start + .seconds(10))
        #expect(session.timerFired(now: start + .seconds(9)).isEmpty)
        #expect(closes(session.timerFired(now: start + .seconds(10))))
    }

    @Test func unbindFaultSendsUnbindAndClosesOnItsResponse() {
        var faults = SimulatorFaults()
        faults.sendUnbindAfterMilliseconds = 1500
        var session = bound(faults: faults)
        #expect(session.nextDeadline == start + .milliseconds(1500))
        let actions = session.timerFired(now: start + .milliseconds(1500))
        #expect(sent(actions).map(\.body) == [.unbind])
        #expect(!session.canReceive)
        let unbindSequence = sent(actions)[0].sequenceNumber
        #expect(closes(session.pduReceived(PDU(.unbindResp, sequenceNumber: unbindSequence), now: start)))
    }

    @Test func unansweredUnbindClosesAfterItsTimeout() {
        var faults = SimulatorFaults()
        faults.sendUnbindAfterMilliseconds = 0
        var session = bound(faults: faults)
        _ = session.timerFired(now: start)
        #expect(closes(session.timerFired(now: start + Machine.unbindResponseTimeout)))
    }

    @Test func deliveryResponsesDecideRetryOrDrop() {
        var session = bound()
        let first = session.deliverySent(deliveryID: 100, now: start)!
        let second = session.deliverySent(deliveryID: 101, now: start)!
        let third = session.deliverySent(deliveryID: 102, now: start)!
        #expect(Set([first, second, third]).count == 3)
        func finished(_ actions: [Machine.Action]) -> [(UInt64, Machine.DeliveryResult)] {
            actions.compactMap { if case .deliveryFinished(let id, let result) = $0 { return (id, result) } else { return nil } }
        }
        let retry = finished(session.pduReceived(PDU(.deliverSMResp(DeliverSMResp()), sequenceNumber: first, commandStatus: .receiverTemporaryAppError), now: start))
        #expect(retry.map(\.0) == [100] && retry.map(\.1) == [.retry])
        let drop = finished(session.pduReceived(PDU(.deliverSMResp(DeliverSMResp()), sequenceNumber: second, commandStatus: .receiverRejectedMessage), now: start))
        #expect(drop.map(\.1) == [.drop])
        #expect(finished(session.pduReceived(PDU(.deliverSMResp(DeliverSMResp()), sequenceNumber: second), now: start)).isEmpty)
        #expect(session.nextDeadline == start + .seconds(30))
        let timedOut = finished(session.timerFired(now: start + .seconds(30)))
        #expect(timedOut.map(\.0) == [102] && timedOut.map(\.1) == [.retry])
        let acknowledged = session.deliverySent(deliveryID: 103, now: start)!
        #expect(finished(session.pduReceived(PDU(.deliverSMResp(DeliverSMResp()), sequenceNumber: acknowledged), now: start)).map(\.1) == [.acknowledged])
        _ = session.deliverySent(deliveryID: 104, now: start)
        #expect(session.closed() == [104])
    }

    @Test func querySMIsHandedToTheCoreAndOtherOperationsFail() {
        var session = bound(.transmitter)
        let query = session.pduReceived(PDU(.querySM(QuerySM(messageID: "AB")), sequenceNumber: 11), now: start)
        #expect(query.contains { if case .query(let q, 11, 0) = $0 { return q.messageID == "AB" } else { return false } })
        #expect(sent(session.pduReceived(PDU(.cancelSM(CancelSM(messageID: "AB", destination: Address())), sequenceNumber: 12), now: start))
                == [PDU(.cancelSMResp, sequenceNumber: 12, commandStatus: .cancelFailed)])
        var receiver = bound(.receiver)
        #expect(sent(receiver.pduReceived(PDU(.querySM(QuerySM(messageID: "AB")), sequenceNumber: 13), now: start))
                == [PDU(.querySMResp(QuerySMResp()), sequenceNumber: 13, commandStatus: .invalidBindStatus)])
    }

    @Test func transmitterTakesNoDeliveries() {
        var session = bound(.transmitter)
        #expect(session.deliverySent(deliveryID: 1, now: start) == nil)
    }

    @Test func dropAfterClosesWithoutAnswer() {
        var faults = SimulatorFaults()
        faults.dropAfterPDUs = 2
        var session = bound(faults: faults)
        #expect(!sent(session.pduReceived(PDU(.enquireLink, sequenceNumber: 2), now: start)).isEmpty)
        let actions = session.pduReceived(submit, now: start)
        #expect(sent(actions).isEmpty)
        #expect(closes(actions))
    }

    @Test func sequenceNumbersWrap() {
        var session = machine()
        session.nextSequence = 0x7FFF_FFFF
        #expect(session.allocateSequence() == 0x7FFF_FFFF)
        #expect(session.allocateSequence() == 1)
    }
}

@Suite struct SessionStateMachineKeepAliveTests {
    @Test func sendsEnquireLinkEveryIntervalWhileBound() {
        let start = NIODeadline.uptimeNanoseconds(5_000_000_000)
        var session = SMSCSessionStateMachine(
            faults: SimulatorFaults(), sessionInitTimeout: .seconds(10), deliverResponseTimeout: .seconds(30),
            enquireLinkInterval: .seconds(2), random: SimulatorRandom(seed: 1), now: start)
        _ = session.bindVerdictReceived(.accepted, kind: .transmitter, systemID: "acme", sequenceNumber: 1,
                                        limitResponse: .alreadyBound, serverSystemID: "SIM", now: start)
        #expect(session.nextDeadline == start + .seconds(2))
        let actions = session.timerFired(now: start + .seconds(2))
        let sent = actions.compactMap { if case .send(let pdu, _) = $0 { return pdu } else { return nil } }
        #expect(sent.map(\.body) == [.enquireLink])
        #expect(session.nextDeadline == start + .seconds(4))
        let counted = session.pduReceived(PDU(.enquireLinkResp, sequenceNumber: sent[0].sequenceNumber), now: start)
        #expect(counted.count == 1)
        #expect(session.closed().isEmpty)
        #expect(session.nextDeadline == nil)
    }
}

@Suite struct SessionStateMachineDeliveryTests {
    @Test func unsentDeliveryLeavesNoTimer() {
        let start = NIODeadline.uptimeNanoseconds(1_000)
        var session = SMSCSessionStateMachine(
            faults: SimulatorFaults(), sessionInitTimeout: .seconds(10), deliverResponseTimeout: .seconds(30),
            random: SimulatorRandom(seed: 1), now: start)
        _ = session.bindVerdictReceived(.accepted, kind: .receiver, systemID: "acme", sequenceNumber: 1,
                                        limitResponse: .alreadyBound, serverSystemID: "SIM", now: start)
        let sequence = session.deliverySent(deliveryID: 7, now: start)!
        session.deliveryNotSent(sequenceNumber: sequence)
        #expect(session.nextDeadline == nil)
        #expect(session.canReceive)
        #expect(session.unansweredDeliveries.isEmpty)
    }
}
