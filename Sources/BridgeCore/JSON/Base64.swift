/// Standard base64 (RFC 4648 §4, `+/` with `=` padding), strict on decode.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// The base64 text of `octets`, padded.
    public static func encode(_ octets: [UInt8]) -> String {
        var output: [UInt8] = []
        append(octets, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the base64 text of `octets` (padded) to `output`.
    public static func append(_ octets: [UInt8], to output: inout [UInt8]) {
        output.reserveCapacity(output.count + (octets.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= octets.count {
            let chunk = UInt32(octets[index]) << 16 | UInt32(octets[index + 1]) << 8 | UInt32(octets[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
            output.append(alphabet[Int(chunk & 0x3F)])
            index += 3
        }
        let rest = octets.count - index
        if rest > 0 {
            let chunk = UInt32(octets[index]) << 16 | (rest == 2 ? UInt32(octets[index + 1]) << 8 : 0)
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(rest == 2 ? alphabet[Int(chunk >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        }
    }

    /// The octets of padded standard base64 `text`, or nil when it is not that: a length that is not a multiple of
    /// four, a character outside the alphabet (whitespace included), padding other than one or two final `=`, or
    /// non-zero bits under the padding.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let isLast = index + 4 == input.count
            var padding = 0
            if isLast {
                if input[index + 3] == UInt8(ascii: "=") { padding = 1 }
                if padding == 1, input[index + 2] == UInt8(ascii: "=") { padding = 2 }
            }
            var chunk: UInt32 = 0
            for offset in 0..<(4 - padding) {
                let value = values[Int(input[index + offset])]
                guard value != 0xFF else { return nil }
                chunk |= UInt32(value) << (18 - 6 * UInt32(offset))
            }
            output.append(UInt8(truncatingIfNeeded: chunk >> 16))
            switch padding {
            case 0:
                output.append(UInt8(truncatingIfNeeded: chunk >> 8))
                output.append(UInt8(truncatingIfNeeded: chunk))
            case 1:
                guard chunk & 0xFF == 0 else { return nil }
                output.append(UInt8(truncatingIfNeeded: chunk >> 8))
            default:
                guard chunk & 0xFFFF == 0 else { return nil }
            }
            index += 4
        }
        return output
    }
}
