/// A UDH that could not be read: the reason and the octets at fault.
public struct UserDataHeaderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an opaque code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case empty, headerPastEnd, elementPastEnd
        }

        private var base: Base
        private init(_ base: Base) { self.base = base }

        /// UDHI was set but there were no octets.
        public static let empty = Code(.empty)
        /// UDHL claims more octets than the user data has.
        public static let headerPastEnd = Code(.headerPastEnd)
        /// An element's length runs past the end of the header.
        public static let elementPastEnd = Code(.elementPastEnd)

        /// The code's name.
        public var description: String {
            switch base {
            case .empty: "empty"
            case .headerPastEnd: "header_past_end"
            case .elementPastEnd: "element_past_end"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// Offset of the offending octet in the user data.
    public var offset: Int
    /// The user data that was being read.
    public var bytes: [UInt8]

    /// A one-line message.
    public var description: String { "UDH \(code) at offset \(offset) of \(bytes.count) octets" }
}

/// User data split into its header and the payload that follows it.
public struct UserDataSplit: Sendable, Hashable {
    /// The header, when UDHI was set and the header was well formed.
    public var header: UserDataHeader?
    /// Octets the header took (UDHL + 1), 0 without one; sets the fill bits of packed GSM.
    public var headerOctets: Int
    /// The user data after the header (all of it when there was no readable header).
    public var payload: [UInt8]
    /// Why a header announced by UDHI could not be read; the payload is then the whole user data.
    public var error: UserDataHeaderError?
}

extension UserDataHeader {
    /// Parses the header at the start of `userData`; returns it with the number of octets it took.
    /// Never traps: every length is checked against what is there.
    public static func parse(_ userData: some Collection<UInt8>) throws(UserDataHeaderError) -> (header: UserDataHeader, octets: Int) {
        let bytes = Array(userData)
        guard let udhl = bytes.first else { throw UserDataHeaderError(code: .empty, offset: 0, bytes: bytes) }
        let end = 1 + Int(udhl)
        guard end <= bytes.count else { throw UserDataHeaderError(code: .headerPastEnd, offset: 0, bytes: bytes) }
        var elements = [InformationElement]()
        var offset = 1
        while offset < end {
            guard offset + 2 <= end else { throw UserDataHeaderError(code: .elementPastEnd, offset: offset, bytes: bytes) }
            let length = Int(bytes[offset + 1])
            let dataStart = offset + 2
            guard dataStart + length <= end else {
                throw UserDataHeaderError(code: .elementPastEnd, offset: offset, bytes: bytes)
            }
            elements.append(InformationElement(identifier: bytes[offset], data: Array(bytes[dataStart..<dataStart + length])))
            offset = dataStart + length
        }
        return (UserDataHeader(elements: elements), end)
    }

    /// Splits user data by esm_class UDHI: with `udhi` false, or a header that cannot be read, the whole user data is
    /// payload (and `error` says why). Never throws, never traps.
    public static func split(_ userData: some Collection<UInt8>, udhi: Bool) -> UserDataSplit {
        let bytes = Array(userData)
        guard udhi else { return UserDataSplit(header: nil, headerOctets: 0, payload: bytes, error: nil) }
        do {
            let (header, octets) = try parse(bytes)
            return UserDataSplit(header: header, headerOctets: octets, payload: Array(bytes[octets...]), error: nil)
        } catch {
            return UserDataSplit(header: nil, headerOctets: 0, payload: bytes, error: error)
        }
    }
}
