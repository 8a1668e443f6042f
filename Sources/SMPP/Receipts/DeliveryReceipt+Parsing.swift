extension DeliveryReceipt {
    /// Spellings of each label, lower-case, longest first where one is a prefix of another.
    private static let labels: [(canonical: String, spelling: [Unicode.Scalar])] = [
        ("submit date", Array("submit date".unicodeScalars)), ("submit date", Array("submit_date".unicodeScalars)),
        ("submit date", Array("submitdate".unicodeScalars)), ("done date", Array("done date".unicodeScalars)),
        ("done date", Array("done_date".unicodeScalars)), ("done date", Array("donedate".unicodeScalars)),
        ("dlvrd", Array("dlvrd".unicodeScalars)), ("stat", Array("stat".unicodeScalars)),
        ("sub", Array("sub".unicodeScalars)), ("err", Array("err".unicodeScalars)),
        ("text", Array("text".unicodeScalars)), ("id", Array("id".unicodeScalars)),
    ]

    /// Reads a receipt from a PDU's parts: the text is short_message, or message_payload when short_message is
    /// empty; read as UCS2 for data_coding 8 (and 0xE0–0xEF) and as Latin-1 otherwise, because SMSCs write receipt
    /// text in ASCII whatever data_coding says. The TLVs take precedence over the text.
    public static func parse(shortMessage: [UInt8], dataCoding: UInt8 = 0, tlvs: [TLV] = []) -> DeliveryReceipt {
        var octets = shortMessage
        if octets.isEmpty, let payload = tlvs.first(where: { $0.tag == TLVTag.messagePayload }) { octets = payload.value }
        let alphabet: SMSAlphabet = SMSText.alphabet(forDataCoding: dataCoding) == .ucs2 ? .ucs2 : .latin1
        return parse(text: SMSText.decode(octets, alphabet: alphabet).text, tlvs: tlvs)
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
        receipt.fields = fields(in: text)
        let textStat = receipt.fields["stat"].map { $0.uppercased() }
        let textState = textStat.flatMap { ReceiptState(stat: $0) }
        receipt.messageID = receiptedMessageID ?? receipt.fields["id"]
        receipt.submitted = receipt.fields["sub"]
        receipt.delivered = receipt.fields["dlvrd"]
        receipt.submitDate = receipt.fields["submit date"].flatMap { ReceiptDate($0) }
        receipt.doneDate = receipt.fields["done date"].flatMap { ReceiptDate($0) }
        receipt.error = receipt.fields["err"]
        receipt.text = receipt.fields["text"]
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

    /// Finds every label (case-insensitive, at a word start, optional spaces before its colon). A field's value is
    /// its first word; `text` takes everything to the end, so labels after it are part of the text.
    static func fields(in text: String) -> [String: String] {
        let scalars = Array(text.unicodeScalars)
        var found = [(label: String, labelStart: Int, valueStart: Int)]()
        var position = 0
        while position < scalars.count {
            let atWordStart = position == 0 || isSeparator(scalars[position - 1])
            if atWordStart, let match = label(in: scalars, at: position) {
                found.append((match.label, position, match.valueStart))
                if match.label == "text" { break }
                position = match.valueStart
            } else {
                position += 1
            }
        }
        var fields = [String: String]()
        for (offset, field) in found.enumerated() where fields[field.label] == nil {
            let end = offset + 1 < found.count ? found[offset + 1].labelStart : scalars.count
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[field.valueStart..<max(field.valueStart, end)])
            let value = String(view)
            if field.label == "text" {
                fields["text"] = String(value.unicodeScalars.reversed().drop { $0 == "\0" || $0 == "\r" || $0 == "\n" }.reversed().map(Character.init))
            } else if let word = value.unicodeScalars.split(whereSeparator: isSeparator).first {
                var wordView = String.UnicodeScalarView()
                wordView.append(contentsOf: word)
                fields[field.label] = String(wordView)
            }
        }
        return fields
    }

    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" || scalar == "\0" || scalar == ","
            || scalar == ";"
    }

    private static func label(in scalars: [Unicode.Scalar], at position: Int) -> (label: String, valueStart: Int)? {
        for candidate in labels {
            let spelling = candidate.spelling
            guard position + spelling.count <= scalars.count else { continue }
            var matches = true
            for (offset, expected) in spelling.enumerated() {
                let actual = scalars[position + offset]
                let lowered = ("A"..."Z").contains(actual) ? Unicode.Scalar(actual.value + 32) ?? actual : actual
                if lowered != expected {
                    matches = false
                    break
                }
            }
            guard matches else { continue }
            var colon = position + spelling.count
            while colon < scalars.count, scalars[colon] == " " { colon += 1 }
            if colon < scalars.count, scalars[colon] == ":" { return (candidate.canonical, colon + 1) }
        }
        return nil
    }
}
