/// One submit_sm worth of a message: what goes into short_message, esm_class and the TLVs.
public struct SubmitPart: Sendable, Hashable {
    /// 1-based position of this part.
    public var index: Int
    /// Number of parts of the message.
    public var total: Int
    /// The short_message octets: the UDH (if any) followed by the payload; empty when the text is in message_payload.
    public var shortMessage: [UInt8]
    /// The UDH octets at the start of `shortMessage` (UDHL included), nil without one.
    public var udh: [UInt8]?
    /// Bits to OR into esm_class: 0x40 (UDHI) when `shortMessage` or message_payload starts with a UDH, else 0.
    public var esmClassFlags: UInt8
    /// Optional parameters this part needs: the SAR triple, or message_payload.
    public var tlvs: [TLV]
    /// The data_coding to submit with.
    public var dataCoding: UInt8
    /// Units this part carries: septets, UTF-16 code units or octets (as `EncodedText.count`).
    public var count: Int

    /// Creates a part.
    public init(
        index: Int, total: Int, shortMessage: [UInt8], udh: [UInt8]?, esmClassFlags: UInt8, tlvs: [TLV],
        dataCoding: UInt8, count: Int
    ) {
        self.index = index
        self.total = total
        self.shortMessage = shortMessage
        self.udh = udh
        self.esmClassFlags = esmClassFlags
        self.tlvs = tlvs
        self.dataCoding = dataCoding
        self.count = count
    }
}

/// A message split into submit parts.
public struct SegmentedMessage: Sendable, Hashable {
    /// The encoding used (never `.auto`); nil for binary.
    public var encoding: TextEncoding?
    /// The wire form of the payload.
    public var alphabet: SMSAlphabet
    /// The data_coding of every part.
    public var dataCoding: UInt8
    /// Length of the whole message in septets, UTF-16 code units or octets.
    public var count: Int
    /// The method that was asked for (a message that fits in one part uses none of it).
    public var method: ConcatenationMethod
    /// The concatenation reference shared by the parts; nil when there is a single part.
    public var reference: UInt16?
    /// The parts, in order.
    public var parts: [SubmitPart]

    /// Creates a segmented message; `MessageSegmenter.segment` is the usual way.
    public init(
        encoding: TextEncoding?, alphabet: SMSAlphabet, dataCoding: UInt8, count: Int, method: ConcatenationMethod,
        reference: UInt16?, parts: [SubmitPart]
    ) {
        self.encoding = encoding
        self.alphabet = alphabet
        self.dataCoding = dataCoding
        self.count = count
        self.method = method
        self.reference = reference
        self.parts = parts
    }
}

/// A message that cannot be split as asked.
public struct SegmentationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an opaque code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case tooManyParts, headerTooLong, payloadTooLong
        }

        private var base: Base
        private init(_ base: Base) { self.base = base }

        /// More than 255 parts would be needed.
        public static let tooManyParts = Code(.tooManyParts)
        /// The caller's UDH leaves no room for the text.
        public static let headerTooLong = Code(.headerTooLong)
        /// More than 65 535 octets for message_payload.
        public static let payloadTooLong = Code(.payloadTooLong)

        /// The code's name.
        public var description: String {
            switch base {
            case .tooManyParts: "too_many_parts"
            case .headerTooLong: "header_too_long"
            case .payloadTooLong: "payload_too_long"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// Parts needed (`.tooManyParts`), UDH octets (`.headerTooLong`) or payload octets (`.payloadTooLong`).
    public var amount: Int

    /// A one-line message.
    public var description: String {
        if code == .tooManyParts {
            return "message needs \(amount) parts; at most \(MessageSegmenter.maximumParts) are allowed"
        } else if code == .headerTooLong {
            return "a UDH of \(amount) octets leaves no room for the message"
        }
        return "message_payload of \(amount) octets exceeds \(MessageSegmenter.maximumPayloadOctets)"
    }
}
