import NIOCore

extension ByteBuffer {
    /// Writes a C-Octet String of at most `max` octets including the NUL, as ISO-8859-1 (see ``BodyReader``).
    mutating func writeCString(_ value: String, field: String, max: Int) throws(SMPPEncodeError) {
        let fastPath: Int? = value.utf8.withContiguousStorageIfAvailable { octets -> Int? in
            for octet in octets where octet == 0 || octet >= 0x80 { return nil }
            return octets.count
        } ?? nil
        if let count = fastPath {
            guard count < max else {
                throw SMPPEncodeError(
                    code: .fieldTooLong, field: field, reason: "\(count) characters, at most \(max - 1) allowed")
            }
            writeString(value)
            writeInteger(UInt8(0))
            return
        }
        var count = 0
        for scalar in value.unicodeScalars {
            guard scalar.value != 0, scalar.value <= 0xFF else {
                throw SMPPEncodeError(
                    code: .invalidCharacter, field: field,
                    reason: "U+\(String(scalar.value, radix: 16, uppercase: true)) cannot be sent in a C-Octet String")
            }
            count &+= 1
        }
        guard count < max else {
            throw SMPPEncodeError(
                code: .fieldTooLong, field: field, reason: "\(count) characters, at most \(max - 1) allowed")
        }
        for scalar in value.unicodeScalars { writeInteger(UInt8(truncatingIfNeeded: scalar.value)) }
        writeInteger(UInt8(0))
    }

    /// Writes a time field (schedule_delivery_time, validity_period, final_date): empty or exactly 16 characters.
    mutating func writeTime(_ value: String, field: String) throws(SMPPEncodeError) {
        let count = value.unicodeScalars.count
        guard count == 0 || count == 16 else {
            throw SMPPEncodeError(
                code: .invalidTime, field: field, reason: "\(count) characters; a time is empty or exactly 16")
        }
        try writeCString(value, field: field, max: 17)
    }

    /// Writes sm_length and short_message (0–254 octets, reference §3).
    mutating func writeShortMessage(_ octets: [UInt8]) throws(SMPPEncodeError) {
        guard octets.count <= 254 else {
            throw SMPPEncodeError(
                code: .fieldTooLong, field: "short_message",
                reason: "\(octets.count) octets, at most 254 (use message_payload or segment)")
        }
        writeInteger(UInt8(truncatingIfNeeded: octets.count))
        writeBytes(octets)
    }

    /// Writes each TLV as tag, length, value.
    mutating func writeTLVs(_ tlvs: [TLV]) throws(SMPPEncodeError) {
        for tlv in tlvs {
            guard tlv.value.count <= 0xFFFF else {
                throw SMPPEncodeError(
                    code: .fieldTooLong, field: tlv.tag.name,
                    reason: "TLV value of \(tlv.value.count) octets, at most 65535")
            }
            writeInteger(tlv.tag.rawValue)
            writeInteger(UInt16(truncatingIfNeeded: tlv.value.count))
            writeBytes(tlv.value)
        }
    }
}
