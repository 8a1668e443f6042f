import BridgeCore

/// The send requests (DESIGN §1.2) an `smpp-bench e2e` run publishes.
///
/// By default every request is the short GSM 7-bit text the C `feed` sends (`Your code is NNNNNN. Valid for 10
/// min.`), so the two figures compare. With `mix`, of every ten requests six stay so, one uses GSM extension
/// characters (`€ { } [ ] ~`, two septets each), one is UCS2 (Cyrillic), one is a long GSM 7-bit message of two
/// segments and one a long UCS2 message of three.
struct EndToEndRequests: Sendable {
    /// Whether the mix of alphabets and lengths is used.
    var mix: Bool
    /// Whether each request asks for a delivery receipt (`dlr`).
    var receipts: Bool

    /// The kinds of text a request may carry.
    enum Kind: CaseIterable {
        case shortGSM, extensionGSM, ucs2, longGSM, longUCS2

        /// Segments the bridge sends for this kind (any concatenation mode but `payload`).
        var segments: Int {
            switch self {
            case .shortGSM, .extensionGSM, .ucs2: 1
            case .longGSM: 2
            case .longUCS2: 3
            }
        }
    }

    /// The kind of request `index` (1-based).
    func kind(of index: Int) -> Kind {
        guard mix else { return .shortGSM }
        switch index % 10 {
        case 6: return .extensionGSM
        case 7: return .ucs2
        case 8: return .longGSM
        case 9: return .longUCS2
        default: return .shortGSM
        }
    }

    /// The text of request `index`.
    func text(of index: Int) -> String {
        let code = Self.padded((index &* 7919) % 1_000_000, width: 6)
        switch kind(of: index) {
        case .shortGSM:
            return "Your code is \(code). Valid for 10 min."
        case .extensionGSM:
            return "Precio: 10€ {oferta} [hoy] ~ code \(code)"
        case .ucs2:
            return "Ваш код \(code). Действителен 10 минут."
        case .longGSM:
            // 153 septets fit a segment of a concatenated GSM message: 220 characters make two.
            return String(String(repeating: "Your code is \(code). Valid for 10 min. ", count: 6).prefix(220))
        case .longUCS2:
            // 67 UCS2 characters fit a concatenated segment: 160 make three.
            return String(String(repeating: "Ваш код \(code). Действителен 10 минут. ", count: 5).prefix(160))
        }
    }

    /// The JSON body of request `index` with id `id`: `id`, `to`, `text` and `dlr`, like the C `feed`.
    func body(index: Int, id: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("id")
        writer.string(id)
        writer.key("to")
        writer.string("+5730012" + Self.padded(index % 100_000, width: 5))
        writer.key("text")
        writer.string(text(of: index))
        writer.key("dlr")
        writer.bool(receipts)
        writer.endObject()
        return writer.bytes
    }

    /// `value` in decimal, zero-padded to `width` digits.
    private static func padded(_ value: Int, width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
