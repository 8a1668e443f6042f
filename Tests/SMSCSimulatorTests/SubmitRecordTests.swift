import SMPP
import Testing

@testable import SMSCSimulator

@Suite struct SubmitRecordTests {
    private func record(esmClass: UInt8, shortMessage: [UInt8], tlvs: [TLV] = []) -> SubmitRecord {
        SubmitRecord(
            messageID: "A\"B", account: "acme", session: 3, sequenceNumber: 7, serviceType: "",
            sourceTON: 5, sourceNPI: 0, sourceAddress: "AC\\ME", destinationTON: 1, destinationNPI: 1,
            destinationAddress: "573001234567", esmClass: esmClass, protocolID: 0, priority: 1,
            registeredDelivery: 1, dataCoding: 8, shortMessage: shortMessage, tlvs: tlvs, receivedAtMilliseconds: 12)
    }

    @Test func splitsUDHWhenUDHIIsSet() {
        let concatenated = record(esmClass: 0x40, shortMessage: [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 0x00, 0x41])
        #expect(concatenated.udh == [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01])
        #expect(concatenated.payload == [0x00, 0x41])
        #expect(concatenated.concatenation?.reference == 0x2A)
        #expect(concatenated.concatenation?.total == 2)
        #expect(concatenated.concatenation?.part == 1)
        let sixteen = record(esmClass: 0x43, shortMessage: [0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x02, 0x41])
        #expect(sixteen.concatenation?.reference == 0x1234)
        let plain = record(esmClass: 0x00, shortMessage: [0x05, 0x00])
        #expect(plain.udh.isEmpty && plain.payload == [0x05, 0x00])
        let bogus = record(esmClass: 0x40, shortMessage: [0x09, 0x00])
        #expect(bogus.udh.isEmpty && bogus.payload == [0x09, 0x00])
    }

    @Test func payloadFromMessagePayloadTLV() {
        let viaTLV = record(esmClass: 0, shortMessage: [], tlvs: [.messagePayload([1, 2, 3])])
        #expect(viaTLV.payload == [1, 2, 3])
    }

    @Test func jsonLine() {
        let line = record(esmClass: 0x40, shortMessage: [0x05, 0x00, 0x03, 0x01, 0x02, 0x01, 0xAB],
                          tlvs: [.sarMsgRefNum(0x0102)]).jsonLine
        #expect(line == #"{"message_id":"A\"B","account":"acme","session":3,"sequence_number":7,"service_type":"","source_addr_ton":5,"source_addr_npi":0,"source_addr":"AC\\ME","dest_addr_ton":1,"dest_addr_npi":1,"destination_addr":"573001234567","esm_class":64,"protocol_id":0,"priority_flag":1,"registered_delivery":1,"data_coding":8,"udh_hex":"050003010201","payload_hex":"ab","tlvs":[{"tag":"020c","value":"0102"}],"received_at_ms":12}"#)
        #expect(!line.contains("\n"))
    }
}
