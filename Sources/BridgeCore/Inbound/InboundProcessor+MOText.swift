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
    /// Decodes an MO's parts, in index order, as one message. Consecutive parts in one alphabet are decoded
    /// joined, so an escape or surrogate pair a sender split across them still decodes (a UCS2 part of odd length
    /// loses its last octet, one substitution, so the parts after it stay aligned); a message whose parts
    /// differ in alphabet (a sender may switch part by part) is decoded run by run, each in its own, and names the
    /// first part's coding. A message with any binary part is published binary (every
    /// part's user data, joined), naming the first binary part's coding (DESIGN §4 "MO"). GSM parts are read with
    /// their national language tables (``readingShift(_:dataCoding:from:)``); parts with different ones are decoded
    /// run by run.
    func decodedMO(_ ordered: [StoredMOPart]) -> MOContent {
        Self.decodedMO(ordered, defaultAlphabet: settings.defaultAlphabet)
    }

    /// ``decodedMO(_:)`` for a given `smpp.default_alphabet`.
    static func decodedMO(_ ordered: [StoredMOPart], defaultAlphabet: DefaultAlphabet) -> MOContent {
        // Stored GSM payloads are unpacked already (see `normalizedPayload`).
        let unpackedDefault: DefaultAlphabet = defaultAlphabet == .gsm7Packed ? .gsm7 : defaultAlphabet
        // Runs go by alphabet, not by raw value: data_coding 0x00 and 0xF1 are both GSM, 0x08 and 0xE0 both UCS2.
        let alphabets = ordered.map { SMSText.alphabet(forDataCoding: $0.dataCoding, defaultAlphabet: unpackedDefault) }
        // The tables matter to GSM parts only: other alphabets keep one run across parts that name some.
        let shifts = zip(ordered, alphabets).map { part, alphabet in
            alphabet == .gsm7 ? part.nationalLanguageShift : GSMNationalLanguageShift.none
        }
        var payloads = ordered.map(\.payload)
        if defaultAlphabet == .gsm7Packed {
            // Unpacked parts may end in a flagged septet that only the next GSM part tells padding from text (an
            // escape there), whatever tables either names.
            for run in runs(of: alphabets) where alphabets[run.lowerBound] == .gsm7 {
                payloads.replaceSubrange(run, with: GSM7Packing.settlingPadding(Array(payloads[run])))
            }
        }
        if let binaryIndex = alphabets.firstIndex(of: .binary) {
            return MOContent(
                text: nil, binary: payloads.flatMap { $0 }, encoding: SMSAlphabet.binary.rawValue,
                dataCoding: ordered[binaryIndex].dataCoding)
        }
        let text = runs(of: zip(alphabets, shifts).map(RunKey.init)).map {
            SMSText.decode(
                joining: Array(payloads[$0]), alphabet: alphabets[$0.lowerBound], shift: shifts[$0.lowerBound]
            ).text
        }
        // Packed GSM was unpacked, so its event names it `gsm7`.
        return MOContent(
            text: text.joined(), binary: nil, encoding: (alphabets.first ?? unpackedDefault.alphabet).rawValue,
            dataCoding: ordered.first?.dataCoding ?? 0)
    }

    /// What parts share to be decoded joined: alphabet and national language tables.
    private struct RunKey: Equatable {
        let alphabet: SMSAlphabet
        let shift: GSMNationalLanguageShift
    }

    /// The national language tables a part is read with, and stored and keyed by: those its UDH names that this bridge
    /// has, for GSM text only — none otherwise, so a part naming tables that change nothing keeps the content key of
    /// earlier versions. A named table the bridge lacks is read as the default one (TS 23.038 Annex C) and logged.
    func readingShift(_ named: GSMNationalLanguageShift, dataCoding: UInt8, from: String) -> GSMNationalLanguageShift {
        guard !named.isNone else { return .none }
        let alphabet = SMSText.alphabet(forDataCoding: dataCoding, defaultAlphabet: settings.defaultAlphabet)
        guard alphabet == .gsm7 || alphabet == .gsm7Packed else { return .none }
        if !named.unsupported.isEmpty {
            logger.warning(
                "MO names a national language table this bridge does not have; read with the default GSM tables",
                metadata: ["from": "\(from)", "languages": "\(named.unsupported)"])
        }
        return named.supported
    }

    /// The index ranges of consecutive parts with one key.
    private static func runs<Key: Equatable>(of keys: [Key]) -> [Range<Int>] {
        var runs = [Range<Int>]()
        var start = 0
        while start < keys.count {
            let end = keys[start...].firstIndex { $0 != keys[start] } ?? keys.count
            runs.append(start..<end)
            start = end
        }
        return runs
    }
}
