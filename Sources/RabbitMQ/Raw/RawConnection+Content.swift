import CRabbitMQ
import Glibc

/// The content (header and body frames) that follows a basic.deliver or basic.return.
enum RawContent {
    /// The whole message.
    case message(AMQPProperties, [UInt8])
    /// Its body was larger than allowed: the frames were read and dropped as they came.
    case oversized(size: Int)
    /// The channel was closed by the broker (close-ok sent) before the message was complete.
    case interrupted(RawEvent)
}

extension RawConnection {
    /// Reads the content of a message on `channel` frame by frame, each frame within the stall limit. Only a body
    /// of at most `maxBodySize` bytes is kept; a larger one is counted and dropped frame by frame, and the library's
    /// frame memory is released after each frame, so memory stays at one frame whatever the broker sends.
    /// Methods arriving in between (on other channels: connection.blocked, …) are kept for `nextEvent`; a
    /// channel.close of this channel ends the message, a connection.close throws with its reply (close-ok sent).
    func readContent(channel: UInt16, maxBodySize: Int) throws(AMQPError) -> RawContent {
        var properties: AMQPProperties?
        var size = 0
        var received = 0
        var body: [UInt8] = []
        while properties == nil || received < size {
            var frame = amqp_frame_t()
            var timeout = rawTimeval(stallLimit)
            let status = try guarded("reading a message") { () throws(AMQPError) in
                amqp_simple_wait_frame_noblock(state, &frame, &timeout)
            }
            guard status == AMQP_STATUS_OK.rawValue else {
                broken = true
                if status == AMQP_STATUS_TIMEOUT.rawValue {
                    throw AMQPError(code: .connectionLost, message: "the rest of a message did not come within \(stallLimit)")
                }
                throw .library(status, "reading a message")
            }
            noteReceived()
            switch Int32(frame.frame_type) {
            case AMQP_FRAME_METHOD:
                guard let decoded = frame.payload.method.decoded else { continue }
                let id = frame.payload.method.id
                let method = try event(forMethod: id, decoded, channel: frame.channel)
                if id == AMQP_CHANNEL_CLOSE_METHOD, frame.channel == channel { return .interrupted(method) }
                deferredEvents.append(method)
            case AMQP_FRAME_HEADER where frame.channel == channel && properties == nil:
                guard let decoded = frame.payload.properties.decoded else {
                    broken = true
                    throw AMQPError(code: .connectionLost, message: "a content header without properties")
                }
                properties = rawProperties(decoded.assumingMemoryBound(to: amqp_basic_properties_t.self).pointee)
                size = Int(clamping: frame.payload.properties.body_size)
                if size <= maxBodySize { body.reserveCapacity(size) }
            case AMQP_FRAME_BODY where frame.channel == channel && properties != nil:
                let fragment = frame.payload.body_fragment
                received += fragment.len
                if size <= maxBodySize, fragment.len > 0, let bytes = fragment.bytes {
                    body.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: fragment.len))
                }
            default:
                broken = true
                throw AMQPError(
                    code: .connectionLost,
                    message: "unexpected frame type \(frame.frame_type) on channel \(frame.channel) inside a message")
            }
            amqp_maybe_release_buffers_on_channel(state, channel)
        }
        guard let properties, size <= maxBodySize else { return .oversized(size: size) }
        return .message(properties, body)
    }
}
