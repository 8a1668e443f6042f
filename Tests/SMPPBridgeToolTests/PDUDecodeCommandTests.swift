import SMPP
import Testing

@testable import smpp_bridge

@Suite struct PDUDecodeCommandTests {
    /// The submit_sm fixture of SMPPTests/Codec/Operations/SubmitSMTests, as an operator would paste it.
    static let submitSMHex = """
        00 00 00 3C 00 00 00 04 00 00 00 00 00 00 00 07 00 05 00 41 43 4D 45 00 01 01 35 37 33 30 30 31 32 33 34 35
        36 37 00 00 00 00 00 00 01 00 00 00 05 48 65 6C 6C 6F 02 04 00 02 00 2A
        """

    @Test func parsesHexWithSeparators() {
        #expect(parseHex("00 0a:FF,10-20\n0x7f") == [0x00, 0x0A, 0xFF, 0x10, 0x20, 0x7F])
        #expect(parseHex("0x00000010") == [0, 0, 0, 0x10])
        #expect(parseHex("abc") == nil)
        #expect(parseHex("zz") == nil)
        #expect(parseHex("") == [])
    }

    @Test func rendersEveryFieldInWireOrder() throws {
        let octets = try #require(parseHex(Self.submitSMHex))
        let output = PDUDecodeCommand.render(octets)
        #expect(output.failure == nil)
        let json = output.json.rendered(pretty: false)
        let expected = #"{"command_length":60,"command_id":"0x00000004","command":"submit_sm","#
            + #""command_status":{"value":0,"hex":"0x00000000","name":"ESME_ROK","class":null},"sequence_number":7,"#
            + #""body":{"service_type":"","source_addr_ton":5,"source_addr_npi":0,"source_addr":"ACME","#
            + #""dest_addr_ton":1,"dest_addr_npi":1,"destination_addr":"573001234567","esm_class":0,"protocol_id":0,"#
            + #""priority_flag":0,"schedule_delivery_time":"","validity_period":"","registered_delivery":1,"#
            + #""replace_if_present_flag":0,"data_coding":0,"sm_default_msg_id":0,"sm_length":5,"#
            + #""short_message":"48656c6c6f","tlvs":[{"tag":"0x0204","name":"user_message_reference","length":2,"#
            + #""value":"002a","typed":42}],"#
            + #""user_data":{"source":"short_message","udh":null,"alphabet":"gsm7","text":"Hello","substitutions":0}}}"#
        #expect(json == expected)
    }

    @Test func rendersTypedTLVsOfAReceipt() throws {
        let pdu = PDU(
            .deliverSM(DeliverSM(
                destination: Address(address: "1"), esmClass: .deliveryReceipt,
                tlvs: [
                    .receiptedMessageID("AB"), .messageState(2),
                    .networkErrorCode(NetworkErrorCode(networkType: 3, errorCode: 0x0102)),
                    TLV(tag: TLVTag(rawValue: 0x1400), value: [0xFE]),
                ])),
            sequenceNumber: 1)
        let octets = Array(try pdu.encoded().readableBytesView)
        let json = PDUDecodeCommand.render(octets).json.rendered(pretty: false)
        #expect(json.contains(#""name":"receipted_message_id","length":3,"value":"414200","typed":"AB""#))
        #expect(json.contains(#""typed":{"value":2,"name":"DELIVERED"}"#))
        #expect(json.contains(#""typed":{"network_type":3,"error_code":258}"#))
        #expect(json.contains(#"{"tag":"0x1400","name":"vendor_0x1400","length":1,"value":"fe"}"#))
    }

    @Test func decodesConcatenatedUCS2TextAfterItsUDH() throws {
        // UDH 8-bit reference 0x2A, part 1 of 2, then "Ωé" in UCS2.
        let pdu = PDU(
            .deliverSM(DeliverSM(
                destination: Address(address: "12345"), esmClass: .udhIndicator, dataCoding: 8,
                shortMessage: [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 0x03, 0xA9, 0x00, 0xE9])),
            sequenceNumber: 9)
        let json = PDUDecodeCommand.render(Array(try pdu.encoded().readableBytesView)).json.rendered(pretty: false)
        #expect(json.contains(#""udh":"0500032a0201""#))
        #expect(json.contains(#""concatenation":{"scheme":"udh8","reference":42,"total":2,"index":1}"#))
        #expect(json.contains(#""alphabet":"ucs2","text":"Ωé","substitutions":0"#))
    }

