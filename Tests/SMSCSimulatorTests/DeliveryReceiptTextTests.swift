import SMPP
import Testing

@testable import SMSCSimulator

@Suite struct DeliveryReceiptTextTests {
    @Test func smppDates() {
        #expect(DeliveryReceiptText.smppDate(0) == "7001010000")
        #expect(DeliveryReceiptText.smppDate(1_000_000_000) == "0109090146")
        #expect(DeliveryReceiptText.smppDate(951_782_400) == "0002290000")  // 2000-02-29, a leap day
        #expect(DeliveryReceiptText.smppDate(1_795_786_200) == "2611271330")
    }

    @Test func appendixBLayout() {
        let text = DeliveryReceiptText(id: "5F3A9C01", submitDate: 1_000_000_000, doneDate: 1_000_000_060,
                                       stat: .delivered, text: "Hello world")
        #expect(text.formatted == "id:5F3A9C01 sub:001 dlvrd:001 submit date:0109090146 done date:0109090147 stat:DELIVRD err:000 text:Hello world")
        let failed = DeliveryReceiptText(id: "42", submitDate: 0, doneDate: 0, stat: .undeliverable, text: "")
        #expect(failed.formatted == "id:42 sub:001 dlvrd:000 submit date:7001010000 done date:7001010000 stat:UNDELIV err:001 text:")
    }

    @Test func excerptTakesTwentyCharacters() {
        let gsm = Array("The quick brown fox jumps over".utf8)
        #expect(DeliveryReceiptText.excerpt(of: gsm, dataCoding: 0) == "The quick brown fox ")
        let ucs2: [UInt8] = [0x00, 0x48, 0x00, 0x69, 0x04, 0x10, 0x00, 0x21]
        #expect(DeliveryReceiptText.excerpt(of: ucs2, dataCoding: 8) == "Hi?!")
        #expect(DeliveryReceiptText.excerpt(of: [0x00, 0x1B, 0x41], dataCoding: 0) == "??A")
    }

    @Test func receiptPDUSwapsAddressesAndCarriesTLVs() {
        let record = SubmitRecord(
            messageID: "0000002A", account: "acme", session: 1, sequenceNumber: 9, serviceType: "",
            sourceTON: 5, sourceNPI: 0, sourceAddress: "ACME", destinationTON: 1, destinationNPI: 1,
            destinationAddress: "573001234567", esmClass: 0, protocolID: 0, priority: 0, registeredDelivery: 1,
            dataCoding: 0, shortMessage: Array("Hola".utf8), tlvs: [], receivedAtMilliseconds: 1_000_000_000_000)
        let pdu = DeliveryReceiptBuilder.deliverSM(for: record, receiptID: "42", stat: .undeliverable, doneDate: 1_000_000_060)
        #expect(pdu.source == Address(ton: 1, npi: 1, address: "573001234567"))
        #expect(pdu.destination == Address(ton: 5, npi: 0, address: "ACME"))
        #expect(pdu.esmClass == .deliveryReceipt)
        #expect(String(decoding: pdu.shortMessage, as: UTF8.self)
            == "id:42 sub:001 dlvrd:000 submit date:0109090146 done date:0109090147 stat:UNDELIV err:001 text:Hola")
        #expect(pdu.tlvs.receiptedMessageID == "42")
        #expect(pdu.tlvs.messageState == 5)
        #expect(pdu.tlvs.networkErrorCode == NetworkErrorCode(networkType: 3, errorCode: 1))
        let delivered = DeliveryReceiptBuilder.deliverSM(for: record, receiptID: "42", stat: .delivered, doneDate: 0)
        #expect(delivered.tlvs.networkErrorCode == nil)
    }

    @Test func registeredDeliveryDecidesWhichReceiptsGo() {
        #expect(DeliveryReceiptBuilder.isRequested(registeredDelivery: 1, stat: .delivered))
        #expect(DeliveryReceiptBuilder.isRequested(registeredDelivery: 0x11, stat: .enroute))
        #expect(!DeliveryReceiptBuilder.isRequested(registeredDelivery: 0, stat: .delivered))
        #expect(!DeliveryReceiptBuilder.isRequested(registeredDelivery: 2, stat: .delivered))
        #expect(!DeliveryReceiptBuilder.isRequested(registeredDelivery: 2, stat: .enroute))
        #expect(DeliveryReceiptBuilder.isRequested(registeredDelivery: 2, stat: .undeliverable))
    }
}
