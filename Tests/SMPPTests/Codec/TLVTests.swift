import SMPP
import Testing

@Suite struct TLVTests {
    @Test func everyReferenceTagHasItsName() {
        #expect(TLVTag.allKnown.count == 44)
        #expect(Set(TLVTag.allKnown).count == 44)
        for tag in TLVTag.allKnown { #expect(tag.knownName != nil) }
        #expect(TLVTag.messagePayload.rawValue == 0x0424)
        #expect(TLVTag.messagePayload.name == "message_payload")
        #expect(TLVTag.receiptedMessageID.name == "receipted_message_id")
        #expect(TLVTag.alertOnMessageDelivery.rawValue == 0x130C)
        #expect(TLVTag(rawValue: 0x1400).name == "vendor_0x1400")
        #expect(TLVTag(rawValue: 0x0042).name == "0x0042")
        #expect(TLVTag(rawValue: 0x3FFF).isVendorSpecific && !TLVTag(rawValue: 0x4000).isVendorSpecific)
    }

    @Test func typedConstructorsAndAccessorsAgree() {
        let tlvs: [TLV] = [
            .receiptedMessageID("5F3A9C01"), .messageState(5),
            .networkErrorCode(NetworkErrorCode(networkType: 3, errorCode: 0x0102)), .messagePayload([1, 2, 3]),
            .sarMsgRefNum(0xBEEF), .sarTotalSegments(3), .sarSegmentSeqnum(2), .scInterfaceVersion(0x34),
            .userMessageReference(7), .sourcePort(1), .destinationPort(0xFFFF), .moreMessagesToSend(1),
            .payloadType(1), .msAvailabilityStatus(2), .deliveryFailureReason(3),
            .cString(.additionalStatusInfoText, "busy"), .uint8(.msValidity, 1),
        ]
        #expect(tlvs.receiptedMessageID == "5F3A9C01")
        #expect(tlvs.messageState == 5)
        #expect(tlvs.networkErrorCode == NetworkErrorCode(networkType: 3, errorCode: 0x0102))
        #expect(tlvs.messagePayload == [1, 2, 3])
        #expect(tlvs.sarMsgRefNum == 0xBEEF)
        #expect(tlvs.sarTotalSegments == 3)
        #expect(tlvs.sarSegmentSeqnum == 2)
        #expect(tlvs.scInterfaceVersion == 0x34)
        #expect(tlvs.userMessageReference == 7)
        #expect(tlvs.sourcePort == 1)
        #expect(tlvs.destinationPort == 0xFFFF)
        #expect(tlvs.moreMessagesToSend == 1)
        #expect(tlvs.payloadType == 1)
        #expect(tlvs.msAvailabilityStatus == 2)
        #expect(tlvs.deliveryFailureReason == 3)
        #expect(tlvs.additionalStatusInfoText == "busy")
        #expect(tlvs.msValidity == 1)
        #expect(TLV.receiptedMessageID("AB").value == [0x41, 0x42, 0x00])
        #expect(TLV.sarMsgRefNum(0x1234).value == [0x12, 0x34])
        #expect(TLV.uint32(.qosTimeToLive, 0x0102_0304).value == [1, 2, 3, 4])
        #expect(TLV.uint32(.qosTimeToLive, 0x0102_0304).integerValue == 0x0102_0304)
    }

    @Test func accessorsIgnoreWrongLengthsAndReadStringsLeniently() {
        let tlvs = [
            TLV(tag: .messageState, value: []), TLV(tag: .sarMsgRefNum, value: [1]),
            TLV(tag: .networkErrorCode, value: [3, 0]), TLV(tag: .receiptedMessageID, value: Array("NoNul".utf8)),
        ]
        #expect(tlvs.messageState == nil)
        #expect(tlvs.sarMsgRefNum == nil)
        #expect(tlvs.networkErrorCode == nil)
        #expect(tlvs.receiptedMessageID == "NoNul")
        #expect([TLV]().receiptedMessageID == nil)
    }

    @Test func setReplacesTheFirstOrAppends() {
        var tlvs: [TLV] = [.sourcePort(1), .messageState(1), .sourcePort(2)]
        tlvs.set(.sourcePort(9))
        #expect(tlvs == [.sourcePort(9), .messageState(1), .sourcePort(2)])
        tlvs.set(.payloadType(0))
        #expect(tlvs.last == .payloadType(0))
        #expect(tlvs.first(.messageState) == .messageState(1))
    }

    @Test func cStringConstructorReplacesWhatLatin1CannotHold() {
        #expect(TLV.cString(.receiptedMessageID, "a€\u{0}é").value == [0x61, 0x3F, 0x3F, 0xE9, 0x00])
    }
}
