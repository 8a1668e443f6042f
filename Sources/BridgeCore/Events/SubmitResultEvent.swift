public import struct Foundation.Date
public import SMPP

/// The one submit-result event of a request, on `smpp.results` with routing key `submit.<status>` (DESIGN §1.3).
public struct SubmitResultEvent: Sendable, Hashable {
    /// The request's outcome.
    public enum Status: String, Sendable, CaseIterable {
        /// Every segment was accepted by the SMSC.
        case accepted
        /// A permanent SMPP error, or retries exhausted.
        case failed
        /// The request was invalid and never submitted.
        case rejected
        /// `expires_at` passed before it was sent.
        case expired
        /// The SMSC may or may not have it (only under `smpp.on_timeout: report`).
        case unknown
    }

    /// One segment's submission.
    public struct Segment: Sendable, Hashable {
        /// 1-based segment number.
        public var index: Int
        /// The SMSC's message_id from submit_sm_resp, nil when it gave none.
        public var messageID: String?
        /// The last submit_sm_resp command_status, nil when no response came.
        public var commandStatus: UInt32?
        /// How many submit_sm this segment took.
        public var attempts: Int

        /// Creates a segment record.
        public init(index: Int, messageID: String?, commandStatus: UInt32?, attempts: Int) {
            self.index = index
            self.messageID = messageID
            self.commandStatus = commandStatus
            self.attempts = attempts
        }
    }

    /// Why a request did not succeed: `{"code":…,"command_status":…,"message":…,"field":…}`.
    public struct ErrorInfo: Sendable, Hashable {
        /// Code of a `rejected` result; ``field`` names the field.
        public static let invalidRequest = "INVALID_REQUEST"
        /// Code of an `expired` result.
        public static let expired = "EXPIRED"
        /// Code of an `unknown` result (a response timed out and the bridge may not resubmit).
        public static let outcomeUnknown = "OUTCOME_UNKNOWN"
        /// Code of a `failed` result whose last error was transient and `smpp.max_attempts` ran out.
        public static let retriesExhausted = "RETRIES_EXHAUSTED"

        /// ``invalidRequest``, ``expired``, ``outcomeUnknown``, ``retriesExhausted``, or for an SMPP error its
        /// command_status name, e.g. `ESME_RINVDSTADR`.
        public var code: String
        /// The SMPP command_status, nil for non-SMPP errors.
        public var commandStatus: UInt32?
        /// One line for people.
        public var message: String
        /// The request field at fault (``invalidRequest`` only); omitted from the JSON when nil.
        public var field: String?

        /// Creates an error record.
        public init(code: String, commandStatus: UInt32? = nil, message: String, field: String? = nil) {
            self.code = code
            self.commandStatus = commandStatus
            self.message = message
            self.field = field
        }

        /// An SMPP error: code = the status name, message = its meaning unless given.
        public static func smpp(_ status: CommandStatus, message: String? = nil) -> ErrorInfo {
            ErrorInfo(code: statusCode(status), commandStatus: status.rawValue, message: message ?? status.meaning)
        }

        /// The `code` of an SMPP status: its reference name (`ESME_RINVDSTADR`); a status the reference does not
        /// name reads `VENDOR_0000040C` (the vendor range 0x400–0x4FF) or `STATUS_000000C5`, upper-case hex, so
        /// every code matches the contract's `^[A-Z][A-Z0-9_]*$`.
        public static func statusCode(_ status: CommandStatus) -> String {
            if status.isNamed { return status.name }
            let hex = String(status.rawValue, radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: max(0, 8 - hex.count)) + hex
            return (status.isVendorSpecific ? "VENDOR_" : "STATUS_") + padded
        }

        /// The error of a `rejected` result for `rejection`.
        public static func rejected(_ rejection: RequestRejection) -> ErrorInfo {
            ErrorInfo(code: invalidRequest, message: rejection.reason, field: rejection.field)
        }
    }

