import NIOCore
import SMPP
import Testing

/// One PDU per body case, with every field set to something non-default.
let samplePDUs: [PDU] = {
    let source = Address(ton: 5, npi: 0, address: "ACME")
    let destination = Address(ton: 1, npi: 1, address: "573001234567")
    let bind = BindRequest(
        systemID: "esme01", password: "secret", systemType: "VMA", interfaceVersion: 0x34,
        addressRange: Address(ton: 1, npi: 1, address: "^57.*"))
    let receiptText = "id:5F3A9C01 sub:001 dlvrd:001 submit date:2611261530 done date:2611261531 "
        + "stat:DELIVRD err:000 text:Hello"
    return [
        PDU(.bindTransmitter(bind), sequenceNumber: 1),
        PDU(.bindReceiver(bind), sequenceNumber: 2),
        PDU(.bindTransceiver(bind), sequenceNumber: 3),
        PDU(.bindTransmitterResp(BindResponse(systemID: "SMSC", tlvs: [.scInterfaceVersion(0x34)])),
            sequenceNumber: 1),
        PDU(.bindReceiverResp(BindResponse(systemID: "SMSC")), sequenceNumber: 2),
        PDU(.bindTransceiverResp(BindResponse()), sequenceNumber: 3, commandStatus: .invalidPassword),
        PDU(.outbind(Outbind(systemID: "SMSC", password: "pw")), sequenceNumber: 4),
        PDU(.unbind, sequenceNumber: 5),
        PDU(.unbindResp, sequenceNumber: 5),
        PDU(.genericNack, sequenceNumber: 0, commandStatus: .invalidCommandLength),
        PDU(.enquireLink, sequenceNumber: 6),
        PDU(.enquireLinkResp, sequenceNumber: 6),
        PDU(.submitSM(SubmitSM(
            serviceType: "CMT", source: source, destination: destination,
            esmClass: [.udhIndicator, .storeAndForwardMode],
            protocolID: 0x7F, priorityFlag: 3, scheduleDeliveryTime: "261126153000000+",
            validityPeriod: "000001000000000R", registeredDelivery: 0x11, replaceIfPresent: 1, dataCoding: 8,
            smDefaultMessageID: 2, shortMessage: [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 0x00, 0x48],
            tlvs: [.sarMsgRefNum(0x1234), TLV(tag: TLVTag(rawValue: 0x1400), value: [1, 2, 3])])), sequenceNumber: 7),
        PDU(.submitSMResp(SubmitSMResp(messageID: "5F3A9C01")), sequenceNumber: 7),
        PDU(.deliverSM(DeliverSM(
            source: destination, destination: source, esmClass: .deliveryReceipt,
            shortMessage: Array(receiptText.utf8),
            tlvs: [.receiptedMessageID("5F3A9C01"), .messageState(MessageState.delivered),
                .networkErrorCode(NetworkErrorCode(networkType: 3, errorCode: 0))])), sequenceNumber: 8),
        PDU(.deliverSMResp(DeliverSMResp()), sequenceNumber: 8),
        PDU(.dataSM(DataSM(
            serviceType: "WAP", source: source,
            destination: Address(ton: 1, npi: 1, address: String(repeating: "9", count: 64)),
            esmClass: [], registeredDelivery: 1, dataCoding: 4,
            tlvs: [.messagePayload(Array(repeating: 0xAB, count: 300)), .sourcePort(9200), .destinationPort(2948)])),
            sequenceNumber: 9),
        PDU(.dataSMResp(DataSMResp(messageID: "m9", tlvs: [.deliveryFailureReason(1)])), sequenceNumber: 9),
        PDU(.querySM(QuerySM(messageID: "5F3A9C01", source: source)), sequenceNumber: 10),
        PDU(.querySMResp(QuerySMResp(
            messageID: "5F3A9C01", finalDate: "261126153100000+", messageState: 2, errorCode: 0)), sequenceNumber: 10),
        PDU(.cancelSM(CancelSM(serviceType: "", messageID: "5F3A9C01", source: source, destination: destination)),
            sequenceNumber: 11),
        PDU(.cancelSMResp, sequenceNumber: 11),
        PDU(.replaceSM(ReplaceSM(
            messageID: "5F3A9C01", source: source, scheduleDeliveryTime: "", validityPeriod: "000000010000000R",
            registeredDelivery: 1, smDefaultMessageID: 0, shortMessage: Array("New".utf8))), sequenceNumber: 12),
        PDU(.replaceSMResp, sequenceNumber: 12),
        PDU(.submitMulti(SubmitMulti(
            source: source, destinations: [.sme(destination), .distributionList("friends")],
            registeredDelivery: 1, shortMessage: Array("Hi all".utf8), tlvs: [.payloadType(0)])), sequenceNumber: 13),
        PDU(.submitMultiResp(SubmitMultiResp(
            messageID: "multi1",
            unsuccessful: [.init(address: destination, errorStatus: .invalidDestinationAddress)])), sequenceNumber: 13),
        PDU(.alertNotification(AlertNotification(
            source: Address(ton: 1, npi: 1, address: String(repeating: "1", count: 30)), esme: source,
            tlvs: [.msAvailabilityStatus(0)])), sequenceNumber: 14),
        PDU(.unknown(CommandID(rawValue: 0x0000_0111), [1, 2, 3, 4]), sequenceNumber: 15),
    ]
}()

@Suite struct PDURoundTripTests {
    @Test func everyBodyCaseHasASample() {
        let ids = Set(samplePDUs.map(\.commandID))
        for id in CommandID.allKnown { #expect(ids.contains(id), "no sample for \(id.name)") }
    }

    @Test(arguments: samplePDUs)
    func roundTrips(pdu: PDU) throws {
        let octets = try encodeToBytes(pdu)
        #expect(octets.count >= 16)
        #expect(Array(octets[0..<4]) == withUnsafeBytes(of: UInt32(octets.count).bigEndian, Array.init))
        #expect(try decodeBytes(octets) == pdu)
    }
}
