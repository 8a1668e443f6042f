public import struct Foundation.Date
public import RabbitMQ

/// One send request as it came off the queue.
public struct IncomingRequest: Sendable {
    /// The body (JSON, DESIGN §1.2).
    public var body: [UInt8]
    /// The AMQP properties (message_id, expiration, timestamp, headers…).
    public var properties: AMQPProperties
    /// Whether the broker delivered it before.
    public var redelivered: Bool
    /// When the bridge received it.
    public var receivedAt: Date

    /// Creates a request.
    public init(body: [UInt8], properties: AMQPProperties, redelivered: Bool, receivedAt: Date) {
        self.body = body
        self.properties = properties
        self.redelivered = redelivered
        self.receivedAt = receivedAt
    }

    /// How many times the broker delivered it before and got it back (requeued, or its consumer's connection
    /// lost): a quorum queue's `x-delivery-count` header; nil from a classic queue, which does not count.
    public var deliveryCount: Int? {
        switch properties.headers["x-delivery-count"] {
        case .int64(let value)?: return Int(value)
        case .int32(let value)?: return Int(value)
        case .int16(let value)?: return Int(value)
        case .int8(let value)?: return Int(value)
        case .uint32(let value)?: return Int(value)
        case .uint16(let value)?: return Int(value)
        case .uint8(let value)?: return Int(value)
        default: return nil
        }
    }

    /// When the AMQP `expiration` (a per-message TTL in milliseconds) runs out, counted from the `timestamp`
    /// property when the producer set one, else from receipt. nil without a valid expiration, and for `0` — RabbitMQ's
    /// "now or never": the broker delivered it, so it was in time, and nothing runs out after that.
    ///
    /// The timestamp has whole seconds (AMQP): it is counted from the end of its second, so a fresh message with a
    /// short expiration is not taken for an old one; never from later than receipt (a producer clock ahead gives no
    /// extra time); a timestamp of 0 (a client that leaves it unset) is none.
    public var amqpExpiry: Date? {
        guard let text = properties.expiration, let milliseconds = Int64(text), milliseconds > 0 else { return nil }
        var start = receivedAt
        if let timestamp = properties.timestamp, timestamp.timeIntervalSince1970 > 0 {
            start = min(timestamp.addingTimeInterval(1), receivedAt)
        }
        return start.addingTimeInterval(Double(milliseconds) / 1000)
    }
}

/// What to do with a delivery once the pipeline is done with it.
public enum Settlement: Sendable, Hashable {
    /// Acknowledge: its result (or dead letter) is confirmed and stored.
    case ack
    /// Put it back: it could not be finished now (broker or store unavailable, shutdown); it is redelivered.
    case requeue
}
