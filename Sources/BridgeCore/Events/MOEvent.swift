public import struct Foundation.Date

/// An inbound (mobile-originated) message, on `smpp.mo` with routing key `mo.<to>` (DESIGN §1.3).
public struct MOEvent: Sendable, Hashable {
    /// The sender (the handset).
    public var from: String
    /// The destination (the bridge's number or short code).
    public var to: String
    /// The decoded text; nil (JSON `null`) for binary messages.
    public var text: String?
    /// The encoding it arrived in (`gsm7`, `ucs2`, `latin1`, `ascii`, `binary`).
    public var encoding: String
    /// The deliver_sm data_coding.
    public var dataCoding: UInt8
    /// How many parts it arrived in.
    public var segments: Int
    /// False when parts were still missing and the message was published incomplete.
    public var complete: Bool
    /// When the bridge received it (the last part, for a long message).
    public var receivedAt: Date
    /// The raw octets for binary messages (base64 in JSON); nil (JSON `null`) otherwise.
    public var binary: [UInt8]?

    /// Creates an event.
    public init(
        from: String,
        to: String,
        text: String?,
        encoding: String,
        dataCoding: UInt8,
        segments: Int = 1,
        complete: Bool = true,
        receivedAt: Date,
        binary: [UInt8]? = nil
    ) {
        self.from = from
        self.to = to
        self.text = text
        self.encoding = encoding
        self.dataCoding = dataCoding
        self.segments = segments
        self.complete = complete
        self.receivedAt = receivedAt
        self.binary = binary
    }

    /// `mo.` and the destination address, cut to at most 255 octets at a character boundary.
    public var routingKey: String { eventRoutingKeyPrefix("mo." + to) }

    /// The event as UTF-8 JSON, fields in the order of DESIGN §1.3.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + (text?.utf8.count ?? 0) + (binary?.count ?? 0) * 4 / 3)
        writer.beginObject()
        writer.key("type")
        writer.string("mo")
        writer.key("from")
        writer.string(from)
        writer.key("to")
        writer.string(to)
        writer.key("text")
        writer.string(text)
        writer.key("encoding")
        writer.string(encoding)
        writer.key("data_coding")
        writer.integer(dataCoding)
        writer.key("segments")
        writer.integer(segments)
        writer.key("complete")
        writer.bool(complete)
        writer.key("received_at")
        writer.timestamp(receivedAt)
        writer.key("binary")
        writer.base64(binary)
        writer.endObject()
        return writer.bytes
    }
}
