/// Why a PDU could not be decoded: what went wrong, where, and the bytes at fault (STYLE rule 4).
public struct SMPPDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. Opaque so that new kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Hashable, Sendable {
            case invalidCommandLength
            case truncated
            case missingNullTerminator
            case fieldTooLong
            case invalidFieldValue
            case invalidTLV
            case trailingBytes
        }

        let base: Base

        /// command_length below 16, above the configured maximum, or not matching the bytes given.
        public static let invalidCommandLength = Code(base: .invalidCommandLength)
        /// The body ended before a mandatory field (or an sm_length's octets) was complete.
        public static let truncated = Code(base: .truncated)
        /// A C-Octet String has no NUL within the body or within its maximum size.
        public static let missingNullTerminator = Code(base: .missingNullTerminator)
        /// A C-Octet String is longer than its maximum (which counts the NUL).
        public static let fieldTooLong = Code(base: .fieldTooLong)
        /// A field holds a value the layout cannot follow (e.g. a submit_multi dest_flag other than 1 or 2).
        public static let invalidFieldValue = Code(base: .invalidFieldValue)
        /// A TLV header or value runs past the end of the body.
        public static let invalidTLV = Code(base: .invalidTLV)
        /// Octets are left after the last field of a body that carries no TLVs.
        public static let trailingBytes = Code(base: .trailingBytes)

        /// The camel-case name, e.g. `missingNullTerminator`.
        public var description: String { base.rawValue }

        /// The command_status to answer a request that failed this way with (reference §2, §4).
        public var suggestedStatus: CommandStatus {
            switch base {
            case .invalidCommandLength: .invalidCommandLength
            case .invalidTLV: .invalidOptionalParameterStream
            case .truncated, .missingNullTerminator, .fieldTooLong, .invalidFieldValue, .trailingBytes:
                .invalidMessageLength
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// The command id from the header, when at least 8 octets were there.
    public var commandID: CommandID?
    /// The sequence number from the header, when all 16 header octets were there (needed to answer with a nack).
    public var sequenceNumber: UInt32?
    /// Offset of the offending bytes from the first octet of the PDU (the command_length field is offset 0).
    public var offset: Int
    /// The offending bytes (at most 64 of them).
    public var bytes: [UInt8]
    /// A human-readable explanation naming the field.
    public var reason: String

    /// Creates an error; `bytes` is cut to its first 64 octets.
    public init(
        code: Code, commandID: CommandID?, sequenceNumber: UInt32?, offset: Int, bytes: [UInt8], reason: String
    ) {
        self.code = code
        self.commandID = commandID
        self.sequenceNumber = sequenceNumber
        self.offset = offset
        self.bytes = bytes.count > 64 ? Array(bytes.prefix(64)) : bytes
        self.reason = reason
    }

    /// `code at offset N (command): reason`.
    public var description: String {
        "SMPPDecodeError.\(code) at offset \(offset)" + (commandID.map { " in \($0.name)" } ?? "") + ": \(reason)"
    }
}

/// Why a PDU could not be encoded: a value the wire format cannot carry.
public struct SMPPEncodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. Opaque so that new kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String, Hashable, Sendable {
            case fieldTooLong
            case invalidCharacter
            case invalidTime
            case tooManyItems
        }

        let base: Base

        /// A string, short_message (over 254) or TLV value (over 65 535) is longer than its field allows.
        public static let fieldTooLong = Code(base: .fieldTooLong)
        /// A C-Octet String holds NUL or a character above U+00FF.
        public static let invalidCharacter = Code(base: .invalidCharacter)
        /// A time field is neither empty nor exactly 16 characters.
        public static let invalidTime = Code(base: .invalidTime)
        /// A list (submit_multi destinations or unsuccessful SMEs) has more than 254 / 255 entries.
        public static let tooManyItems = Code(base: .tooManyItems)

        /// The camel-case name, e.g. `fieldTooLong`.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The reference name of the field at fault, e.g. `source_addr`.
    public var field: String
    /// A human-readable explanation.
    public var reason: String

    /// Creates an encode error.
    public init(code: Code, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    /// `code in field: reason`.
    public var description: String { "SMPPEncodeError.\(code) in \(field): \(reason)" }
}
