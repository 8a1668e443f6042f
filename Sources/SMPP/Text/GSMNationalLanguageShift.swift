/// The national language tables a GSM 7-bit message names in its UDH (3GPP TS 23.040 §9.2.3.24.15–16, TS 23.038
/// §6.2.1.2.4): the locking shift table replaces the default alphabet, the single shift table the extension table
/// (the character after the escape). Nil for either means the default table.
public struct GSMNationalLanguageShift: Sendable, Hashable {
    /// The language id of the locking shift table (information element 0x25), if named.
    public var locking: UInt8?
    /// The language id of the single shift table (information element 0x24), if named.
    public var single: UInt8?

    /// Creates a shift naming the given tables.
    public init(locking: UInt8? = nil, single: UInt8? = nil) {
        self.locking = locking
        self.single = single
    }

    /// The default alphabet and extension table: no national language named.
    public static let none = GSMNationalLanguageShift()

    /// Whether no national language table is named.
    public var isNone: Bool { locking == nil && single == nil }

    /// The tables named that ``GSMNationalLanguageTables`` has; an id without its table is dropped (read as default).
    public var supported: GSMNationalLanguageShift {
        GSMNationalLanguageShift(
            locking: locking.flatMap { GSMNationalLanguageTables.lockingShift($0) == nil ? nil : $0 },
            single: single.flatMap { GSMNationalLanguageTables.singleShift($0) == nil ? nil : $0 })
    }

    /// The language ids named for which ``GSMNationalLanguageTables`` has no such table: a receiver without them
    /// reads the message with the default tables (TS 23.038 Annex C), as ``SMSText`` does.
    public var unsupported: [UInt8] {
        var missing = [UInt8]()
        if let locking, GSMNationalLanguageTables.lockingShift(locking) == nil { missing.append(locking) }
        if let single, GSMNationalLanguageTables.singleShift(single) == nil, !missing.contains(single) {
            missing.append(single)
        }
        return missing
    }
}

extension UserDataHeader {
    /// The national language tables the header names: the last well-formed (one-octet) element 0x25 and 0x24 each
    /// (TS 23.040 §9.2.3.24: a repeated element's last occurrence is used).
    public var nationalLanguageShift: GSMNationalLanguageShift {
        var shift = GSMNationalLanguageShift.none
        for element in elements where element.data.count == 1 {
            switch element.identifier {
            case Identifier.nationalLanguageLockingShift: shift.locking = element.data[0]
            case Identifier.nationalLanguageSingleShift: shift.single = element.data[0]
            default: continue
            }
        }
        return shift
    }
}
