public import struct Foundation.Date

/// A delivery receipt, on `smpp.dlr` with routing key `dlr.<stat>` (DESIGN §1.3).
public struct DeliveryReceiptEvent: Sendable, Hashable {
    /// The request id the receipt was matched to; nil (JSON `null`) when unmatched.
    public var requestID: String?
    /// The SMSC message id the receipt is for.
    public var messageID: String
    /// The 1-based segment of the request, when matched.
    public var segment: Int?
    /// The request's segment count, when matched.
    public var segments: Int?
    /// The receipt's `stat`, as the SMSC wrote it (e.g. `DELIVRD`).
    public var stat: String
    /// The normalized state: `delivered expired deleted undeliverable accepted unknown rejected enroute`.
    public var state: String
    /// False for `enroute` and `accepted`, true otherwise.
    public var final: Bool
    /// The receipt's `err` field, when present.
    public var err: String?
    /// The network_error_code TLV as hex, when present.
    public var networkErrorCode: String?
    /// The receipt's `submit date`, as written.
    public var submitDate: String?
    /// The receipt's `done date`, as written.
    public var doneDate: String?
    /// The destination of the original message, when known.
    public var to: String?
    /// The sender of the original message, when known.
    public var from: String?
    /// When the bridge received the receipt.
    public var receivedAt: Date
    /// Whether the receipt was matched to a request.
    public var matched: Bool
    /// The matched request's `metadata`, verbatim; `{}` when nil.
    public var metadata: [UInt8]?
    /// The receipt text as received.
    public var receipt: String

    /// Creates an event.
    public init(
        requestID: String?,
        messageID: String,
        segment: Int? = nil,
        segments: Int? = nil,
        stat: String,
        state: String,
        final: Bool,
        err: String? = nil,
        networkErrorCode: String? = nil,
        submitDate: String? = nil,
        doneDate: String? = nil,
        to: String? = nil,
        from: String? = nil,
        receivedAt: Date,
        matched: Bool,
        metadata: [UInt8]? = nil,
        receipt: String
    ) {
        self.requestID = requestID
        self.messageID = messageID
        self.segment = segment
        self.segments = segments
        self.stat = stat
        self.state = state
        self.final = final
        self.err = err
        self.networkErrorCode = networkErrorCode
        self.submitDate = submitDate
        self.doneDate = doneDate
        self.to = to
        self.from = from
        self.receivedAt = receivedAt
        self.matched = matched
        self.metadata = metadata
        self.receipt = receipt
    }

    /// `dlr.` and `stat` lower-cased, every character outside `[a-z0-9]` replaced by `_` (e.g. `dlr.delivrd`),
    /// at most 255 octets.
    public var routingKey: String {
        var key = "dlr."
        for scalar in stat.lowercased().unicodeScalars {
            let isPlain = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            key.unicodeScalars.append(isPlain ? scalar : "_")
        }
        return eventRoutingKeyPrefix(key)
    }

    /// The event as UTF-8 JSON, fields in the order of DESIGN §1.3.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter(capacity: 512 + (metadata?.count ?? 0) + receipt.utf8.count)
        writer.beginObject()
        writer.key("type")
        writer.string("delivery_receipt")
        writer.key("request_id")
        writer.string(requestID)
        writer.key("message_id")
        writer.string(messageID)
        writer.key("segment")
        writer.integer(segment)
        writer.key("segments")
        writer.integer(segments)
        writer.key("stat")
        writer.string(stat)
        writer.key("state")
        writer.string(state)
        writer.key("final")
        writer.bool(final)
        writer.key("err")
        writer.string(err)
        writer.key("network_error_code")
        writer.string(networkErrorCode)
        writer.key("submit_date")
        writer.string(submitDate)
        writer.key("done_date")
        writer.string(doneDate)
        writer.key("to")
        writer.string(to)
        writer.key("from")
        writer.string(from)
        writer.key("received_at")
        writer.timestamp(receivedAt)
        writer.key("matched")
        writer.bool(matched)
        writer.key("metadata")
        writer.raw(metadata ?? emptyJSONObjectBytes)
        writer.key("receipt")
        writer.string(receipt)
        writer.endObject()
        return writer.bytes
    }
}
