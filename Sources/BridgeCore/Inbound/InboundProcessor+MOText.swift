import SMPP

/// What an MO event carries of its parts' user data.
struct MOContent: Equatable {
    /// The decoded text; nil when the message is binary.
    var text: String?
    /// The raw user data joined; nil when the message is text.
    var binary: [UInt8]?
    /// The event's `encoding`.
    var encoding: String
    /// The event's `data_coding`.
    var dataCoding: UInt8
}

extension InboundProcessor {
    /// Decodes an MO's parts, in index order, as one message. Consecutive parts of one data_coding are decoded
    /// joined, so an escape or surrogate pair a sender split across them still decodes; a message whose parts
    /// differ in data_coding (a sender may switch alphabet part by part) is decoded run by run, each with its own
    /// coding, and names the first part's coding. A message with any binary part is published binary (every
    /// part's user data, joined), naming the first binary part's coding (DESIGN §4 "MO").
    func decodedMO(_ ordered: [StoredMOPart]) -> MOContent {
        Self.decodedMO(ordered, defaultAlphabet: settings.defaultAlphabet)
    }

    /// ``decodedMO(_:)`` for a given `smpp.default_alphabet`.
    static func decodedMO(_ ordered: [StoredMOPart], defaultAlphabet: DefaultAlphabet) -> MOContent {
        // Stored GSM payloads are unpacked already (see `normalizedPayload`).
        let unpackedDefault: DefaultAlphabet = defaultAlphabet == .gsm7Packed ? .gsm7 : defaultAlphabet
        let firstCoding = ordered.first?.dataCoding ?? 0
        if let binaryPart = ordered.first(where: {
            SMSText.alphabet(forDataCoding: $0.dataCoding, defaultAlphabet: unpackedDefault) == .binary
        }) {
            return MOContent(
                text: nil, binary: ordered.flatMap(\.payload), encoding: SMSAlphabet.binary.rawValue,
                dataCoding: binaryPart.dataCoding)
        }
        var text = ""
        var runStart = ordered.startIndex
        while runStart < ordered.endIndex {
            let coding = ordered[runStart].dataCoding
            let runEnd = ordered[runStart...].firstIndex { $0.dataCoding != coding } ?? ordered.endIndex
            let joined = ordered[runStart..<runEnd].flatMap(\.payload)
            text += SMSText.decode(parts: [(joined, 0)], dataCoding: coding, defaultAlphabet: unpackedDefault).text
            runStart = runEnd
        }
        // Packed GSM was unpacked, so its event names it `gsm7`.
        let alphabet = SMSText.alphabet(forDataCoding: firstCoding, defaultAlphabet: unpackedDefault)
        return MOContent(text: text, binary: nil, encoding: alphabet.rawValue, dataCoding: firstCoding)
    }
}
