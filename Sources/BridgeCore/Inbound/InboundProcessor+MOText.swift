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
    /// National language ids a GSM part named that have no table here (read with the default tables), if any.
    var unsupportedLanguages: [UInt8]? = nil
}

extension InboundProcessor {
    /// Decodes an MO's parts, in index order, as one message. Consecutive parts in one alphabet are decoded
    /// joined, so an escape or surrogate pair a sender split across them still decodes (a UCS2 part of odd length
    /// loses its last octet, one substitution, so the parts after it stay aligned); a message whose parts
    /// differ in alphabet (a sender may switch part by part) is decoded run by run, each in its own, and names the
    /// first part's coding. A message with any binary part is published binary (every
    /// part's user data, joined), naming the first binary part's coding (DESIGN §4 "MO"). GSM parts are read with
    /// the national language tables their UDH named; parts naming different ones are decoded run by run.
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
        let runs = runs(of: zip(alphabets, shifts).map(RunKey.init))
        var payloads = ordered.map(\.payload)
        if defaultAlphabet == .gsm7Packed {
            // Unpacked parts may end in a flagged septet that only the next part of the run tells padding from text.
            for run in runs where alphabets[run.lowerBound] == .gsm7 {
                payloads.replaceSubrange(run, with: GSM7Packing.settlingPadding(Array(payloads[run])))
            }
        }
        if let binaryIndex = alphabets.firstIndex(of: .binary) {
            return MOContent(
                text: nil, binary: payloads.flatMap { $0 }, encoding: SMSAlphabet.binary.rawValue,
                dataCoding: ordered[binaryIndex].dataCoding)
        }
        let text = runs.map {
            SMSText.decode(
                joining: Array(payloads[$0]), alphabet: alphabets[$0.lowerBound], shift: shifts[$0.lowerBound]
            ).text
        }
        var unsupported = [UInt8]()
        for shift in Set(shifts) { unsupported += shift.unsupported.filter { !unsupported.contains($0) } }
        // Packed GSM was unpacked, so its event names it `gsm7`.
        return MOContent(
            text: text.joined(), binary: nil, encoding: (alphabets.first ?? unpackedDefault.alphabet).rawValue,
            dataCoding: ordered.first?.dataCoding ?? 0, unsupportedLanguages: unsupported.isEmpty ? nil : unsupported.sorted())
    }

    /// What parts share to be decoded joined: alphabet and national language tables.
    private struct RunKey: Equatable {
        let alphabet: SMSAlphabet
        let shift: GSMNationalLanguageShift
    }

    /// The index ranges of consecutive parts with one key.
    private static func runs(of keys: [RunKey]) -> [Range<Int>] {
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
