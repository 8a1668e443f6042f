/// How an SMSC writes message ids in submit_sm_resp versus in receipts (DESIGN §1.4 `smpp.message_id_format`,
/// reference/SMPP-3.4.md §7).
public enum MessageIDFormat: String, Sendable, Hashable, CaseIterable {
    /// Both sides use the same form (leading zeros stripped; compared case-insensitively unless letter case tells
    /// ids apart, see ``MessageIDMatching/normalize(_:)``).
    case raw
    /// submit_sm_resp ids are hex, receipt ids decimal (Jasmin `dlr_msg_id_bases` 1).
    case hexToDecimal = "hex-to-dec"
    /// submit_sm_resp ids are decimal, receipt ids hex (Jasmin `dlr_msg_id_bases` 2).
    case decimalToHex = "dec-to-hex"
    /// Unknown: every plausible reading is a key (see `MessageIDMatching.matchKeys`).
    case auto
}

/// Which PDU an id came from.
public enum MessageIDSide: String, Sendable, Hashable, CaseIterable {
    /// The message_id of a submit_sm_resp.
    case submitResponse
    /// The id of a delivery receipt (receipted_message_id or the text's `id`).
    case receipt
}

/// Keys under which a store records submit ids and looks receipts up, so both sides normalise identically.
public enum MessageIDMatching {
    /// The id trimmed of spaces and NULs, with leading zeros stripped (cloudhopper writes `%010d`); an id of only
    /// zeros becomes `0`. Upper-cased unless ``isCaseSignificant(_:)``: SMSCs write hex ids in either case (one in
    /// submit_sm_resp, the other in the receipt), while in a base62 id `aB3x` and `Ab3X` are two messages.
    public static func normalize(_ id: String) -> String {
        let trimmed = id.trimmingASCIIWhitespace()
        let cased = isCaseSignificant(trimmed) ? trimmed : trimmed.uppercased()
        let stripped = cased.drop { $0 == "0" }
        return stripped.isEmpty && !cased.isEmpty ? "0" : String(stripped)
    }

    /// Whether letter case tells ids apart: the id has ASCII letters of both cases and at least one letter that is
    /// no hex digit (base62 and the like). Hex ids (either case, even mixed) and ids in one case are compared
    /// case-insensitively.
    public static func isCaseSignificant(_ id: String) -> Bool {
        var (hasUpper, hasLower, hasNonHexLetter) = (false, false, false)
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                hasUpper = true
                if byte > UInt8(ascii: "F") { hasNonHexLetter = true }
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                hasLower = true
                if byte > UInt8(ascii: "f") { hasNonHexLetter = true }
            default:
                continue
            }
            if hasUpper, hasLower, hasNonHexLetter { return true }
        }
        return false
    }

    /// The single key for `id` (for `.auto`, the normalised raw id; use `matchKeys` there).
    ///
    /// `.hexToDecimal`: a submit id is read as hex and written in decimal; a receipt id is decimal, or read as hex
    /// when it has letters (Kannel's rule). `.decimalToHex`: a submit id is read as decimal and written in hex; a
    /// receipt id is hex. An id that cannot be read in the expected base falls back to its normalised raw form.
    public static func matchKey(for id: String, format: MessageIDFormat, side: MessageIDSide) -> String {
        let normalized = normalize(id)
        switch (format, side) {
        case (.raw, _), (.auto, _):
            return normalized
        case (.hexToDecimal, .submitResponse):
            return convert(normalized, from: 16, to: 10) ?? normalized
        case (.hexToDecimal, .receipt):
            if isDigits(normalized, base: 10) { return normalized }
            return convert(normalized, from: 16, to: 10) ?? normalized
        case (.decimalToHex, .submitResponse):
            return convert(normalized, from: 10, to: 16) ?? normalized
        case (.decimalToHex, .receipt):
            return normalized
        }
    }

    /// Every key for `id`, the primary one first. For `.auto` the normalised id, its hex reading in decimal and its
    /// decimal reading in hex (where each applies), the same for both sides: record a submit id under all of them
    /// and look a receipt up under each of its keys. That matches any base mix, at the price of a rare false match
    /// between two different ids whose readings coincide — choose a fixed format when the SMSC's is known.
    ///
    /// A submit id whose case is kept (``isCaseSignificant(_:)``) is also recorded upper-cased, as a secondary key:
    /// a receipt carrying it in one case (an SMSC that upper-cases its receipts) still matches, after any segment
    /// whose own id it is exactly.
    public static func matchKeys(for id: String, format: MessageIDFormat, side: MessageIDSide) -> [String] {
        var keys: [String]
        if format == .auto {
            let normalized = normalize(id)
            keys = [normalized]
            for candidate in [convert(normalized, from: 16, to: 10), convert(normalized, from: 10, to: 16)] {
                if let candidate, !keys.contains(candidate) { keys.append(candidate) }
            }
        } else {
            keys = [matchKey(for: id, format: format, side: side)]
        }
        if side == .submitResponse, isCaseSignificant(keys[0]) {
            let folded = keys[0].uppercased()
            if !keys.contains(folded) { keys.append(folded) }
        }
        return keys
    }

    /// Whether `a` and `b` are one number, written in hex in one and in decimal in the other (either way round).
    public static func isSameNumberInTheOtherBase(_ a: String, _ b: String) -> Bool {
        let (a, b) = (normalize(a), normalize(b))
        return convert(a, from: 16, to: 10) == b || convert(a, from: 10, to: 16) == b
    }

    /// Longest id converted between bases (receipted_message_id is at most 65 octets).
    static let maximumDigits = 65

    static func isDigits(_ text: String, base: Int) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { digitValue($0).map { $0 < base } ?? false }
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "0"..."9": Int(scalar.value - 48)
        case "A"..."F": Int(scalar.value - 55)
        case "a"..."f": Int(scalar.value - 87)
        default: nil
        }
    }

    /// Converts a non-negative number of any length between bases 10 and 16 (schoolbook, O(n²) for n ≤ 65);
    /// nil when `text` is not a number in `from`. Output is upper-case without leading zeros.
    static func convert(_ text: String, from: Int, to: Int) -> String? {
        guard isDigits(text, base: from), text.unicodeScalars.count <= maximumDigits else { return nil }
        var digits = text.unicodeScalars.compactMap(digitValue)
        var output = [Int]()
        while digits.contains(where: { $0 != 0 }) {
            var remainder = 0
            var quotient = [Int]()
            quotient.reserveCapacity(digits.count)
            for digit in digits {
                let value = remainder * from + digit
                let q = value / to
                remainder = value % to
                if !quotient.isEmpty || q != 0 { quotient.append(q) }
            }
            output.append(remainder)
            digits = quotient
        }
        if output.isEmpty { return "0" }
        let symbols = Array("0123456789ABCDEF")
        return String(output.reversed().map { symbols[$0] })
    }
}
