public import struct Foundation.Date
import SMPP

/// Turns the body of a message on `smpp.outbound` into a ``RequestDecoding`` (DESIGN §1.2).
///
/// Rules beyond the table in DESIGN §1.2:
/// - The id is the body's `"id"`; when it is absent or `null`, the AMQP `message_id`. An id must be a string of
///   1–64 Unicode scalars and at most 255 UTF-8 bytes. A body whose `"id"` is unusable is rejected (field `id`)
///   when `message_id` is usable, else it is unidentifiable; so is a body that is not a JSON object.
/// - A body that is not a JSON object at all but comes with a usable `message_id` is rejected with field `body`.
/// - A body the JSON reader refuses (broken syntax, over the size or depth limit, a lone surrogate escape anywhere)
///   is rejected with field `body` under its top-level `"id"` when that member can still be read
///   (``JSONReader/salvagedTopLevelString(named:in:)``), else under a usable `message_id`; with neither it is
///   unidentifiable.
/// - Duplicate keys: the last one wins, everywhere (also inside `tlvs`).
/// - `null` for an optional field means "not given"; unknown fields are ignored.
/// - Booleans must be JSON booleans and integers JSON integers: `1.0`, `1e0` and `"1"` are rejected.
/// - `data_coding` and `udh` only apply to `binary`; with `text` they are checked but unused. `encoding` only
///   applies to `text`.
/// - Text is checked against the asked encoding with the default `gsm7` SMSC alphabet; the part count (≤ 255) is
///   the segmenter's check, made by the pipeline.
/// - Fields are checked in the order of the DESIGN table; the first wrong one is reported.
public enum SendRequestDecoder {
    /// Largest body accepted, in bytes (256 KiB: a 255-part UCS2 text fits several times over).
    public static let maxBodyBytes = 262_144
    /// Deepest JSON nesting accepted in a body.
    public static let maxDepth = 32
    /// Largest `metadata` object, in bytes as written.
    public static let maxMetadataBytes = 4096
    /// Largest `validity`: 28 days in seconds.
    public static let maxValiditySeconds = 28 * 86_400
    /// Tags the bridge writes itself and a request may not set: sar_msg_ref_num (0x020C),
    /// sar_total_segments (0x020E), sar_segment_seqnum (0x020F) and message_payload (0x0424).
    public static let reservedTLVTags: Set<UInt16> = [0x020C, 0x020E, 0x020F, 0x0424]

    /// Decodes and validates one request body.
    /// - Parameters:
    ///   - body: the AMQP message body (UTF-8 JSON).
    ///   - messageID: the AMQP `message_id` property, used when the body has no `"id"`.
    ///   - now: when the request is judged. Decoding is currently independent of it (whether `expires_at` has
    ///     passed is the pipeline's decision, giving an `expired` result); it is taken so time-relative rules can
    ///     be added without changing callers.
    public static func decode(body: [UInt8], messageID: String?, now: Date) -> RequestDecoding {
        let fallbackID = messageID.flatMap { isUsableID($0) ? $0 : nil }
        let root: JSONNode
        do {
            root = try JSONReader.parse(body, limits: JSONReader.Limits(maxBytes: maxBodyBytes, maxDepth: maxDepth))
        } catch {
            let reason = "body is not valid JSON: \(error)"
            // The body's own id, when its top-level object still shows one, wins here as it does in a valid body.
            let bodyID = JSONReader.salvagedTopLevelString(named: "id", in: body).flatMap { isUsableID($0) ? $0 : nil }
            guard let id = bodyID ?? fallbackID else { return .unidentifiable(reason: reason) }
            return .rejected(RequestRejection(requestID: id, field: "body", reason: reason))
        }
        guard case .object(let object) = root else {
            let reason = "body is \(root.typeDescription), not a JSON object"
            guard let fallbackID else { return .unidentifiable(reason: reason) }
            return .rejected(RequestRejection(requestID: fallbackID, field: "body", reason: reason))
        }
        let id: String
        switch object["id"] {
        case nil, .null?:
            guard let fallbackID else { return .unidentifiable(reason: "no \"id\" in the body and no usable message_id") }
            id = fallbackID
        case .string(let text)? where isUsableID(text):
            id = text
        case let other?:
            let reason = "\"id\" must be a string of 1–64 characters without control characters, got \(describeForReason(other))"
            guard let fallbackID else { return .unidentifiable(reason: reason) }
            return .rejected(rejection(object: object, body: body, id: fallbackID, error: RequestFieldError("id", reason)))
        }
        let fields = RequestFields(object: object, body: body)
        do {
            return .valid(try fields.request(id: id))
        } catch {
            return .rejected(rejection(object: object, body: body, id: id, error: error))
        }
    }

    /// Whether `id` can serve as a request id: 1–64 Unicode scalars, at most 255 UTF-8 bytes, and no control
    /// character (U+0000–U+001F, U+007F). PostgreSQL text cannot hold U+0000 (the store would refuse the request
    /// on every redelivery, so it would never get a result), and a line break would split a log line.
    public static func isUsableID(_ id: String) -> Bool {
        var bytes = 0
        // UTF-8 encodes every scalar above U+007F in bytes ≥ 0x80, so a byte scan finds every control character.
        for byte in id.utf8 {
            guard byte >= 0x20, byte != 0x7F else { return false }
            bytes += 1
        }
        guard bytes >= 1, bytes <= 255 else { return false }
        return bytes <= 64 || id.unicodeScalars.count <= 64
    }

    private static func rejection(object: JSONObject, body: [UInt8], id: String, error: RequestFieldError) -> RequestRejection {
        var metadata: [UInt8]?
        if let member = object.member("metadata"), case .object = member.value,
            member.range.count <= maxMetadataBytes
        {
            metadata = Array(body[member.range])
        }
        return RequestRejection(
            requestID: id, field: error.field, reason: error.reason, to: echo(object["to"]), from: echo(object["from"]),
            metadata: metadata)
    }

    private static func echo(_ node: JSONNode?) -> String? {
        guard case .string(let text)? = node else { return nil }
        return truncatedForEcho(text, to: 64)
    }
}

/// A wrong field: its name and a one-line reason.
struct RequestFieldError: Error {
    var field: String
    var reason: String

    init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// At most `limit` Unicode scalars of `text`, with `…` when cut.
func truncatedForEcho(_ text: String, to limit: Int) -> String {
    if text.utf8.count <= limit { return text }
    var scalars = String.UnicodeScalarView()
    for (index, scalar) in text.unicodeScalars.enumerated() {
        if index == limit { return String(scalars) + "…" }
        scalars.append(scalar)
    }
    return text
}

/// A JSON value for a reason: short strings and numbers quoted, others by type.
func describeForReason(_ node: JSONNode) -> String {
    switch node {
    case .string(let text):
        var escaped = ""
        for scalar in truncatedForEcho(text, to: 24).unicodeScalars {
            escaped += scalar.value < 0x20 ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }
        return "\"" + escaped + "\""
    case .number(let number): return truncatedForEcho(number.text, to: 24)
    case .bool(let value): return value ? "true" : "false"
    default: return node.typeDescription
    }
}
