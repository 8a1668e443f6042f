import Foundation
import SMPP

/// The per-field rules of DESIGN §1.2 over a parsed body; each failure names its field.
struct RequestFields {
    let object: JSONObject
    let body: [UInt8]

    func request(id: String) throws(RequestFieldError) -> SendRequest {
        let to = try destination()
        let from = try source()
        var content = try content()
        let encoding = try textEncoding()
        if case .text(let text) = content {
            let text = Self.composed(text, for: encoding)
            try checkEncodable(text, as: encoding)
            content = .text(text)
        }
        let dlr = try optionalBool("dlr")
        let validity = try optionalInteger("validity", in: 1...SendRequestDecoder.maxValiditySeconds)
        let scheduleAt = try optionalTime("schedule_at", within: Self.smppTimeRange)
        let expiresAt = try optionalTime("expires_at")
        let priority = try optionalInteger("priority", in: 0...3) ?? 0
        let concat = try optionalConcat()
        let serviceType = try optionalServiceType()
        let protocolID = try optionalInteger("protocol_id", in: 0...255)
        let tlvs = try optionalTLVs()
        let metadata = try optionalMetadata()
        return SendRequest(
            id: id, to: to, from: from, content: content, encoding: encoding, dlr: dlr, validity: validity,
            scheduleAt: scheduleAt, expiresAt: expiresAt, priority: UInt8(priority), concat: concat,
            serviceType: serviceType, protocolID: protocolID.map { UInt8($0) }, tlvs: tlvs, metadata: metadata)
    }

    /// The value under `key` unless it is absent or `null`.
    func present(_ key: String) -> JSONNode? {
        switch object[key] {
        case nil, .null?: nil
        case let node?: node
        }
    }

    func destination() throws(RequestFieldError) -> String {
        guard let node = present("to") else { throw RequestFieldError("to", "\"to\" is required") }
        guard case .string(let text) = node, Self.isNumber(text, maxDigits: 20) else {
            throw RequestFieldError("to", "must be a string of an optional '+' and 1–20 digits, got \(describeForReason(node))")
        }
        return text
    }

    func source() throws(RequestFieldError) -> String? {
        guard let node = present("from") else { return nil }
        guard case .string(let text) = node, Self.isNumber(text, maxDigits: 20) || Self.isAlphanumericSender(text)
        else {
            throw RequestFieldError(
                "from",
                "must be an optional '+' and 1–20 digits, or 1–11 printable GSM 7-bit characters within Latin-1, got \(describeForReason(node))"
            )
        }
        return text
    }

    /// `+`? then `1...maxDigits` ASCII digits.
    static func isNumber(_ text: String, maxDigits: Int) -> Bool {
        var digits = 0
        for (index, byte) in text.utf8.enumerated() {
            if index == 0, byte == UInt8(ascii: "+") { continue }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            digits += 1
        }
        return digits >= 1 && digits <= maxDigits
    }

