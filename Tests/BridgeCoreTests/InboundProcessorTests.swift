@testable import BridgeCore
import Foundation
import Logging
import SMPP
import Testing

struct InboundFixture {
    let store = InMemoryBridgeStore()
    let publisher = RecordingPublisher()
    let correlator: ReceiptCorrelator
    let processor: InboundProcessor

    init(hold: Duration = .milliseconds(20), settings: InboundPipelineSettings = .init()) {
        correlator = ReceiptCorrelator(hold: hold)
        processor = InboundProcessor(
            settings: settings, store: store, publisher: publisher, correlator: correlator, metrics: BridgeMetrics(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func receipt(_ id: String, stat: String = "DELIVRD", tlvs: [TLV] = []) -> InboundShortMessage {
        let text = "id:\(id) sub:001 dlvrd:001 submit date:2612011033 done date:2612011034 stat:\(stat) err:000 text:Hola"
        return InboundShortMessage(
            source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(ton: 5, address: "ACME"),
            esmClass: .deliveryReceipt, dataCoding: 0, shortMessage: Array(text.utf8), tlvs: tlvs)
    }

    static func mo(_ userData: [UInt8], dataCoding: UInt8 = 0, esm: ESMClass = [], tlvs: [TLV] = []) -> InboundShortMessage {
        InboundShortMessage(
            source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(ton: 3, address: "12345"),
            esmClass: esm, dataCoding: dataCoding, shortMessage: userData, tlvs: tlvs)
    }

    func correlation(_ id: String) -> ReceiptCorrelation {
        ReceiptCorrelation(
            keys: [MessageIDMatching.normalize(id)], messageID: id, requestID: "order-42", segment: 2, segments: 3,
            to: "+573001234567", from: "ACME", metadata: Array(#"{"k":"v"}"#.utf8), submittedAt: Date())
    }
}

@Suite struct InboundProcessorTests {
    @Test func aReceiptForAStoredSubmitIsPublishedMatchedWithItsRequest() async throws {
        let fixture = InboundFixture()
        let correlation = fixture.correlation("5F3A9C01")
        try await fixture.store.complete(RequestCompletion(
            requestID: "order-42",
            result: StoredResult(eventID: "e", status: "accepted", routingKey: "submit.accepted", body: [], completedAt: Date()),
            correlations: [correlation]))
        #expect(await fixture.processor.process(InboundFixture.receipt("5F3A9C01")) == .ok)
        let message = try #require(fixture.publisher.all.first)
        #expect(message.exchange == "smpp.dlr" && message.routingKey == "dlr.delivrd")
        #expect(message.properties.type == "delivery_receipt" && message.properties.correlationID == "order-42")
        let json = try fixture.publisher.json(0)
        #expect(json["request_id"] as? String == "order-42" && json["matched"] as? Bool == true)
        #expect(json["segment"] as? Int == 2 && json["segments"] as? Int == 3)
        #expect(json["state"] as? String == "delivered" && json["final"] as? Bool == true)
        #expect((json["metadata"] as? [String: Any])?["k"] as? String == "v")
        #expect(json["to"] as? String == "+573001234567" && json["from"] as? String == "ACME")
    }

    /// Under `hex-to-dec` a receipt whose receipted_message_id repeats the submit's hex id (digits only, so read as
    /// decimal) while its text carries the decimal one: the text's id is tried too, and matches (review finding:
    /// only the TLV's was tried, and the receipt went out unmatched after its hold).
    @Test func theTextIDIsTriedWhenTheTLVIDDoesNotMatch() async throws {
        let fixture = InboundFixture(settings: InboundPipelineSettings(messageIDFormat: .hexToDecimal))
        var correlation = fixture.correlation("12345678")
        correlation.keys = MessageIDMatching.matchKeys(for: "12345678", format: .hexToDecimal, side: .submitResponse)
        fixture.correlator.segmentAccepted(correlation)
        let tlv = TLV(tag: TLVTag.receiptedMessageID, value: Array("12345678".utf8) + [0])
        #expect(await fixture.processor.process(InboundFixture.receipt("305419896", tlvs: [tlv])) == .ok)
        let json = try fixture.publisher.json(0)
        #expect(json["matched"] as? Bool == true && json["request_id"] as? String == "order-42", "\(json)")
        #expect(json["message_id"] as? String == "12345678", "the TLV's id still names the receipt")
    }

    /// A text id that is not the TLV's number in the other base is not tried: it could be another message's id (a
    /// receipt for A whose text names B would be published as B's).
    @Test func anUnrelatedTextIDIsNotTried() async throws {
        let fixture = InboundFixture()
        fixture.correlator.segmentAccepted(fixture.correlation("6699"))
        let tlv = TLV(tag: TLVTag.receiptedMessageID, value: Array("ABCDEF01".utf8))
        #expect(await fixture.processor.process(InboundFixture.receipt("6699", tlvs: [tlv])) == .ok)
        let json = try fixture.publisher.json(0)
        #expect(json["matched"] as? Bool == false && json["message_id"] as? String == "ABCDEF01", "\(json)")
    }

    /// An MO whose data_coding is the air interface's "general data coding with a message class" (0x10–0x1F) is
    /// text: GSM 7-bit for 0x10–0x13, UCS2 for 0x18–0x1B (it was published as binary).
    @Test func anMOWithAMessageClassCodingIsText() async throws {
        let fixture = InboundFixture()
        #expect(await fixture.processor.process(InboundFixture.mo(Array("Hola".utf8), dataCoding: 0x11)) == .ok)
        #expect(await fixture.processor.process(InboundFixture.mo([0x04, 0x2F, 0x04, 0x30], dataCoding: 0x19)) == .ok)
        #expect(try fixture.publisher.json(0)["text"] as? String == "Hola")
        #expect(try fixture.publisher.json(1)["text"] as? String == "Яа")
    }

    @Test func aReceiptThatBeatsItsSubmitResponseIsHeldAndThenMatched() async throws {
        let fixture = InboundFixture(hold: .seconds(30))
        let answer = Task { await fixture.processor.process(InboundFixture.receipt("ABC")) }
        while fixture.correlator.heldCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        fixture.correlator.segmentAccepted(fixture.correlation("ABC"))
        #expect(await answer.value == .ok)
        #expect(try fixture.publisher.json(0)["matched"] as? Bool == true)
    }

    /// A receipt the SMSC delivers again (refused with ESME_RX_T_APPN, or its answer lost) is published under the
    /// event id of the first copy, so consumers drop it; another receipt, or the same one for another account,
    /// gets another id; MO events keep fresh ids (two identical MO texts are two messages).
    @Test func aReceiptDeliveredAgainKeepsItsEventID() async throws {
        let fixture = InboundFixture(settings: InboundPipelineSettings(account: "acme"))
        let other = InboundFixture(settings: InboundPipelineSettings(account: "globex"))
        let tlvs = [TLV(tag: TLVTag.messageState, value: [2])]
        for _ in 0..<2 {
            #expect(await fixture.processor.process(InboundFixture.receipt("R1", tlvs: tlvs)) == .ok)
        }
        #expect(await fixture.processor.process(InboundFixture.receipt("R1", stat: "ENROUTE")) == .ok)
        #expect(await fixture.processor.process(InboundFixture.receipt("R1")) == .ok)
        #expect(await other.processor.process(InboundFixture.receipt("R1", tlvs: tlvs)) == .ok)
        for _ in 0..<2 { #expect(await fixture.processor.process(InboundFixture.mo(Array("YES".utf8))) == .ok) }
        let ids = fixture.publisher.all.map { $0.properties.messageID ?? "" }
        #expect(ids.count == 6 && ids.allSatisfy { !$0.isEmpty })
        #expect(ids[0] == ids[1], "the same receipt twice: one id")
        #expect(Set(ids[1...3]).count == 3, "another stat, another TLV set: other ids")
        #expect(other.publisher.all.first?.properties.messageID != ids[0], "another account: another id")
        #expect(ids[4] != ids[5], "MO: fresh ids")
    }

    @Test func anUnmatchedReceiptIsStillPublished() async throws {
        let fixture = InboundFixture()
        #expect(await fixture.processor.process(InboundFixture.receipt("NOPE", stat: "REJECTD")) == .ok)
        let json = try fixture.publisher.json(0)
        #expect(json["matched"] as? Bool == false && json["request_id"] is NSNull)
        #expect(json["state"] as? String == "rejected" && fixture.publisher.all[0].routingKey == "dlr.rejectd")
        #expect(json["to"] as? String == "+573001234567", "TON 1: written as a request's `to` is")
    }

    @Test func enrouteIsNotFinal() async throws {
        let fixture = InboundFixture()
        #expect(await fixture.processor.process(InboundFixture.receipt("E1", stat: "ENROUTE")) == .ok)
        let json = try fixture.publisher.json(0)
        #expect(json["state"] as? String == "enroute" && json["final"] as? Bool == false)
    }

    /// Base62 ids that differ only in letter case are two messages: each receipt goes to its own request (under
    /// `raw`, ids were upper-cased and the later one took both).
    @Test func base62IDsDifferingOnlyInCaseMatchTheirOwnRequests() async throws {
        let fixture = InboundFixture()
        for (id, request) in [("aB3xYz", "first"), ("Ab3XyZ", "second")] {
            let correlation = ReceiptCorrelation(
                keys: MessageIDMatching.matchKeys(for: id, format: .raw, side: .submitResponse), messageID: id,
                requestID: request, segment: 1, segments: 1, to: "+573001234567", from: "ACME", metadata: nil,
                submittedAt: Date())
            try await fixture.store.complete(RequestCompletion(
                requestID: request,
                result: StoredResult(eventID: request, status: "accepted", routingKey: "submit.accepted", body: [],
                                     completedAt: Date()),
                correlations: [correlation]))
        }
        #expect(await fixture.processor.process(InboundFixture.receipt("aB3xYz")) == .ok)
        #expect(await fixture.processor.process(InboundFixture.receipt("Ab3XyZ")) == .ok)
        #expect(try fixture.publisher.json(0)["request_id"] as? String == "first")
        #expect(try fixture.publisher.json(1)["request_id"] as? String == "second")
    }

    /// The event's `stat` is the SMSC's word as written (schema: "as the SMSC wrote it"); only the routing key and
    /// `state` are normalised.
    @Test func theStatIsPublishedAsTheSMSCWroteIt() async throws {
        let fixture = InboundFixture()
        #expect(await fixture.processor.process(InboundFixture.receipt("L1", stat: "Delivrd")) == .ok)
        let json = try fixture.publisher.json(0)
        #expect(json["stat"] as? String == "Delivrd" && json["state"] as? String == "delivered")
        #expect(fixture.publisher.all[0].routingKey == "dlr.delivrd")
    }

    @Test func tlvsWinOverTheReceiptText() async throws {
        let fixture = InboundFixture()
        let receipt = InboundFixture.receipt("TEXTID", stat: "DELIVRD", tlvs: [
            TLV(tag: .receiptedMessageID, value: Array("TLVID".utf8) + [0]), TLV(tag: .messageState, value: [5]),
        ])
        #expect(await fixture.processor.process(receipt) == .ok)
        let json = try fixture.publisher.json(0)
        #expect(json["message_id"] as? String == "TLVID" && json["state"] as? String == "undeliverable")
    }

    @Test func aReceiptTheBrokerDoesNotConfirmIsAnsweredRXTAPPN() async {
        let fixture = InboundFixture()
        fixture.publisher.failing.withLockedValue { $0 = true }
        #expect(await fixture.processor.process(InboundFixture.receipt("X")) == .receiverTemporaryAppError)
    }

    @Test func aSingleGSMMessageIsDecodedAndPublished() async throws {
        let fixture = InboundFixture()
        let septets = try SMSText.encode("Hola {mundo}", as: .gsm7).units
        #expect(await fixture.processor.process(InboundFixture.mo(septets)) == .ok)
        let message = try #require(fixture.publisher.all.first)
        #expect(message.exchange == "smpp.mo" && message.routingKey == "mo.12345" && message.properties.type == "mo")
        let json = try fixture.publisher.json(0)
        #expect(json["text"] as? String == "Hola {mundo}" && json["encoding"] as? String == "gsm7")
        #expect(json["from"] as? String == "+573001234567" && json["complete"] as? Bool == true)
    }

    @Test func ucs2AndBinaryMessagesAreDecodedByDataCoding() async throws {
        let fixture = InboundFixture()
        #expect(await fixture.processor.process(InboundFixture.mo([0xD8, 0x3D, 0xDE, 0x00], dataCoding: 8)) == .ok)
        #expect(await fixture.processor.process(InboundFixture.mo([0x00, 0xFF], dataCoding: 4)) == .ok)
        #expect(try fixture.publisher.json(0)["text"] as? String == "😀")
        let binary = try fixture.publisher.json(1)
        #expect(binary["binary"] as? String == "AP8=" && binary["text"] is NSNull)
    }

    @Test(arguments: [[3, 1, 2], [1, 2, 3], [2, 3, 1]])
    func aLongMessageArrivingInAnyOrderIsPublishedOnceComplete(order: [Int]) async throws {
        let fixture = InboundFixture()
        let words = ["Hola ", "desde ", "Bogotà"]
        for index in order {
            let udh: [UInt8] = [0x05, 0x00, 0x03, 0x2A, 0x03, UInt8(index)]
            let text = try SMSText.encode(words[index - 1], as: .gsm7).units
            let status = await fixture.processor.process(InboundFixture.mo(udh + text, esm: .udhIndicator))
            #expect(status == .ok)
        }
        #expect(fixture.publisher.all.count == 1)
        let json = try fixture.publisher.json(0)
        #expect(json["text"] as? String == "Hola desde Bogotà" && json["segments"] as? Int == 3)
        #expect(try await fixture.store.moGroups(firstReceivedBefore: Date.distantFuture).isEmpty)
    }

    @Test func sarPartsAreJoinedToo() async throws {
        let fixture = InboundFixture()
        for index: UInt8 in [2, 1] {
            let tlvs = [
                TLV(tag: .sarMsgRefNum, value: [0x01, 0x02]), TLV(tag: .sarTotalSegments, value: [2]),
                TLV(tag: .sarSegmentSeqnum, value: [index]),
            ]
            #expect(await fixture.processor.process(InboundFixture.mo(Array((index == 1 ? "ab" : "cd").utf8), tlvs: tlvs)) == .ok)
        }
        #expect(try fixture.publisher.json(0)["text"] as? String == "abcd")
    }

    @Test func anIncompleteLongMessageIsPublishedFlaggedAfterTheTimeout() async throws {
        let fixture = InboundFixture(settings: InboundPipelineSettings(moReassemblyTimeout: 0))
        let udh: [UInt8] = [0x05, 0x00, 0x03, 0x07, 0x02, 0x01]
        #expect(await fixture.processor.process(InboundFixture.mo(udh + Array("Hi".utf8), esm: .udhIndicator)) == .ok)
        #expect(fixture.publisher.all.isEmpty)
        await fixture.processor.sweepIncompleteMO()
        let json = try fixture.publisher.json(0)
        #expect(json["complete"] as? Bool == false && json["text"] as? String == "Hi")
        #expect(try await fixture.store.moGroups(firstReceivedBefore: Date.distantFuture).isEmpty)
    }

    @Test func aPartTheBrokerCannotTakeIsAnsweredRXTAPPNAndCompletesOnRedelivery() async throws {
        let fixture = InboundFixture()
        let first: [UInt8] = [0x05, 0x00, 0x03, 0x09, 0x02, 0x01] + Array("ab".utf8)
        let second: [UInt8] = [0x05, 0x00, 0x03, 0x09, 0x02, 0x02] + Array("cd".utf8)
        #expect(await fixture.processor.process(InboundFixture.mo(first, esm: .udhIndicator)) == .ok)
        fixture.publisher.failing.withLockedValue { $0 = true }
        #expect(await fixture.processor.process(InboundFixture.mo(second, esm: .udhIndicator)) == .receiverTemporaryAppError)
        fixture.publisher.failing.withLockedValue { $0 = false }
        #expect(await fixture.processor.process(InboundFixture.mo(second, esm: .udhIndicator)) == .ok)
        #expect(fixture.publisher.all.count == 1)
        #expect(try fixture.publisher.json(0)["text"] as? String == "abcd")
    }
}

/// A deliver_sm that cannot be read goes to the dead-letter exchange as it came, labelled as the octets it is.
@Suite struct InboundUndecodableTests {
    @Test func anUndecodablePDUIsDeadLetteredAsOctetsWithTheReason() async throws {
        let fixture = InboundFixture()
        let raw: [UInt8] = [0, 0, 0, 17, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 9, 0xFF]
        let status = await fixture.processor.undecodable(commandID: .deliverSM, raw: raw, error: "truncated body")
        #expect(status == .ok)
        let message = try #require(fixture.publisher.all.first)
        #expect(message.body == raw)
        #expect(message.properties.contentType == "application/octet-stream")
        #expect(message.properties.type == "undecodable_pdu")
        #expect(message.properties.headers["x-smpp-bridge-reason"] == .string("truncated body"))
    }
}

/// A handset's number in events (`AddressPlan.requestForm(of:)`): TON 1 digits with `+` (as a request's `to` is written, so a reply can use it);
/// everything else as the SMSC sent it. The MO content key ignores that `+`: ids remembered by earlier versions,
/// which stored the bare digits, are still found.
@Suite struct HandsetAddressTests {
    @Test func internationalDigitsGetAPlusAndNothingElseChanges() {
        #expect(AddressPlan.requestForm(of: Address(ton: 1, npi: 1, address: "573001234567")) == "+573001234567")
        #expect(AddressPlan.requestForm(of: Address(ton: 1, npi: 1, address: "+573001234567")) == "+573001234567")
        #expect(AddressPlan.requestForm(of: Address(ton: 0, npi: 1, address: "3001234567")) == "3001234567")
        #expect(AddressPlan.requestForm(of: Address(ton: 2, npi: 1, address: "3001234567")) == "3001234567")
        #expect(AddressPlan.requestForm(of: Address(ton: 5, address: "ACME")) == "ACME")
        #expect(AddressPlan.requestForm(of: Address(ton: 1, npi: 1, address: "")) == "")
    }

    @Test func theContentKeyIsTheSameWithOrWithoutThePlus() {
        func part(from: String) -> StoredMOPart {
            StoredMOPart(groupKey: "", index: 1, total: 1, payload: Array("STOP".utf8), dataCoding: 0, from: from,
                         to: "12345", receivedAt: Date())
        }
        let earlier = InboundProcessor.moContentKey([part(from: "573001234567")], total: 1, complete: true, account: "a")
        let now = InboundProcessor.moContentKey([part(from: "+573001234567")], total: 1, complete: true, account: "a")
        #expect(earlier == now)
        #expect(AddressPlan.withoutPlus("+573001234567") == "573001234567")
        #expect(AddressPlan.withoutPlus("+ACME") == "+ACME", "only the form requestForm writes")
    }
}

/// Receipts sent with esm_class 0x44 (receipt + UDHI): the text after a real UDH is read, and a text sent with the
/// flag but no header is read whole.
@Suite struct ReceiptWithUDHITests {
    func message(_ userData: [UInt8]) -> InboundShortMessage {
        InboundShortMessage(
            source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(ton: 5, address: "ACME"),
            esmClass: ESMClass(rawValue: 0x44), dataCoding: 0, shortMessage: userData, tlvs: [])
    }

    let text = Array("id:5F3A9C01 sub:001 dlvrd:001 submit date:2612011033 done date:2612011034 stat:DELIVRD err:000 text:x".utf8)

    @Test func theTextAfterAUDHIsRead() async throws {
        let read = InboundFixture().processor.readReceipt(message([0x05, 0x00, 0x03, 0x07, 0x01, 0x01] + text))
        #expect(read.messageID == "5F3A9C01" && read.parsed.state == .delivered)
    }

    @Test func aTextWithTheFlagButNoHeaderIsReadWhole() async throws {
        let read = InboundFixture().processor.readReceipt(message(text))
        #expect(read.messageID == "5F3A9C01" && read.parsed.state == .delivered)
        // UCS2 text starts with 0x00: not an (empty) header.
        let ucs2: [UInt8] = text.flatMap { octet -> [UInt8] in [0, octet] }
        var message = message(ucs2)
        message.dataCoding = 8
        let wide = InboundFixture().processor.readReceipt(message)
        #expect(wide.messageID == "5F3A9C01" && wide.parsed.state == .delivered)
    }
}
