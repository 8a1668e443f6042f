import SMPP

/// The `tlvs` field: `{"1403": "4142"}`, 4-hex-digit tags to even-length hex values.
extension RequestFields {
    /// Largest TLV value a request may give, in octets.
    static let maxTLVValueOctets = 255

    func optionalTLVs() throws(RequestFieldError) -> [TLV] {
        guard let node = present("tlvs") else { return [] }
        guard case .object(let tlvObject) = node else {
            throw RequestFieldError("tlvs", "must be an object of 4-hex-digit tags to hex values, got \(node.typeDescription)")
        }
        // The last value of a tag wins (keys "140a" and "140A" are one tag); it keeps the tag's first position.
        var order: [UInt16] = []
        var latest: [UInt16: JSONObject.Member] = [:]
        for member in tlvObject.members {
            let field = "tlvs." + truncatedForEcho(member.key, to: 8)
            guard let tag = Self.parseTag(member.key) else {
                throw RequestFieldError(field, "a TLV tag must be 4 hex digits, got \(describeForReason(.string(member.key)))")
            }
            if SendRequestDecoder.reservedTLVTags.contains(tag) {
                throw RequestFieldError(field, "tag 0x\(member.key) is set by the bridge itself (sar_* / message_payload)")
            }
            if latest.updateValue(member, forKey: tag) == nil { order.append(tag) }
        }
        var tlvs: [TLV] = []
        tlvs.reserveCapacity(order.count)
        for tag in order {
            guard let member = latest[tag] else { continue }
            let field = "tlvs." + member.key
            guard case .string(let hex) = member.value, let value = Self.parseHex(hex) else {
                throw RequestFieldError(field, "must be a string of an even number of hex digits, got \(describeForReason(member.value))")
            }
            guard value.count <= Self.maxTLVValueOctets else {
                throw RequestFieldError(field, "must be at most \(Self.maxTLVValueOctets) octets, got \(value.count)")
            }
            tlvs.append(TLV(tag: TLVTag(rawValue: tag), value: value))
        }
        return tlvs
    }

    static func parseTag(_ key: String) -> UInt16? {
        guard key.utf8.count == 4 else { return nil }
        var tag: UInt16 = 0
        for byte in key.utf8 {
            guard let digit = hexDigitValue(byte) else { return nil }
            tag = tag << 4 | UInt16(digit)
        }
        return tag
    }

    /// Octets of an even-length hex string (either case), or nil.
    static func parseHex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var octets: [UInt8] = []
        octets.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexDigitValue(digits[index]), let low = hexDigitValue(digits[index + 1]) else { return nil }
            octets.append(high << 4 | low)
            index += 2
        }
        return octets
    }
}
