/// The tag of an SMPP optional parameter (TLV), reference/SMPP-3.4.md §5.
///
/// An open struct: every 16-bit tag is representable, so vendor TLVs (0x1400–0x3FFF) and tags this codec does not
/// know are carried through unchanged.
public struct TLVTag: RawRepresentable, Hashable, Sendable, Comparable {
    /// The tag as it appears on the wire.
    public var rawValue: UInt16

    /// Creates a tag from its wire value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Orders tags by wire value.
    public static func < (lhs: TLVTag, rhs: TLVTag) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One optional parameter: a tag and its value octets, preserved byte for byte.
public struct TLV: Hashable, Sendable {
    /// The parameter's tag.
    public var tag: TLVTag
    /// The value octets (the wire length is `value.count`, at most 65 535).
    public var value: [UInt8]

    /// Creates a TLV from a tag and its raw value octets.
    public init(tag: TLVTag, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }
}
