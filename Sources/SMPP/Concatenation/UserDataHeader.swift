/// A User Data Header (3GPP TS 23.040 §9.2.3.24): the information elements at the start of a short_message when
/// esm_class has UDHI (0x40) set. `octets` includes the leading UDHL octet.
public struct UserDataHeader: Sendable, Hashable {
    /// One information element: identifier (IEI) and data; its length octet is `data.count`.
    public struct InformationElement: Sendable, Hashable {
        /// The information element identifier, e.g. 0x00 concatenation with an 8-bit reference.
        public var identifier: UInt8
        /// The element's data octets (at most 255).
        public var data: [UInt8]

        /// Creates an element.
        public init(identifier: UInt8, data: [UInt8]) {
            self.identifier = identifier
            self.data = data
        }
    }

    /// Well-known information element identifiers.
    public enum Identifier {
        /// Concatenated message, 8-bit reference: `ref total seq`.
        public static let concatenation8: UInt8 = 0x00
        /// Application port addressing, 8-bit ports: `destination source`.
        public static let ports8: UInt8 = 0x04
        /// Application port addressing, 16-bit ports: `destination(2) source(2)`.
        public static let ports16: UInt8 = 0x05
        /// Concatenated message, 16-bit reference: `ref(2) total seq`.
        public static let concatenation16: UInt8 = 0x08
        /// National language single shift: `language` (TS 23.040 §9.2.3.24.15).
        public static let nationalLanguageSingleShift: UInt8 = 0x24
        /// National language locking shift: `language` (TS 23.040 §9.2.3.24.16).
        public static let nationalLanguageLockingShift: UInt8 = 0x25
    }

    /// The elements in wire order.
    public var elements: [InformationElement]

    /// Creates a header from its elements.
    public init(elements: [InformationElement] = []) { self.elements = elements }

    /// The encoded header: UDHL, then each element as IEI, IEDL, data. Element data beyond 255 octets and a header
    /// beyond 255 octets cannot be expressed; `SegmentationError` guards the segmenter's use of it.
    public var octets: [UInt8] {
        var bytes: [UInt8] = [0]
        for element in elements {
            bytes.append(element.identifier)
            bytes.append(UInt8(truncatingIfNeeded: element.data.count))
            bytes += element.data
        }
        bytes[0] = UInt8(truncatingIfNeeded: bytes.count - 1)
        return bytes
    }

    /// The encoded length including UDHL.
    public var encodedCount: Int { elements.reduce(1) { $0 + 2 + $1.data.count } }

    /// A concatenation element: 8-bit reference when `reference` fits and `sixteenBit` is false, else 16-bit.
    public static func concatenationElement(
        reference: UInt16,
        total: UInt8,
        index: UInt8,
        sixteenBit: Bool
    ) -> InformationElement {
        if sixteenBit {
            return InformationElement(
                identifier: Identifier.concatenation16,
                data: [UInt8(truncatingIfNeeded: reference >> 8), UInt8(truncatingIfNeeded: reference), total, index])
        }
        return InformationElement(
            identifier: Identifier.concatenation8, data: [UInt8(truncatingIfNeeded: reference), total, index])
    }

    /// The concatenation element, if the header holds a well-formed one. Of several, the last usable one (TS 23.040
    /// §9.2.3.24: a repeated element's last occurrence is used; one with total 0, or an index of 0 or above the total,
    /// is ignored, §9.2.3.24.1); when none is usable, the last well-formed one (its part is then a message of its own).
    public var concatenation: ConcatenationInfo? {
        var lastWellFormed: ConcatenationInfo?
        for element in elements.reversed() {
            let info: ConcatenationInfo
            switch (element.identifier, element.data.count) {
            case (Identifier.concatenation8, 3):
                info = ConcatenationInfo(
                    scheme: .udh8, reference: UInt16(element.data[0]), total: element.data[1], index: element.data[2])
            case (Identifier.concatenation16, 4):
                info = ConcatenationInfo(
                    scheme: .udh16, reference: UInt16(element.data[0]) << 8 | UInt16(element.data[1]),
                    total: element.data[2], index: element.data[3])
            default: continue
            }
            if info.isWithinTotal { return info }
            lastWellFormed = lastWellFormed ?? info
        }
        return lastWellFormed
    }

    /// Application ports (IEI 0x04 or 0x05), if present and well-formed; of several, the last.
    public var ports: (destination: UInt16, source: UInt16)? {
        for element in elements.reversed() {
            let data = element.data
            switch (element.identifier, data.count) {
            case (Identifier.ports8, 2):
                return (UInt16(data[0]), UInt16(data[1]))
            case (Identifier.ports16, 4):
                return (UInt16(data[0]) << 8 | UInt16(data[1]), UInt16(data[2]) << 8 | UInt16(data[3]))
            default: continue
            }
        }
        return nil
    }

    /// A copy without concatenation elements (the segmenter adds its own to each part).
    public var withoutConcatenation: UserDataHeader {
        UserDataHeader(elements: elements.filter {
            $0.identifier != Identifier.concatenation8 && $0.identifier != Identifier.concatenation16
        })
    }
}