    /// A UDH naming the Turkish single shift table: the text is read with it, and the tables are named.
    @Test func readsGSMTextWithTheNationalLanguageTablesItsUDHNames() throws {
        let pdu = PDU(
            .deliverSM(DeliverSM(
                destination: Address(address: "12345"), esmClass: .udhIndicator,
                shortMessage: [0x03, 0x24, 0x01, 0x01, 0x1B, 0x73, 0x1B, 0x69, 0x6B])),
            sequenceNumber: 5)
        let json = PDUDecodeCommand.render(Array(try pdu.encoded().readableBytesView)).json.rendered(pretty: false)
        #expect(json.contains(#""national_language":{"locking_shift":null,"single_shift":1,"unsupported":[]}"#), "\(json)")
        #expect(json.contains(#""alphabet":"gsm7","text":"şık","substitutions":0"#), "\(json)")
    }

    @Test func parsesTheReceiptTextWithTLVsWinning() throws {
        let text = "id:0012AB sub:001 dlvrd:000 submit date:2611261530 done date:2611261531 stat:UNDELIV err:005 text:Hi"
        let pdu = PDU(
            .deliverSM(DeliverSM(
                destination: Address(address: "ACME"), esmClass: .deliveryReceipt, shortMessage: Array(text.utf8),
                tlvs: [.messageState(2)])),
            sequenceNumber: 3)
        let json = PDUDecodeCommand.render(Array(try pdu.encoded().readableBytesView)).json.rendered(pretty: false)
        #expect(json.contains(#""receipt":{"message_id":"0012AB","stat":"DELIVRD","state":"delivered","final":true,"err":"005""#))
        #expect(json.contains(#""submit_date":"2026-11-26T15:30:00.000Z""#))
    }

    /// esm_class 0x44 with a real UDH: the receipt is read after the header, as the bridge reads it (the CLI read
    /// the header as text, so `id:` was not at the start and the id was missed).
    @Test func readsAReceiptAfterItsUDH() throws {
        let text = "id:77 sub:001 dlvrd:001 submit date:2611261530 done date:2611261531 stat:DELIVRD err:000 text:"
        let pdu = PDU(
            .deliverSM(DeliverSM(
                destination: Address(address: "ACME"), esmClass: [.deliveryReceipt, .udhIndicator],
                shortMessage: [0x05, 0x00, 0x03, 0x01, 0x01, 0x01] + Array(text.utf8))),
            sequenceNumber: 4)
        let json = PDUDecodeCommand.render(Array(try pdu.encoded().readableBytesView)).json.rendered(pretty: false)
        #expect(json.contains(#""receipt":{"message_id":"77","stat":"DELIVRD","state":"delivered","final":true,"err":"000""#), "\(json)")
    }

    @Test func severalPDUsBecomeAnArray() throws {
        let octets = try #require(parseHex("00000010 00000015 00000000 00000001 00000010 80000015 00000000 00000001"))
        let output = PDUDecodeCommand.render(octets)
        guard case .array(let items) = output.json else {
            Issue.record("expected an array")
            return
        }
        #expect(items.count == 2)
    }

    @Test func decodeErrorsCarryCodeOffsetAndBytes() throws {
        // The second PDU's message_id lacks its NUL: offsets count from that PDU and from the input.
        let octets = try #require(
            parseHex("00000010 00000015 00000000 00000001  00000013 80000004 00000000 00000002 414243"))
        let output = PDUDecodeCommand.render(octets)
        let failure = try #require(output.failure)
        let json = failure.0.rendered(pretty: false)
        #expect(json.hasPrefix(#"{"code":"missingNullTerminator","reason":"message_id has no NUL"#))
        #expect(json.contains(#""offset":16,"input_offset":32,"bytes":"414243","command_id":"0x80000004""#))
        #expect(json.contains(#""sequence_number":2"#))
        #expect(json.contains(#""suggested_status":{"value":1"#))
        #expect(failure.1.contains("missingNullTerminator"))
    }

    @Test func jsonStringsAreEscaped() {
        let value = JSONValue.object([("k\"", .string("a\\b\n\u{1}é"))])
        #expect(value.rendered(pretty: false) == #"{"k\"":"a\\b\n\u0001é"}"#)
        #expect(JSONValue.array([]).rendered() == "[]")
        #expect(JSONValue.object([("a", .array([.int(1), .bool(true), .null]))]).rendered() == """
            {
              "a": [
                1,
                true,
                null
              ]
            }
            """)
    }
}
