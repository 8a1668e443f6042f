import SMPP

/// What the user data of a submit_sm, deliver_sm or data_sm says: the UDH, the text decoded by data_coding and,
/// for a delivery receipt, the parsed receipt. The text comes from short_message or, when that is empty, from
/// message_payload (reference §8).
func decodedUserData(
    esmClass: ESMClass, dataCoding: UInt8, shortMessage: [UInt8], tlvs: [TLV], defaultAlphabet: DefaultAlphabet
) -> JSONValue {
    let userData = shortMessage.isEmpty ? (tlvs.messagePayload ?? []) : shortMessage
    let split = UserDataHeader.split(userData, udhi: esmClass.hasUDH)
    let shift = split.header?.nationalLanguageShift ?? .none
    let decoded = SMSText.decode(
        split.payload, dataCoding: dataCoding, defaultAlphabet: defaultAlphabet, udhOctets: split.headerOctets,
        shift: shift)
    var members: [(String, JSONValue)] = [
        ("source", .string(shortMessage.isEmpty && !userData.isEmpty ? "message_payload" : "short_message")),
        ("udh", split.header.map { .string(hexString($0.octets)) } ?? .null),
    ]
    if let error = split.error { members.append(("udh_error", .string("\(error)"))) }
    if let concatenation = split.header?.concatenation ?? ConcatenationInfo.sar(in: tlvs) {
        members.append((
            "concatenation",
            .object([
                ("scheme", .string("\(concatenation.scheme)")),
                ("reference", .number(concatenation.reference)),
                ("total", .number(concatenation.total)),
                ("index", .number(concatenation.index)),
            ])
        ))
    }
    if !shift.isNone, decoded.alphabet == .gsm7 || decoded.alphabet == .gsm7Packed {
        members.append((
            "national_language",
            .object([
                ("locking_shift", shift.locking.map { .number($0) } ?? .null),
                ("single_shift", shift.single.map { .number($0) } ?? .null),
                ("unsupported", .array(shift.unsupported.map { .number($0) })),
            ])
        ))
    }
    members += [
        ("alphabet", .string(decoded.alphabet.rawValue)),
        ("text", decoded.alphabet == .binary ? .null : .string(decoded.text)),
        ("substitutions", .number(decoded.substitutions)),
    ]
    if esmClass.isReceipt {
        let text = DeliveryReceipt.textOctets(of: userData, esmClass: esmClass)
        members.append(("receipt", receiptJSON(DeliveryReceipt.parse(shortMessage: text, dataCoding: dataCoding, tlvs: tlvs))))
    }
    return .object(members)
}

/// A parsed delivery receipt with the field names of the `delivery_receipt` event (DESIGN §1.3).
func receiptJSON(_ receipt: DeliveryReceipt) -> JSONValue {
    func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    return .object([
        ("message_id", optional(receipt.messageID)),
        ("stat", optional(receipt.stat)),
        ("state", optional(receipt.state?.rawValue)),
        ("final", receipt.isFinal.map { .bool($0) } ?? .null),
        ("err", optional(receipt.error)),
        ("network_error_code", receipt.networkErrorCode.map {
            .object([("network_type", .number($0.networkType)), ("error_code", .number($0.errorCode))])
        } ?? .null),
        ("sub", optional(receipt.submitted)),
        ("dlvrd", optional(receipt.delivered)),
        ("submit_date", optional(receipt.submitDate?.rfc3339)),
        ("done_date", optional(receipt.doneDate?.rfc3339)),
        ("text", optional(receipt.text)),
    ])
}
