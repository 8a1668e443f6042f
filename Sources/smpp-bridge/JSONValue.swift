import BridgeCore

/// A JSON value that keeps its object keys in insertion order, so the tools print fields in wire order.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.rendered(pretty: false) == rhs.rendered(pretty: false)
    }

    /// An integer from any fixed-width integer.
    static func number(_ value: some BinaryInteger) -> JSONValue { .int(Int64(truncatingIfNeeded: value)) }

    /// The JSON text: two-space indented when `pretty`, else on one line.
    func rendered(pretty: Bool = true) -> String {
        var output = ""
        write(into: &output, pretty: pretty, indent: 0)
        return output
    }

    private func write(into output: inout String, pretty: Bool, indent: Int) {
        let newline = pretty ? "\n" : ""
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = pretty ? String(repeating: "  ", count: indent) : ""
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .string(let value): Self.writeString(value, into: &output)
        case .array(let values):
            if values.isEmpty { output += "[]"; return }
            output += "[" + newline
            for (index, value) in values.enumerated() {
                output += pad
                value.write(into: &output, pretty: pretty, indent: indent + 1)
                output += (index == values.count - 1 ? "" : ",") + newline
            }
            output += closePad + "]"
        case .object(let members):
            if members.isEmpty { output += "{}"; return }
            output += "{" + newline
            for (index, (key, value)) in members.enumerated() {
                output += pad
                Self.writeString(key, into: &output)
                output += pretty ? ": " : ":"
                value.write(into: &output, pretty: pretty, indent: indent + 1)
                output += (index == members.count - 1 ? "" : ",") + newline
            }
            output += closePad + "}"
        }
    }

    /// Escapes as the bridge's events do (BridgeCore's `JSONWriter`), so there is one JSON string escaper.
    private static func writeString(_ value: String, into output: inout String) {
        var writer = JSONWriter(capacity: value.utf8.count + 8)
        writer.string(value)
        output += String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// Lower-case hex of octets, no separators.
func hexString(_ octets: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for octet in octets {
        text.append(digits[Int(octet >> 4)])
        text.append(digits[Int(octet & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// Parses hex octets, ignoring spaces, colons, commas, dashes, newlines and `0x` prefixes. `nil` on any other
/// character or an odd digit count.
func parseHex(_ text: String) -> [UInt8]? {
    var octets: [UInt8] = []
    var pending: UInt8?
    var previous: Character = " "
    for character in text {
        if character == "x" || character == "X", previous == "0", pending == 0 {
            pending = nil  // a "0x" prefix: drop the 0 we took for a digit
            previous = character
            continue
        }
        previous = character
        if character.isWhitespace || character == ":" || character == "," || character == "-" { continue }
        guard let value = character.hexDigitValue else { return nil }
        if let high = pending {
            octets.append(high << 4 | UInt8(value))
            pending = nil
        } else {
            pending = UInt8(value)
        }
    }
    return pending == nil ? octets : nil
}
