/// One received part of a concatenated message (MO deliver_sm or data_sm), with its user data freed of the UDH.
public struct ConcatenatedPart: Sendable, Hashable {
    /// source_addr of the PDU.
    public var source: String
    /// destination_addr of the PDU.
    public var destination: String
    /// Reference, total and index.
    public var concatenation: ConcatenationInfo
    /// data_coding of the PDU.
    public var dataCoding: UInt8
    /// The user data after the UDH.
    public var userData: [UInt8]
    /// Octets the UDH took (sets packed-GSM fill bits), 0 for SAR parts without a UDH.
    public var headerOctets: Int
    /// The national language tables the part's UDH names (GSM 7-bit text).
    public var nationalLanguageShift: GSMNationalLanguageShift

    /// Creates a part.
    public init(
        source: String, destination: String, concatenation: ConcatenationInfo, dataCoding: UInt8, userData: [UInt8],
        headerOctets: Int = 0, nationalLanguageShift: GSMNationalLanguageShift = .none
    ) {
        self.source = source
        self.destination = destination
        self.concatenation = concatenation
        self.dataCoding = dataCoding
        self.userData = userData
        self.headerOctets = headerOctets
        self.nationalLanguageShift = nationalLanguageShift
    }

    /// Reads the concatenation of a deliver_sm / data_sm: a UDH concatenation element when esm_class has UDHI
    /// (0x40), otherwise the SAR TLVs. The user data is short_message, or message_payload when short_message is
    /// empty. Returns nil for a message that is not a part of a concatenated one (or whose UDH is unreadable).
    public static func from(
        source: String,
        destination: String,
        esmClass: UInt8,
        dataCoding: UInt8,
        shortMessage: [UInt8],
        tlvs: [TLV] = []
    ) -> ConcatenatedPart? {
        var userData = shortMessage
        if userData.isEmpty, let payload = tlvs.first(where: { $0.tag == TLVTag.messagePayload }) {
            userData = payload.value
        }
        let split = UserDataHeader.split(userData, udhi: esmClass & 0x40 != 0)
        guard let info = split.header?.concatenation ?? ConcatenationInfo.sar(in: tlvs) else { return nil }
        return ConcatenatedPart(
            source: source, destination: destination, concatenation: info, dataCoding: dataCoding,
            userData: split.payload, headerOctets: split.headerOctets,
            nationalLanguageShift: split.header?.nationalLanguageShift ?? .none)
    }
}

/// What identifies one concatenated message: (source, destination, reference, total).
public struct ReassemblyKey: Sendable, Hashable {
    /// source_addr.
    public var source: String
    /// destination_addr.
    public var destination: String
    /// The concatenation reference.
    public var reference: UInt16
    /// The number of parts.
    public var total: UInt8

    /// Creates a key.
    public init(source: String, destination: String, reference: UInt16, total: UInt8) {
        self.source = source
        self.destination = destination
        self.reference = reference
        self.total = total
    }

    /// The key a part belongs to.
    public init(_ part: ConcatenatedPart) {
        self.init(
            source: part.source, destination: part.destination, reference: part.concatenation.reference,
            total: part.concatenation.total)
    }
}

/// A reassembled message: complete, or what was held when it expired or was evicted.
public struct ReassembledMessage: Sendable, Hashable {
    /// The message's key.
    public var key: ReassemblyKey
    /// data_coding of the parts.
    public var dataCoding: UInt8
    /// The parts held, ordered by index.
    public var parts: [ConcatenatedPart]
    /// 1-based indexes that never arrived; empty when complete.
    public var missing: [Int]

    /// Creates a message from its parts (e.g. when rebuilding from a store).
    public init(key: ReassemblyKey, dataCoding: UInt8, parts: [ConcatenatedPart], missing: [Int]) {
        self.key = key
        self.dataCoding = dataCoding
        self.parts = parts
        self.missing = missing
    }

    /// Whether every part arrived.
    public var isComplete: Bool { missing.isEmpty }

    /// The user data of the held parts joined in order (for binary messages).
    public var userData: [UInt8] { parts.flatMap(\.userData) }

    /// Decodes the held parts as one text (an escape or surrogate pair split across parts still decodes); each run of
    /// consecutive parts naming the same national language tables is decoded with them.
    public func decode(defaultAlphabet: DefaultAlphabet = .gsm7) -> DecodedText {
        var decoded = DecodedText(text: "", substitutions: 0, alphabet: SMSText.alphabet(
            forDataCoding: dataCoding, defaultAlphabet: defaultAlphabet))
        var start = parts.startIndex
        while start < parts.endIndex {
            let shift = parts[start].nationalLanguageShift
            let end = parts[start...].firstIndex { $0.nationalLanguageShift != shift } ?? parts.endIndex
            let run = SMSText.decode(
                parts: parts[start..<end].map { ($0.userData, $0.headerOctets) }, dataCoding: dataCoding,
                defaultAlphabet: defaultAlphabet, shift: shift)
            decoded.text += run.text
            decoded.substitutions += run.substitutions
            decoded.alphabet = run.alphabet
            start = end
        }
        return decoded
    }
}

/// Why a part was refused.
public struct ReassemblyRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, as an opaque code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case zeroTotal, indexOutOfRange, dataCodingMismatch
        }

        private var base: Base
        private init(_ base: Base) { self.base = base }

        /// The part claims a total of 0.
        public static let zeroTotal = Code(.zeroTotal)
        /// The index is 0 or greater than the total.
        public static let indexOutOfRange = Code(.indexOutOfRange)
        /// The part's data_coding differs from the parts already held for the same message.
        public static let dataCodingMismatch = Code(.dataCodingMismatch)

        /// The code's name.
        public var description: String {
            switch base {
            case .zeroTotal: "zero_total"
            case .indexOutOfRange: "index_out_of_range"
            case .dataCodingMismatch: "data_coding_mismatch"
            }
        }
    }

    /// The reason.
    public var code: Code
    /// The concatenation the part claimed.
    public var concatenation: ConcatenationInfo

    /// Creates a rejection.
    public init(code: Code, concatenation: ConcatenationInfo) {
        self.code = code
        self.concatenation = concatenation
    }

    /// A one-line message.
    public var description: String {
        "part \(concatenation.index)/\(concatenation.total) ref \(concatenation.reference) rejected: \(code)"
    }
}
