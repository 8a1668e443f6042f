extension DeliveryReceipt {
    /// The labelled fields of the receipt text (Appendix B), each with its canonical label.
    enum Field: Int, CaseIterable {
        case id, sub, dlvrd, submitDate, doneDate, stat, err, text

        var canonical: String {
            switch self {
            case .id: "id"
            case .sub: "sub"
            case .dlvrd: "dlvrd"
            case .submitDate: "submit date"
            case .doneDate: "done date"
            case .stat: "stat"
            case .err: "err"
            case .text: "text"
            }
        }
    }

    /// Spellings of each label, lower-case, longest first where one is a prefix of another.
    private static let labels: [(field: Field, spelling: [UInt8])] = [
        (Field.submitDate, "submit date"), (.submitDate, "submit_date"), (.submitDate, "submitdate"),
        (.doneDate, "done date"), (.doneDate, "done_date"), (.doneDate, "donedate"), (.dlvrd, "dlvrd"),
        (.stat, "stat"), (.sub, "sub"), (.err, "err"), (.text, "text"), (.id, "id"),
    ].map { ($0.0, Array($0.1.utf8)) }

    /// Reads a receipt from a PDU's parts: the text is short_message, or message_payload when short_message is
    /// empty; read as Latin-1, because SMSCs write receipt text in ASCII whatever data_coding says — as UCS2 only
    /// when data_coding says UCS2 (8, 0xE0–0xEF) and the octets read as Latin-1 show neither `id` nor `stat` (some
    /// SMSCs copy the submit's data_coding 8 onto an ASCII receipt). The TLVs take precedence over the text.
    public static func parse(shortMessage: [UInt8], dataCoding: UInt8 = 0, tlvs: [TLV] = []) -> DeliveryReceipt {
        var octets = shortMessage
        if octets.isEmpty, let payload = tlvs.first(where: { $0.tag == TLVTag.messagePayload }) { octets = payload.value }
        let latin1 = SMSText.decode(octets, alphabet: .latin1).text
        guard SMSText.alphabet(forDataCoding: dataCoding) == .ucs2 else { return parse(text: latin1, tlvs: tlvs) }
        let labels = fieldValues(in: latin1)
        if labels[Field.id.rawValue] != nil || labels[Field.stat.rawValue] != nil { return parse(text: latin1, tlvs: tlvs) }
        return parse(text: SMSText.decode(octets, alphabet: .ucs2).text, tlvs: tlvs)
    }

    /// A receipt's text octets within its user data: after a UDH when esm_class says there is one (0x40) and there
    /// is one — the first octet a header length (2–31: receipt text never starts there) and the header readable with
    /// at least one element. Some SMSCs set the flag on receipts without any header; their text is read whole (a
    /// UCS2 text starts with 0x00, an empty "header").
    public static func textOctets(of userData: [UInt8], esmClass: ESMClass) -> [UInt8] {
        guard esmClass.hasUDH, let first = userData.first, first >= 2, first < 0x20 else { return userData }
        let split = UserDataHeader.split(userData, udhi: true)
        guard split.error == nil, split.header?.elements.isEmpty == false else { return userData }
        return split.payload
    }

    /// Reads a receipt from its text and TLVs (receipted_message_id, message_state, network_error_code win).
    public static func parse(text: String, tlvs: [TLV] = []) -> DeliveryReceipt {
        var tlvID: String?
        if let value = tlvs.first(where: { $0.tag == TLVTag.receiptedMessageID })?.value {
            let idOctets = value.prefix { $0 != 0 }
            let decoded = SMSText.decode(idOctets, alphabet: .latin1).text.trimmingASCIIWhitespace()
            if !decoded.isEmpty { tlvID = decoded }
        }
        var tlvState: ReceiptState?
        if let value = tlvs.first(where: { $0.tag == TLVTag.messageState })?.value, value.count == 1 {
            tlvState = ReceiptState(messageState: value[0])
        }
        let networkError = tlvs.first(where: { $0.tag == TLVTag.networkErrorCode }).flatMap { ReceiptNetworkError(tlvValue: $0.value) }
        return parse(text: text, receiptedMessageID: tlvID, messageState: tlvState, networkErrorCode: networkError)
    }

    /// Reads a receipt from its text, with already-decoded TLV values taking precedence when non-nil.
    public static func parse(
        text: String,
        receiptedMessageID: String?,
        messageState: ReceiptState?,
        networkErrorCode: ReceiptNetworkError?
    ) -> DeliveryReceipt {
        var receipt = DeliveryReceipt(rawText: text)
        let values = fieldValues(in: text)
        let textStat = values[Field.stat.rawValue]
        let textState = textStat.flatMap { ReceiptState(stat: $0) }
        let textID = values[Field.id.rawValue]
        receipt.messageID = receiptedMessageID ?? textID
        if let textID, !textID.isEmpty, textID != receipt.messageID { receipt.textMessageID = textID }
        receipt.submitted = values[Field.sub.rawValue]
        receipt.delivered = values[Field.dlvrd.rawValue]
        receipt.submitDate = values[Field.submitDate.rawValue].flatMap { ReceiptDate($0) }
        receipt.doneDate = values[Field.doneDate.rawValue].flatMap { ReceiptDate($0) }
        receipt.error = values[Field.err.rawValue]
        receipt.text = values[Field.text.rawValue]
        receipt.networkErrorCode = networkErrorCode
        if let messageState {
            receipt.state = messageState
            receipt.stat = textState == messageState ? textStat : messageState.stat
        } else {
            receipt.state = textState
            receipt.stat = textStat
        }
        return receipt
    }

    /// Every labelled field found in `text`, keyed by canonical label (see ``fieldValues(in:)``).
    static func fields(in text: String) -> [String: String] {
        var fields = [String: String]()
        for (index, value) in fieldValues(in: text).enumerated() {
            if let value, let field = Field(rawValue: index) { fields[field.canonical] = value }
        }
        return fields
    }

    /// The value of each field (indexed by ``Field``'s raw value; nil when absent), the first occurrence of a label
    /// winning. Finds every label (case-insensitive, at a word start, optional spaces before its colon). A field's
    /// value is its first word; `text` takes everything to the end, so labels after it are part of the text. Works
    /// on the UTF-8 bytes: labels, separators and colons are ASCII, and no byte of a multi-byte character is.
    static func fieldValues(in text: String) -> [String?] {
        var text = text
        return text.withUTF8 { bytes in
            // Where each field's label starts and its value starts, in the order found (at most a few dozen).
            var found: [(field: Field, labelStart: Int, valueStart: Int)] = []
            found.reserveCapacity(Field.allCases.count)
            var position = 0
            while position < bytes.count {
                let atWordStart = position == 0 || isSeparator(bytes[position - 1])
                if atWordStart, let match = label(in: bytes, at: position) {
                    found.append((match.field, position, match.valueStart))
                    if match.field == .text { break }
                    position = match.valueStart
                } else {
                    position += 1
                }
            }
            var values = [String?](repeating: nil, count: Field.allCases.count)
            for (offset, entry) in found.enumerated() where values[entry.field.rawValue] == nil {
                let end = offset + 1 < found.count ? found[offset + 1].labelStart : bytes.count
                var value = bytes[entry.valueStart..<max(entry.valueStart, end)]
                if entry.field == .text {
                    while let last = value.last, last == 0 || last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
                        value = value.dropLast()
                    }
                    values[entry.field.rawValue] = String(decoding: value, as: UTF8.self)
                } else if let start = value.firstIndex(where: { !isSeparator($0) }) {
                    let end = value[start...].firstIndex(where: isSeparator) ?? value.endIndex
                    values[entry.field.rawValue] = String(decoding: value[start..<end], as: UTF8.self)
                }
            }
            return values
        }
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), 0, UInt8(ascii: ","),
             UInt8(ascii: ";"):
            true
        default:
            false
        }
    }

    private static func label(in bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> (field: Field, valueStart: Int)? {
        let first = lowercased(bytes[position])
        for candidate in labels where candidate.spelling[0] == first {
            let spelling = candidate.spelling
            guard position + spelling.count <= bytes.count else { continue }
            var matches = true
            for offset in 1..<spelling.count where lowercased(bytes[position + offset]) != spelling[offset] {
                matches = false
                break
            }
            guard matches else { continue }
            var colon = position + spelling.count
            while colon < bytes.count, bytes[colon] == UInt8(ascii: " ") { colon += 1 }
            if colon < bytes.count, bytes[colon] == UInt8(ascii: ":") { return (candidate.field, colon + 1) }
        }
        return nil
    }

    /// ASCII lower case (A–Z only); every other byte as it is.
    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
