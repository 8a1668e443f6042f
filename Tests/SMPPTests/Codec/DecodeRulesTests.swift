import NIOCore
import SMPP
import Testing

/// The decode rules of reference §1 and §3: C-Octet String limits, TLV bounds, trailing octets, leniency.
@Suite struct DecodeRulesTests {
    /// A PDU header with command_length computed from the body.
    static func frame(_ id: CommandID, status: UInt32 = 0, sequence: UInt32 = 1, body: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(16 + body.count))
        buffer.writeInteger(id.rawValue)
        buffer.writeInteger(status)
        buffer.writeInteger(sequence)
        buffer.writeBytes(body)
        return Array(buffer.readableBytesView)
    }

    @Test func missingNULAtEndOfBody() {
        // submit_sm_resp whose message_id runs to the end of the body without a NUL.
        let error = decodeError(Self.frame(.submitSMResp, sequence: 99, body: Array("ABC".utf8)))
        #expect(error?.code == .missingNullTerminator)
        #expect(error?.offset == 16)
        #expect(error?.bytes == Array("ABC".utf8))
        #expect(error?.commandID == .submitSMResp)
        #expect(error?.sequenceNumber == 99)
        #expect(error?.code.suggestedStatus == .invalidMessageLength)
    }

    @Test func overLongCString() {
        // system_id C(16): 16 characters before the NUL is one too many.
        let body = Array(String(repeating: "x", count: 16).utf8) + [0, 0, 0, 0x34, 0, 0, 0]
        let error = decodeError(Self.frame(.bindTransmitter, body: body))
        #expect(error?.code == .fieldTooLong)
        #expect(error?.offset == 16)
        #expect(error?.reason.contains("system_id") == true)
        // 15 characters is the maximum and decodes.
        let fits = Array(String(repeating: "x", count: 15).utf8) + [0, 0, 0, 0x34, 0, 0, 0]
        #expect((try? decodeBytes(Self.frame(.bindTransmitter, body: fits))) != nil)
    }

    @Test func overLongFieldInTheMiddleReportsItsOffset() {
        // submit_sm with a 21-character source_addr (max 20): offset = 16 + service_type(1) + ton/npi(2).
        let body = [0, 1, 1] + Array(String(repeating: "9", count: 21).utf8) + [0]
        let error = decodeError(Self.frame(.submitSM, body: body))
        #expect(error?.code == .fieldTooLong)
        #expect(error?.offset == 19)
        #expect(error?.bytes.prefix(21) == Array(String(repeating: "9", count: 21).utf8)[...])
    }

    @Test func scheduleDeliveryTimeOver16IsRejected() {
        var body: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]  // service_type .. priority_flag
        body += Array(String(repeating: "1", count: 17).utf8) + [0]
        #expect(decodeError(Self.frame(.submitSM, body: body))?.code == .fieldTooLong)
    }

    @Test func truncatedMandatoryFields() {
        let full = (try? encodeToBytes(SubmitSMTests.submitSM)) ?? []
        // Cut the body anywhere before the TLVs: every cut is an error, never a crash. Cutting exactly between
        // short_message and the TLVs is a valid PDU without TLVs.
        let tlvStart = full.count - 6
        for cut in 16..<full.count where cut != tlvStart {
            let body = Array(full[16..<cut])
            let error = decodeError(Self.frame(.submitSM, sequence: 7, body: body))
            #expect(error != nil)
            #expect(error.map { $0.offset >= 16 && $0.offset <= cut } == true)
        }
    }

    @Test func tlvLengthRunningPastTheEnd() {
        let prefix = Array(((try? encodeToBytes(SubmitSMTests.submitSM)) ?? [])[16..<54])
        // user_message_reference claiming 3 octets with only 2 present.
        let error = decodeError(Self.frame(.submitSM, body: prefix + [0x02, 0x04, 0x00, 0x03, 0x00, 0x2A]))
        #expect(error?.code == .invalidTLV)
        #expect(error?.offset == 54)
        #expect(error?.bytes == [0x02, 0x04, 0x00, 0x03, 0x00, 0x2A])
        #expect(error?.code.suggestedStatus == .invalidOptionalParameterStream)
        // A TLV header cut short.
        #expect(decodeError(Self.frame(.submitSM, body: prefix + [0x02, 0x04, 0x00]))?.code == .invalidTLV)
        // Length 0xFFFF with nothing behind it.
        #expect(decodeError(Self.frame(.submitSM, body: prefix + [0x04, 0x24, 0xFF, 0xFF]))?.code == .invalidTLV)
    }

    @Test func unknownTLVsArePreservedInOrder() throws {
        let tlvs = [
            TLV(tag: TLVTag(rawValue: 0x1401), value: [9, 8, 7]),
            TLV(tag: .userMessageReference, value: [0, 1]),
            TLV(tag: TLVTag(rawValue: 0x7777), value: []),
            TLV(tag: TLVTag(rawValue: 0x1401), value: [1]),
            TLV(tag: .messageState, value: [1, 2, 3]),  // wrong length for message_state: kept, not typed
        ]
        let pdu = PDU(.submitSM(SubmitSM(destination: Address(address: "1"), tlvs: tlvs)), sequenceNumber: 1)
        let decoded = try decodeBytes(try encodeToBytes(pdu))
        guard case .submitSM(let submit) = decoded.body else { return }
        #expect(submit.tlvs == tlvs)
        #expect(submit.tlvs.messageState == nil)
        #expect(submit.tlvs.userMessageReference == 1)
    }

    @Test func headerOnlyResponsesDecodeWithEmptyFields() throws {
        let responses: [(CommandID, PDUBody)] = [
            (.bindTransmitterResp, .bindTransmitterResp(BindResponse())),
            (.bindReceiverResp, .bindReceiverResp(BindResponse())),
            (.bindTransceiverResp, .bindTransceiverResp(BindResponse())),
            (.submitSMResp, .submitSMResp(SubmitSMResp())),
            (.deliverSMResp, .deliverSMResp(DeliverSMResp())),
            (.dataSMResp, .dataSMResp(DataSMResp())),
            (.querySMResp, .querySMResp(QuerySMResp())),
            (.submitMultiResp, .submitMultiResp(SubmitMultiResp())),
        ]
        for (id, body) in responses {
            for status: UInt32 in [0x58, 0x08, 0] {
                let pdu = try decodeBytes(Self.frame(id, status: status, sequence: 3, body: []))
                #expect(pdu == PDU(body, sequenceNumber: 3, commandStatus: CommandStatus(rawValue: status)))
            }
        }
    }

    @Test func requestsWithoutABodyAreTruncated() {
        for id: CommandID in [.bindTransmitter, .submitSM, .deliverSM, .dataSM, .querySM, .cancelSM, .replaceSM,
            .submitMulti, .alertNotification, .outbind]
        {
            #expect(decodeError(Self.frame(id, body: []))?.code == .truncated, "\(id.name)")
        }
    }

    @Test func latin1OctetsInCStringsRoundTrip() throws {
        // Octets above 0x7F are not ASCII, but SMSCs send them; they come back unchanged.
        let body: [UInt8] = [0x41, 0xE9, 0xFF, 0x80, 0x00]
        let pdu = try decodeBytes(Self.frame(.submitSMResp, body: body))
        guard case .submitSMResp(let response) = pdu.body else { return }
        #expect(response.messageID.unicodeScalars.map(\.value) == [0x41, 0xE9, 0xFF, 0x80])
        #expect(try encodeToBytes(pdu) == Self.frame(.submitSMResp, body: body))
    }

    @Test func smLength255IsAcceptedWhenReading() throws {
        var body = [UInt8](repeating: 0, count: 16)  // service_type … sm_default_msg_id, all empty or 0
        body += [0xFF] + [UInt8](repeating: 0x41, count: 255)
        guard case .deliverSM(let deliver) = try decodeBytes(Self.frame(.deliverSM, body: body)).body else {
            Issue.record("not a deliver_sm")
            return
        }
        #expect(deliver.shortMessage.count == 255)
    }

    @Test func decodeConsumesOnePDUAndLeavesTheRest() throws {
        var buffer = ByteBuffer(bytes: Self.frame(.enquireLink, body: []) + Self.frame(.unbind, sequence: 2, body: []))
        #expect(try PDU.decode(frame: &buffer).body == .enquireLink)
        #expect(try PDU.decode(frame: &buffer) == PDU(.unbind, sequenceNumber: 2))
        #expect(buffer.readableBytes == 0)
    }

    @Test func failedDecodeLeavesTheBufferUntouched() {
        var buffer = ByteBuffer(bytes: Self.frame(.submitSMResp, body: [0x41]))
        #expect(throws: SMPPDecodeError.self) { _ = try PDU.decode(frame: &buffer) }
        #expect(buffer.readableBytes == 17)
    }

    @Test(arguments: [0, 1, 8, 15])
    func shortHeaders(count: Int) {
        let error = decodeError([UInt8](repeating: 0, count: count))
        #expect(error?.code == .invalidCommandLength)
        #expect(error?.commandID == (count >= 8 ? CommandID(rawValue: 0) : nil))
    }

    @Test(arguments: [UInt32(0), 15, 17, 1000, UInt32.max])
    func commandLengthNotMatchingTheOctets(length: UInt32) {
        var octets = Self.frame(.enquireLink, body: [])
        octets.replaceSubrange(0..<4, with: withUnsafeBytes(of: length.bigEndian, Array.init))
        let error = decodeError(octets)
        #expect(error?.code == (length < 16 ? .invalidCommandLength : .truncated))
        #expect(error?.commandID == .enquireLink)
    }
}