    /// The request id.
    public var requestID: String
    /// The outcome.
    public var status: Status
    /// The destination as requested, when known.
    public var to: String?
    /// The sender as used, when known.
    public var from: String?
    /// The encoding used (`gsm7`, `ucs2`, `latin1`, `ascii`, `binary`), when known.
    public var encoding: String?
    /// Each segment's submission, in order; empty when nothing was submitted.
    public var segments: [Segment]
    /// submit_sm sent in total.
    public var attempts: Int
    /// Whether the SMSC may have received this request twice (a resubmit after a timeout, DESIGN §3).
    public var possibleDuplicate: Bool
    /// Why it did not succeed; nil (JSON `null`) when accepted.
    public var error: ErrorInfo?
    /// When the request was taken from the queue.
    public var receivedAt: Date
    /// When the outcome was settled.
    public var completedAt: Date
    /// The request's `metadata` bytes, written verbatim; `{}` when nil.
    public var metadata: [UInt8]?

    /// Creates an event.
    public init(
        requestID: String,
        status: Status,
        to: String? = nil,
        from: String? = nil,
        encoding: String? = nil,
        segments: [Segment] = [],
        attempts: Int = 0,
        possibleDuplicate: Bool = false,
        error: ErrorInfo? = nil,
        receivedAt: Date,
        completedAt: Date,
        metadata: [UInt8]? = nil
    ) {
        self.requestID = requestID
        self.status = status
        self.to = to
        self.from = from
        self.encoding = encoding
        self.segments = segments
        self.attempts = attempts
        self.possibleDuplicate = possibleDuplicate
        self.error = error
        self.receivedAt = receivedAt
        self.completedAt = completedAt
        self.metadata = metadata
    }

    /// `submit.<status>`, e.g. `submit.accepted`.
    public var routingKey: String { "submit.\(status.rawValue)" }

    /// The event as UTF-8 JSON, fields in the order of DESIGN §1.3; `message_ids` lists the segments' non-nil
    /// message ids in order.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter(capacity: 384 + (metadata?.count ?? 0) + segments.count * 80)
        writer.beginObject()
        writer.key("type")
        writer.string("submit_result")
        writer.key("request_id")
        writer.string(requestID)
        writer.key("status")
        writer.string(status.rawValue)
        writer.key("to")
        writer.string(to)
        writer.key("from")
        writer.string(from)
        writer.key("encoding")
        writer.string(encoding)
        writer.key("segments")
        writer.beginArray()
        for segment in segments {
            writer.beginObject()
            writer.key("index")
            writer.integer(segment.index)
            writer.key("message_id")
            writer.string(segment.messageID)
            writer.key("command_status")
            writer.integer(segment.commandStatus)
            writer.key("attempts")
            writer.integer(segment.attempts)
            writer.endObject()
        }
        writer.endArray()
        writer.key("message_ids")
        writer.beginArray()
        for segment in segments {
            if let messageID = segment.messageID { writer.string(messageID) }
        }
        writer.endArray()
        writer.key("attempts")
        writer.integer(attempts)
        writer.key("possible_duplicate")
        writer.bool(possibleDuplicate)
        writer.key("error")
        if let error {
            writer.beginObject()
            writer.key("code")
            writer.string(error.code)
            writer.key("command_status")
            writer.integer(error.commandStatus)
            writer.key("message")
            writer.string(error.message)
            if let field = error.field {
                writer.key("field")
                writer.string(field)
            }
            writer.endObject()
        } else {
            writer.null()
        }
        writer.key("received_at")
        writer.timestamp(receivedAt)
        writer.key("completed_at")
        writer.timestamp(completedAt)
        writer.key("metadata")
        writer.raw(metadata ?? emptyJSONObjectBytes)
        writer.endObject()
        return writer.bytes
    }
}

/// `{}`, written when an event has no metadata.
let emptyJSONObjectBytes: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "}")]

/// At most `limit` UTF-8 bytes of `text`, cut at a scalar boundary (AMQP routing keys are short strings).
func eventRoutingKeyPrefix(_ text: String, limit: Int = 255) -> String {
    if text.utf8.count <= limit { return text }
    var scalars = String.UnicodeScalarView()
    var used = 0
    for scalar in text.unicodeScalars {
        used += UTF8.width(scalar)
        if used > limit { break }
        scalars.append(scalar)
    }
    return String(scalars)
}
