import SMPP
import Testing

@Suite struct SMPPDecodeErrorTests {
    @Test func bytesAreCappedAndDescribed() {
        let error = SMPPDecodeError(
            code: .fieldTooLong, commandID: .bindTransmitter, sequenceNumber: 4, offset: 16,
            bytes: [UInt8](repeating: 0x41, count: 500), reason: "system_id is longer than 15 characters")
        #expect(error.bytes.count == 64)
        #expect(error.description == "SMPPDecodeError.fieldTooLong at offset 16 in bind_transmitter: "
            + "system_id is longer than 15 characters")
        #expect(error.code.description == "fieldTooLong")
    }

    @Test func suggestedStatuses() {
        #expect(SMPPDecodeError.Code.invalidCommandLength.suggestedStatus == .invalidCommandLength)
        #expect(SMPPDecodeError.Code.invalidTLV.suggestedStatus == .invalidOptionalParameterStream)
        for code: SMPPDecodeError.Code in [.truncated, .missingNullTerminator, .fieldTooLong, .invalidFieldValue,
            .trailingBytes]
        {
            #expect(code.suggestedStatus == .invalidMessageLength)
        }
    }

    @Test func encodeErrorDescription() {
        let error = SMPPEncodeError(code: .invalidTime, field: "validity_period", reason: "5 characters")
        #expect(error.description == "SMPPEncodeError.invalidTime in validity_period: 5 characters")
    }
}