    /// 1–11 Unicode scalars, none a control character, all in GSM 03.38 and in Latin-1 (an alphanumeric sender,
    /// TON 5): source_addr is a C-octet string, so GSM letters beyond U+00FF (Δ, Φ, Ω, €, …) cannot be written.
    static func isAlphanumericSender(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            guard count <= 11, scalar.value >= 0x20, scalar.value != 0x7F, scalar.value <= 0xFF,
                GSM0338.septets(for: scalar) != nil
            else {
                return false
            }
        }
        return count >= 1
    }

    func content() throws(RequestFieldError) -> SendRequest.Content {
        let text = present("text")
        let binary = present("binary")
        // data_coding and udh are checked whenever present, so a mistake is reported even when they are unused.
        let dataCoding = try optionalInteger("data_coding", in: 0...255)
        let udh = try optionalBase64("udh")
        switch (text, binary) {
        case (nil, nil):
            throw RequestFieldError("text", "one of \"text\" or \"binary\" is required")
        case (.some, .some):
            throw RequestFieldError("binary", "give either \"text\" or \"binary\", not both")
        case (let node?, nil):
            guard case .string(let string) = node, !string.isEmpty else {
                throw RequestFieldError("text", "must be a non-empty string, got \(describeForReason(node))")
            }
            return .text(string)
        case (nil, .some):
            guard let payload = try optionalBase64("binary"), !payload.isEmpty else {
                throw RequestFieldError("binary", "must be non-empty base64")
            }
            return .binary(
                payload: payload, dataCoding: UInt8(dataCoding ?? Int(SMSDataCoding.binary)),
                udh: udh.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    /// `text` in Unicode's composed form (NFC) where that lets it go in a 7- or 8-bit alphabet: a letter and its
    /// combining accent (as macOS and iOS sources often write "é") become the one character GSM 03.38 (or Latin-1)
    /// has, so the text goes as GSM 7-bit (160 a part) rather than UCS2 (70), and `encoding: gsm7` does not refuse
    /// it. Otherwise the text is left exactly as sent: only texts with a combining diacritical mark (U+0300–U+036F)
    /// are looked at, never under `encoding: ucs2`, and the composed form is kept only when it encodes as asked
    /// (GSM 7-bit for `auto`) — NFC would also replace compatibility ideographs or lengthen some scripts.
    static func composed(_ text: String, for encoding: TextEncoding) -> String {
        // U+0300–U+036F are 0xCC 0x80 … 0xCD 0xAF in UTF-8: a byte scan rules most texts out first.
        guard encoding != .ucs2, text.utf8.contains(where: { $0 == 0xCC || $0 == 0xCD }),
              text.unicodeScalars.contains(where: { $0.value >= 0x300 && $0.value <= 0x36F })
        else { return text }
        let composed = text.precomposedStringWithCanonicalMapping
        return (try? SMSText.encode(composed, as: encoding == .auto ? .gsm7 : encoding)) != nil ? composed : text
    }

    func textEncoding() throws(RequestFieldError) -> TextEncoding {
        guard let node = present("encoding") else { return .auto }
        guard case .string(let text) = node, let encoding = TextEncoding(rawValue: text) else {
            throw RequestFieldError("encoding", "must be one of auto, gsm7, ucs2, latin1, ascii, got \(describeForReason(node))")
        }
        return encoding
    }

    func checkEncodable(_ text: String, as encoding: TextEncoding) throws(RequestFieldError) {
        switch encoding {
        case .auto, .ucs2:
            return  // UCS2 carries every character, and auto falls back to it
        case .gsm7, .latin1, .ascii:
            do {
                _ = try SMSText.encode(text, as: encoding)
            } catch {
                throw RequestFieldError("text", error.description)
            }
        }
    }

    func optionalBool(_ key: String) throws(RequestFieldError) -> Bool? {
        guard let node = present(key) else { return nil }
        guard case .bool(let value) = node else {
            throw RequestFieldError(key, "must be true or false, got \(describeForReason(node))")
        }
        return value
    }

    func optionalInteger(_ key: String, in range: ClosedRange<Int>) throws(RequestFieldError) -> Int? {
        guard let node = present(key) else { return nil }
        guard case .number(let number) = node, number.isInteger else {
            throw RequestFieldError(key, "must be an integer, got \(describeForReason(node))")
        }
        guard let value = number.intValue, range.contains(value) else {
            throw RequestFieldError(
                key, "must be an integer from \(range.lowerBound) to \(range.upperBound), got \(describeForReason(node))")
        }
        return value
    }

    func optionalBase64(_ key: String) throws(RequestFieldError) -> [UInt8]? {
        guard let node = present(key) else { return nil }
        guard case .string(let text) = node, let octets = Base64.decode(text) else {
            throw RequestFieldError(key, "must be a standard base64 string with padding, got \(describeForReason(node))")
        }
        return octets
    }

    func optionalTime(_ key: String, within range: ClosedRange<Date>? = nil) throws(RequestFieldError) -> Date? {
        guard let node = present(key) else { return nil }
        guard case .string(let text) = node, let date = RFC3339.parse(text) else {
            throw RequestFieldError(key, "must be an RFC 3339 time such as 2026-12-01T10:33:37Z, got \(describeForReason(node))")
        }
        if let range, !range.contains(date) {
            throw RequestFieldError(key, "must lie in 2000–2099 (an SMPP time has a two-digit year), got \(text)")
        }
        return date
    }

    /// The times an SMPP absolute time can express (`SMPPTime.absoluteUnixSeconds`); `SMPPTime` would clamp a time
    /// outside them, sending another time than the one asked for.
    static let smppTimeRange = Date(timeIntervalSince1970: Double(SMPPTime.absoluteUnixSeconds.lowerBound))
        ... Date(timeIntervalSince1970: Double(SMPPTime.absoluteUnixSeconds.upperBound))

    func optionalConcat() throws(RequestFieldError) -> ConcatenationMethod? {
        guard let node = present("concat") else { return nil }
        guard case .string(let text) = node, let method = ConcatenationMethod(rawValue: text) else {
            throw RequestFieldError("concat", "must be one of udh8, udh16, sar, payload, got \(describeForReason(node))")
        }
        return method
    }

    /// A C-octet string of at most 6 octets on the wire: 0–5 printable ASCII characters.
    func optionalServiceType() throws(RequestFieldError) -> String? {
        guard let node = present("service_type") else { return nil }
        guard case .string(let text) = node, text.utf8.count <= 5,
            text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        else {
            throw RequestFieldError("service_type", "must be at most 5 printable ASCII characters, got \(describeForReason(node))")
        }
        return text
    }

    func optionalMetadata() throws(RequestFieldError) -> [UInt8]? {
        guard let member = object.member("metadata") else { return nil }
        switch member.value {
        case .null: return nil
        case .object:
            guard member.range.count <= SendRequestDecoder.maxMetadataBytes else {
                throw RequestFieldError(
                    "metadata",
                    "must be at most \(SendRequestDecoder.maxMetadataBytes) bytes, got \(member.range.count)")
            }
            return Array(body[member.range])
        default:
            throw RequestFieldError("metadata", "must be a JSON object, got \(member.value.typeDescription)")
        }
    }
}
