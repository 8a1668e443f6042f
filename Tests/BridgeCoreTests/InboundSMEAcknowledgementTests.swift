@testable import BridgeCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
@testable import SMPPNIO
import SMPP
import Testing

/// esm_class 0x08 (SME delivery acknowledgement), 0x10 (SME manual/user acknowledgement) and 0x18 (conversation
/// abort): a handset's or application's acknowledgement the bridge never asks for. One that reads as a receipt (SMSCs
/// that label receipts 0x08) is a receipt; any other goes to the dead-letter exchange — never an MO event, never dropped.
@Suite struct InboundSMEAcknowledgementTests {
    private static func acknowledgement(
        _ esm: UInt8, _ text: String = "read", tlvs: [TLV] = []
    ) -> InboundShortMessage {
        InboundShortMessage(
            source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(ton: 3, address: "12345"),
            esmClass: ESMClass(rawValue: esm), dataCoding: 0, shortMessage: Array(text.utf8), tlvs: tlvs)
    }

    @Test(arguments: [UInt8(0x08), 0x10, 0x18, 0x48])
    func anAcknowledgementIsDeadLetteredNotPublishedAsMO(esm: UInt8) async throws {
        let fixture = InboundFixture()
        let message = Self.acknowledgement(esm)
        #expect(await fixture.processor.process(message) == .ok)
        let published = fixture.publisher.all
        try #require(published.count == 1)
        let dead = published[0]
        #expect(dead.exchange == "smpp.dead" && dead.routingKey == "")
        #expect(dead.properties.type == "unhandled_pdu")
        #expect(dead.properties.contentType == "application/octet-stream")
        #expect(dead.properties.headers["x-smpp-bridge-reason"] == .string(ESMClass(rawValue: esm).messageTypeName))
        #expect(dead.properties.headers["x-smpp-esm-class"] == .string("\(esm)"))
        #expect(dead.properties.headers["x-smpp-command-id"] == .string("deliver_sm"))
        // The body is the PDU: it decodes back to the message.
        var buffer = ByteBuffer(bytes: dead.body)
        let pdu = try PDU.decode(frame: &buffer)
        guard case .deliverSM(let body) = pdu.body else {
            Issue.record("not a deliver_sm: \(pdu)")
            return
        }
        #expect(body.shortMessage == Array("read".utf8) && body.esmClass.rawValue == esm)
        // The SMSC's redelivery carries the same event id.
        #expect(await fixture.processor.process(message) == .ok)
        #expect(fixture.publisher.all.count == 2)
        #expect(fixture.publisher.all[1].properties.messageID == dead.properties.messageID)
    }

    @Test func anAcknowledgementThatReadsAsAReceiptIsAReceipt() async throws {
        let fixture = InboundFixture()
        let text = "id:7788 sub:001 dlvrd:001 submit date:2612011033 done date:2612011034 stat:DELIVRD err:000 text:"
        #expect(await fixture.processor.process(Self.acknowledgement(0x08, text)) == .ok)
        #expect(await fixture.processor.process(
            Self.acknowledgement(0x08, "", tlvs: [.receiptedMessageID("7789"), .messageState(2)])) == .ok)
        let published = fixture.publisher.all
        #expect(published.map(\.exchange) == ["smpp.dlr", "smpp.dlr"])
        #expect(try fixture.publisher.json(0)["message_id"] as? String == "7788")
        #expect(try fixture.publisher.json(1)["state"] as? String == "delivered")
        // An id without a state does not make a receipt.
        #expect(await fixture.processor.process(Self.acknowledgement(0x10, "id:7790")) == .ok)
        #expect(fixture.publisher.all.last?.exchange == "smpp.dead")
    }

    @Test func brokerDownDefersIt() async {
        let fixture = InboundFixture()
        fixture.publisher.failing.withLockedValue { $0 = true }
        let message = Self.acknowledgement(0x08)
        guard case .smeAcknowledgement = fixture.processor.kind(of: message) else {
            Issue.record("not classified as an SME acknowledgement")
            return
        }
        #expect(await fixture.processor.process(message) == .receiverTemporaryAppError)
        #expect(fixture.publisher.all.isEmpty)
    }

    /// Through `process` (no PDU at hand) a data_sm acknowledgement's dead letter is still a data_sm.
    @Test func aDataSMAcknowledgementWithoutItsPDUIsStillADataSM() async throws {
        let fixture = InboundFixture()
        let message = InboundShortMessage(DataSM(
            source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(address: "12345"),
            esmClass: ESMClass(rawValue: 0x08), tlvs: [.messagePayload(Array("ok".utf8))]))
        #expect(await fixture.processor.process(message) == .ok)
        let dead = try #require(fixture.publisher.all.first)
        #expect(dead.properties.headers["x-smpp-command-id"] == .string("data_sm"))
        var buffer = ByteBuffer(bytes: dead.body)
        guard case .dataSM(let body) = try PDU.decode(frame: &buffer).body else {
            Issue.record("not a data_sm")
            return
        }
        #expect(body.tlvs == message.tlvs)
    }

    /// A data_sm acknowledgement keeps its command and its message_payload in the dead letter.
    @Test func aDataSMAcknowledgementThroughTheSessionPath() async throws {
        let fixture = InboundFixture()
        let pdu = DataSM(
            source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(address: "12345"),
            esmClass: ESMClass(rawValue: 0x10), tlvs: [.messagePayload(Array("menu 2".utf8))])
        let answers = NIOLockedValueBox<[CommandStatus]>([])
        let responder = InboundResponder { responder, status in
            answers.withLockedValue { $0.append(status) }
            responder.settle()?.report?(true)
            return true
        }
        let message = SMPPInboundMessage(
            body: .dataSM(pdu), sequenceNumber: 41, sessionIndex: 0, deadline: .distantFuture, responder: responder)
        let pending = try #require(fixture.processor.handleAtOnce(message), "left for a task")
        await fixture.processor.handle(pending)
        #expect(answers.withLockedValue { $0 } == [.ok])
        let dead = try #require(fixture.publisher.all.first)
        #expect(dead.properties.headers["x-smpp-command-id"] == .string("data_sm"))
        var buffer = ByteBuffer(bytes: dead.body)
        let decoded = try PDU.decode(frame: &buffer)
        #expect(decoded.sequenceNumber == 41 && decoded.body == .dataSM(pdu))
    }
}
