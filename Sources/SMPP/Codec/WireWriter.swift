/// Writes PDU fields into raw memory, or only counts them.
///
/// ``PDU/encode(into:)`` runs the body's encoder twice: once counting (which also validates every field), then
/// writing into exactly that many reserved octets. Every `ByteBuffer` call touches its storage class and pays a
/// dynamic exclusivity check; this way the whole PDU costs one. Writes past `limit` are never performed: they
/// only set ``overflowed``, so a sizing bug cannot corrupt memory.
struct WireWriter {
    private let base: UnsafeMutableRawPointer?
    private let limit: Int
    /// Octets written (or counted) so far.
    private(set) var count = 0
    /// Whether a write would have gone past `limit` (and was skipped).
    private(set) var overflowed = false

    /// A writer that only counts and validates.
    init() {
        base = nil
        limit = .max
    }

    /// A writer into `memory`, which holds at least `limit` octets.
    init(into memory: UnsafeMutableRawBufferPointer, limit: Int) {
        base = memory.baseAddress
        self.limit = min(limit, memory.count)
        // Without memory nothing can be written: report it rather than silently count.
        if memory.baseAddress == nil, limit > 0 { overflowed = true }
    }

    /// Returns where `width` octets go, or `nil` when counting or when they would not fit.
    @inline(__always)
    private mutating func reserve(_ width: Int) -> UnsafeMutableRawPointer? {
        defer { count &+= width }
        guard let base else { return nil }
        guard width <= limit &- count else {
            overflowed = true
            return nil
        }
        return base + count
    }

    @inline(__always)
    mutating func writeInteger(_ value: UInt8) {
        reserve(1)?.storeBytes(of: value, as: UInt8.self)
    }

    @inline(__always)
    mutating func writeInteger(_ value: UInt16) {
        reserve(2)?.storeBytes(of: value.bigEndian, as: UInt16.self)
    }

    @inline(__always)
    mutating func writeInteger(_ value: UInt32) {
        reserve(4)?.storeBytes(of: value.bigEndian, as: UInt32.self)
    }

    mutating func writeBytes(_ octets: [UInt8]) {
        guard let target = reserve(octets.count) else { return }
        octets.withUnsafeBytes { source in
            if let start = source.baseAddress { target.copyMemory(from: start, byteCount: source.count) }
        }
    }

    /// Writes a C-Octet String of at most `max` octets including the NUL, as ISO-8859-1 (see ``BodyReader``).
    mutating func writeCString(_ value: String, field: String, max: Int) throws(SMPPEncodeError) {
        var value = value
        // Native strings are contiguous UTF-8; ASCII is copied as is.
        let wroteASCII: Bool = value.withUTF8 { octets in
            for octet in octets where octet == 0 || octet >= 0x80 { return false }
            guard octets.count < max else { return true }
            if let target = reserve(octets.count), let source = octets.baseAddress {
                target.copyMemory(from: source, byteCount: octets.count)
            }
            return true
        }
        if wroteASCII {
            let length = value.utf8.count
            guard length < max else {
                throw SMPPEncodeError(
                    code: .fieldTooLong, field: field, reason: "\(length) characters, at most \(max - 1) allowed")
            }
            writeInteger(UInt8(0))
            return
        }
        var length = 0
        for scalar in value.unicodeScalars {
            guard scalar.value != 0, scalar.value <= 0xFF else {
                throw SMPPEncodeError(
                    code: .invalidCharacter, field: field,
                    reason: "U+\(String(scalar.value, radix: 16, uppercase: true)) cannot be sent in a C-Octet String")
            }
            length &+= 1
        }
        guard length < max else {
            throw SMPPEncodeError(
                code: .fieldTooLong, field: field, reason: "\(length) characters, at most \(max - 1) allowed")
        }
        for scalar in value.unicodeScalars { writeInteger(UInt8(truncatingIfNeeded: scalar.value)) }
        writeInteger(UInt8(0))
    }

    /// Writes a time field (schedule_delivery_time, validity_period, final_date): empty or exactly 16 characters.
    mutating func writeTime(_ value: String, field: String) throws(SMPPEncodeError) {
        if value.isEmpty {
            writeInteger(UInt8(0))
            return
        }
        let count = value.unicodeScalars.count
        guard count == 16 else {
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

    /// Writes `<field>_ton`, `<field>_npi` and the C-Octet String `<field>` of at most `max` octets.
    mutating func writeAddress(_ address: Address, field: String, max: Int) throws(SMPPEncodeError) {
        writeInteger(address.ton)
        writeInteger(address.npi)
        try writeCString(address.address, field: field, max: max)
    }
}
