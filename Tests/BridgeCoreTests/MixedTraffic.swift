import SMPP
import SMSCSimulator

/// One request of the mixed end-to-end run and what it must come to.
struct MixedRequest {
    var id: String
    var index: Int
    var body: String
    /// The result status it must get.
    var status: String
    /// For a rejected request: the field the error names.
    var field: String? = nil
    /// For an accepted one: the text, how it is asked to be encoded and split.
    var text: String? = nil
    var encoding: TextEncoding = .auto
    var concat: ConcatenationMethod = .udh8
    /// The destination as the simulator records it (no '+').
    var destination: String { "57300\(index)" }

    /// The octets the simulator must have received, joined over the parts in order, and the part count.
    func expectedAtSimulator() throws -> (octets: [UInt8], parts: Int, dataCoding: UInt8) {
        let encoded = try SMSText.encode(text ?? "", as: encoding)
        let parts = try MessageSegmenter(method: concat).segment(encoded, reference: 0).parts.count
        return (encoded.wireOctets, parts, encoded.dataCoding)
    }
}

/// The mix of issue 7: GSM 7-bit, extension characters, UCS2, emoji, long messages in every concat mode, unknown
/// fields, and invalid requests of several kinds (bad number, text too long, wrong types and values).
enum MixedTraffic {
    static let shortSamples = [
        "Hola mundo", "Precio: 10€ {oferta} [hoy] ~^|\\ fin", "Привет, мир", "Emoji 😀🎉 ok", "ÆØÅ æøå ß Ñ",
    ]
    static let longSamples = [
        "The quick brown fox jumps over the lazy dog.", "Ext €{}[]~^|\\ chars at every boundary",
        "Длинное сообщение на русском языке", "Emoji 😀🎉👍🏽 surrogates", "Mezcla ÆØÅ æøå ß Ñ ¿qué?",
    ]
    static let concats: [ConcatenationMethod] = [.udh8, .udh16, .sar, .payload]

    /// `count` requests with ids `req-0…`; every one has its own destination.
    static func requests(count: Int) -> [MixedRequest] {
        (0..<count).map(request)
    }

    static func request(_ index: Int) -> MixedRequest {
        let id = "req-\(index)"
        let to = "+57300\(index)"
        func valid(_ text: String, extra: String = "", encoding: TextEncoding = .auto, concat: ConcatenationMethod = .udh8)
            -> MixedRequest
        {
            let body = #"{"id":"\#(id)","to":"\#(to)","text":"\#(escaped(text))","metadata":{"n":\#(index)}\#(extra)}"#
            return MixedRequest(
                id: id, index: index, body: body, status: "accepted", text: text, encoding: encoding, concat: concat)
        }
        func invalid(_ field: String, _ members: String) -> MixedRequest {
            MixedRequest(id: id, index: index, body: #"{"id":"\#(id)",\#(members)}"#, status: "rejected", field: field)
        }
        let short = shortSamples[index % shortSamples.count] + " \(index)"
        switch index % 40 {
        case 20..<30:
            let concat = concats[index % concats.count]
            let sample = longSamples[(index / concats.count) % longSamples.count]
            let text = String(repeating: sample + " ", count: 2 + index % 7) + "#\(index)"
            return valid(text, extra: #","concat":"\#(concat.rawValue)""#, concat: concat)
        case 30, 31:
            return valid(short, extra: #","colour":"red","extra":[1,{"x":null}]"#)
        case 32: return invalid("to", #""to":"+57abc\#(index)","text":"x""#)
        case 33: return invalid("dlr", #""to":"\#(to)","text":"x","dlr":"yes""#)
        case 34: return invalid("priority", #""to":"\#(to)","text":"x","priority":7"#)
        case 35: return invalid("text", #""to":"\#(to)","text":"Emoji 😀","encoding":"gsm7""#)
        case 36 where index % 400 == 76:
            // A lone surrogate escape (a text cut mid-emoji) is not JSON to the bridge: rejected under its id.
            return invalid("body", #""to":"\#(to)","text":"cut \ud83d","metadata":{"n":\#(index)}"#)
        case 36: return invalid("metadata", #""to":"\#(to)","text":"x","metadata":[1]"#)
        case 37 where index % 400 == 37:
            // 39 200 septets: 257 parts, beyond the 255 a UDH can count.
            return invalid("text", #""to":"\#(to)","text":"\#(String(repeating: "a", count: 39_200))","concat":"udh8""#)
        case 37: return invalid("to", #""text":"no destination""#)
        case 38: return invalid("validity", #""to":"\#(to)","text":"x","validity":"1h""#)
        case 39: return valid(short, extra: #","encoding":"ucs2""#, encoding: .ucs2)
        default: return valid(short)
        }
    }

    /// JSON string escaping for the characters the samples use.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// A record's part number: from the UDH, from sar_segment_seqnum, or 1.
    static func partNumber(_ record: SubmitRecord) -> Int {
        if let concatenation = record.concatenation { return Int(concatenation.part) }
        if let sar = record.tlvs.first(where: { $0.tag == TLVTag.sarSegmentSeqnum }), let part = sar.value.first {
            return Int(part)
        }
        return 1
    }

    /// A record's part total: from the UDH, from sar_total_segments, or 1.
    static func partTotal(_ record: SubmitRecord) -> Int {
        if let concatenation = record.concatenation { return Int(concatenation.total) }
        if let sar = record.tlvs.first(where: { $0.tag == TLVTag.sarTotalSegments }), let total = sar.value.first {
            return Int(total)
        }
        return 1
    }

    /// A record's concatenation reference: from the UDH, from sar_msg_ref_num, or nil.
    static func reference(_ record: SubmitRecord) -> UInt16? {
        if let concatenation = record.concatenation { return concatenation.reference }
        if let sar = record.tlvs.first(where: { $0.tag == TLVTag.sarMsgRefNum }), sar.value.count == 2 {
            return UInt16(sar.value[0]) << 8 | UInt16(sar.value[1])
        }
        return nil
    }
}
