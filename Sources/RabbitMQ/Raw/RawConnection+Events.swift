import CRabbitMQ
import Glibc

/// What arrived from the broker, copied out of librabbitmq's memory.
enum RawEvent {
    /// basic.deliver with its content.
    case delivery(
        channel: UInt16, deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String,
        consumerTag: String, properties: AMQPProperties, body: [UInt8])
    /// Publisher confirm: basic.ack.
    case confirmAck(channel: UInt16, deliveryTag: UInt64, multiple: Bool)
    /// Publisher confirm: basic.nack.
    case confirmNack(channel: UInt16, deliveryTag: UInt64, multiple: Bool)
    /// basic.return of an unroutable mandatory publish, with its content.
    case returned(channel: UInt16, replyCode: UInt16, replyText: String, exchange: String, routingKey: String, body: [UInt8])
    /// The broker closed a channel (close-ok already sent).
    case channelClosed(channel: UInt16, AMQPError)
    /// basic.deliver whose body is larger than the consumer accepts; its frames were read and dropped.
    case oversizedDelivery(channel: UInt16, deliveryTag: UInt64, size: Int)
    /// The broker cancelled a consumer (its queue was deleted).
    case consumerCancelled(channel: UInt16, consumerTag: String)
    /// connection.blocked.
    case blocked(reason: String)
    /// connection.unblocked.
    case unblocked
    /// Anything else (e.g. a method we do not use).
    case ignored
}

extension RawConnection {
    /// The next event if one can be read without waiting, else nil. Deliveries and returned messages are read
    /// frame by frame: a body over `maxBodySize` is never held whole (its frames are dropped as they arrive) and
    /// comes out as `oversizedDelivery`. The rest of a message is read under the stall limit. Throws on connection
    /// loss (a connection.close from the broker is answered with close-ok first and carries its reply).
    func nextEvent(maxBodySize: Int) throws(AMQPError) -> RawEvent? {
        if !deferredEvents.isEmpty { return deferredEvents.removeFirst() }
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        amqp_maybe_release_buffers(state)
        var frame = amqp_frame_t()
        let status = amqp_simple_wait_frame_noblock(state, &frame, &zero)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        guard status == AMQP_STATUS_OK.rawValue else {
            broken = true
            throw .library(status, "reading a frame")
        }
        noteReceived()
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD), let decoded = frame.payload.method.decoded else {
            return .ignored
        }
        return try method(frame.payload.method.id, decoded, channel: frame.channel, maxBodySize: maxBodySize)
    }

    /// The event for a method that arrived in the middle of a message (which never contains another message).
    func event(forMethod id: amqp_method_number_t, _ decoded: UnsafeMutableRawPointer, channel: UInt16)
        throws(AMQPError) -> RawEvent
    {
        try method(id, decoded, channel: channel, maxBodySize: 0)
    }

    private func method(
        _ id: amqp_method_number_t, _ decoded: UnsafeMutableRawPointer, channel: UInt16, maxBodySize: Int
    ) throws(AMQPError) -> RawEvent {
        switch id {
        case AMQP_BASIC_DELIVER_METHOD:
            let deliver = decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            let tag = deliver.delivery_tag
            let redelivered = deliver.redelivered != 0
            let exchange = rawString(deliver.exchange)
            let routingKey = rawString(deliver.routing_key)
            let consumerTag = rawString(deliver.consumer_tag)
            switch try readContent(channel: channel, maxBodySize: maxBodySize) {
            case .message(let properties, let body):
                return .delivery(
                    channel: channel, deliveryTag: tag, redelivered: redelivered, exchange: exchange,
                    routingKey: routingKey, consumerTag: consumerTag, properties: properties, body: body)
            case .oversized(let size):
                return .oversizedDelivery(channel: channel, deliveryTag: tag, size: size)
            case .interrupted(let event):
                return event
            }
        case AMQP_BASIC_ACK_METHOD:
            let ack = decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            return .confirmAck(channel: channel, deliveryTag: ack.delivery_tag, multiple: ack.multiple != 0)
        case AMQP_BASIC_NACK_METHOD:
            let nack = decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            return .confirmNack(channel: channel, deliveryTag: nack.delivery_tag, multiple: nack.multiple != 0)
        case AMQP_BASIC_RETURN_METHOD:
            let returned = decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            let replyCode = returned.reply_code
            let replyText = rawString(returned.reply_text)
            let exchange = rawString(returned.exchange)
            let routingKey = rawString(returned.routing_key)
            // The content frames follow and must be read now (reference §6). Our own publish: no size bound.
            switch try readContent(channel: channel, maxBodySize: Int.max) {
            case .message(_, let body):
                return .returned(
                    channel: channel, replyCode: replyCode, replyText: replyText, exchange: exchange,
                    routingKey: routingKey, body: body)
            case .oversized:
                return .ignored
            case .interrupted(let event):
                return event
            }
        case AMQP_BASIC_CANCEL_METHOD:
            let cancel = decoded.assumingMemoryBound(to: amqp_basic_cancel_t.self).pointee
            return .consumerCancelled(channel: channel, consumerTag: rawString(cancel.consumer_tag))
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            let error = AMQPError(
                code: .channelClosed, message: "the broker closed channel \(channel)", replyCode: close.reply_code,
                replyText: rawString(close.reply_text))
            sendChannelCloseOk(channel)
            return .channelClosed(channel: channel, error)
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            let error = AMQPError(
                code: .connectionClosedByBroker, message: "the broker closed the connection",
                replyCode: close.reply_code, replyText: rawString(close.reply_text))
            sendConnectionCloseOk()
            throw error
        case AMQP_CONNECTION_BLOCKED_METHOD:
            let blocked = decoded.assumingMemoryBound(to: amqp_connection_blocked_t.self).pointee
            return .blocked(reason: rawString(blocked.reason))
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            return .unblocked
        default:
            return .ignored
        }
    }
}
