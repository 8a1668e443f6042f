/// Reading one member out of a document the strict reader refused.
extension JSONReader {
    /// The string value of the top-level member named `key` in a document that ``parse(_:limits:)`` refused, or
    /// nil when none can be read.
    ///
    /// Keys and the wanted value are read strictly (valid UTF-8, paired surrogates); every other value is only
    /// skipped — a string to its closing quote, a container to its matching bracket, however deep (a bracket closing
    /// another kind ends the scan) — so a lone
    /// surrogate, invalid UTF-8, deep nesting or sheer size inside another member does not hide the key. The scan
    /// stops where the top-level object's own structure breaks (a missing `:` or `,`, a key that is not a valid
    /// string, the end of the input); of the members read until then the last one named `key` counts, as in
    /// ``JSONObject``: when it is not a string, there is none. Linear in the input; never throws.
    public static func salvagedTopLevelString(named key: String, in bytes: [UInt8]) -> String? {
        var parser = JSONParser(bytes: bytes, maxDepth: 0)
        return parser.salvageTopLevelString(named: key)
    }
}

extension JSONParser {
    mutating func salvageTopLevelString(named wanted: String) -> String? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var found: String?
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = try? parseString() else {
                return found
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return found }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { return found }
            if key == wanted {
                if bytes[index] == UInt8(ascii: "\"") {
                    guard let value = try? parseString() else { return found }
                    found = value
                } else {
                    found = nil
                    guard skipValueLeniently() else { return found }
                }
            } else {
                guard skipValueLeniently() else { return found }
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return found }
            index += 1
        }
    }

    /// Skips one value without checking it; leaves `index` on the byte after it. False when the input ends inside it
    /// or a bracket closes another kind (the structure is broken: what follows may be nested, not top-level).
    mutating func skipValueLeniently() -> Bool {
        var closers: [UInt8] = []
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard skipStringLeniently() else { return false }
                if closers.isEmpty { return true }
                continue
            case UInt8(ascii: "{"):
                closers.append(UInt8(ascii: "}"))
            case UInt8(ascii: "["):
                closers.append(UInt8(ascii: "]"))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard let expected = closers.last else { return true }  // the enclosing object's end: not this value's
                guard bytes[index] == expected else { return false }
                closers.removeLast()
                if closers.isEmpty {
                    index += 1
                    return true
                }
            case UInt8(ascii: ","), 0x20, 0x09, 0x0A, 0x0D:
                if closers.isEmpty { return true }
            default:
                break
            }
            index += 1
        }
        return closers.isEmpty
    }

    /// Skips a string from its opening quote to past its closing one, escapes included, whatever its contents.
    mutating func skipStringLeniently() -> Bool {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return true
            case UInt8(ascii: "\\"):
                index += 2
            default:
                index += 1
            }
        }
        return false
    }
}
