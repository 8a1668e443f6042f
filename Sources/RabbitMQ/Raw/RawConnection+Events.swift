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
    /// The next event if one can be read without waiting, else nil. `consuming` reads deliveries whole with
    /// amqp_consume_message; other frames go through amqp_simple_wait_frame_noblock. Throws on connection loss
    /// (a connection.close from the broker is answered with close-ok first).
    func nextEvent(consuming: Bool) throws(AMQPError) -> RawEvent? {
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        amqp_maybe_release_buffers(state)
        if consuming {
            var envelope = amqp_envelope_t()
            let reply = amqp_consume_message(state, &envelope, &zero, 0)
            if reply.reply_type == AMQP_RESPONSE_NORMAL {
                defer { amqp_destroy_envelope(&envelope) }
                return .delivery(
                    channel: envelope.channel, deliveryTag: envelope.delivery_tag,
                    redelivered: envelope.redelivered != 0, exchange: rawString(envelope.exchange),
                    routingKey: rawString(envelope.routing_key), consumerTag: rawString(envelope.consumer_tag),
                    properties: rawProperties(envelope.message.properties), body: rawArray(envelope.message.body))
            }
            guard reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION else {
                broken = true
                throw AMQPError(code: .connectionLost, message: "reading a delivery: unexpected reply")
            }
            let status = Int32(reply.library_error)
            if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
            guard status == AMQP_STATUS_UNEXPECTED_STATE.rawValue else {
                broken = true
                throw .library(status, "reading a delivery")
            }
            // Not a delivery: the frame was put back; take it below.
        }
        var frame = amqp_frame_t()
        let status = amqp_simple_wait_frame_noblock(state, &frame, &zero)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        guard status == AMQP_STATUS_OK.rawValue else {
            broken = true
            throw .library(status, "reading a frame")
        }
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD), let decoded = frame.payload.method.decoded else {
            return .ignored
        }
        return try method(frame.payload.method.id, decoded, channel: frame.channel)
    }

    private func method(_ id: amqp_method_number_t, _ decoded: UnsafeMutableRawPointer, channel: UInt16)
        throws(AMQPError) -> RawEvent
    {
        switch id {
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
            // The content frames follow and must be read now (reference §6).
            var message = amqp_message_t()
            let reply = amqp_read_message(state, channel, &message, 0)
            guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
                broken = true
                throw AMQPError(code: .connectionLost, message: "reading a returned message")
            }
            defer { amqp_destroy_message(&message) }
            return .returned(
                channel: channel, replyCode: replyCode, replyText: replyText, exchange: exchange,
                routingKey: routingKey, body: rawArray(message.body))
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
