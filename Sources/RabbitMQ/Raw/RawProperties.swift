import CRabbitMQ
import struct Foundation.Date

extension RawArena {
    func properties(_ properties: AMQPProperties) -> amqp_basic_properties_t {
        var raw = amqp_basic_properties_t()
        var flags: UInt32 = 0
        func set(_ value: String?, _ flag: Int32, _ assign: (amqp_bytes_t) -> Void) {
            guard let value else { return }
            assign(bytes(value))
            flags |= UInt32(flag)
        }
        set(properties.contentType, AMQP_BASIC_CONTENT_TYPE_FLAG) { raw.content_type = $0 }
        set(properties.contentEncoding, AMQP_BASIC_CONTENT_ENCODING_FLAG) { raw.content_encoding = $0 }
        set(properties.correlationID, AMQP_BASIC_CORRELATION_ID_FLAG) { raw.correlation_id = $0 }
        set(properties.replyTo, AMQP_BASIC_REPLY_TO_FLAG) { raw.reply_to = $0 }
        set(properties.expiration, AMQP_BASIC_EXPIRATION_FLAG) { raw.expiration = $0 }
        set(properties.messageID, AMQP_BASIC_MESSAGE_ID_FLAG) { raw.message_id = $0 }
        set(properties.type, AMQP_BASIC_TYPE_FLAG) { raw.type = $0 }
        set(properties.userID, AMQP_BASIC_USER_ID_FLAG) { raw.user_id = $0 }
        set(properties.appID, AMQP_BASIC_APP_ID_FLAG) { raw.app_id = $0 }
        if !properties.headers.isEmpty {
            raw.headers = table(properties.headers)
            flags |= UInt32(AMQP_BASIC_HEADERS_FLAG)
        }
        if let mode = properties.deliveryMode {
            raw.delivery_mode = mode.rawValue
            flags |= UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG)
        }
        if let priority = properties.priority {
            raw.priority = priority
            flags |= UInt32(AMQP_BASIC_PRIORITY_FLAG)
        }
        if let timestamp = properties.timestamp {
            let seconds = timestamp.timeIntervalSince1970
            raw.timestamp = seconds.isFinite && seconds > 0 ? UInt64(min(seconds, 1.8e19)) : 0
            flags |= UInt32(AMQP_BASIC_TIMESTAMP_FLAG)
        }
        raw._flags = flags
        return raw
    }
}

/// The header that keeps a `message_id` whose octets are not UTF-8 (as a byte array); the property itself then
/// reads as absent: repaired (U+FFFD for each bad sequence), two different ids could read the same, and an id is a
/// dedup key.
public let invalidMessageIDHeader = "x-smpp-bridge-original-message-id"

func rawProperties(_ raw: amqp_basic_properties_t) -> AMQPProperties {
    let flags = raw._flags
    func has(_ flag: Int32) -> Bool { flags & UInt32(flag) != 0 }
    func string(_ flag: Int32, _ bytes: amqp_bytes_t) -> String? { has(flag) ? rawString(bytes) : nil }
    var messageID: String?
    var headers = has(AMQP_BASIC_HEADERS_FLAG) ? rawTable(raw.headers) : [:]
    if has(AMQP_BASIC_MESSAGE_ID_FLAG) {
        let octets = rawArray(raw.message_id)
        if let valid = String(validating: octets, as: UTF8.self) {
            messageID = valid
        } else {
            headers[invalidMessageIDHeader] = .bytes(octets)
        }
    }
    return AMQPProperties(
        contentType: string(AMQP_BASIC_CONTENT_TYPE_FLAG, raw.content_type),
        contentEncoding: string(AMQP_BASIC_CONTENT_ENCODING_FLAG, raw.content_encoding),
        headers: headers,
        deliveryMode: has(AMQP_BASIC_DELIVERY_MODE_FLAG) ? AMQPDeliveryMode(rawValue: raw.delivery_mode) : nil,
        priority: has(AMQP_BASIC_PRIORITY_FLAG) ? raw.priority : nil,
        correlationID: string(AMQP_BASIC_CORRELATION_ID_FLAG, raw.correlation_id),
        replyTo: string(AMQP_BASIC_REPLY_TO_FLAG, raw.reply_to),
        expiration: string(AMQP_BASIC_EXPIRATION_FLAG, raw.expiration),
        messageID: messageID,
        timestamp: has(AMQP_BASIC_TIMESTAMP_FLAG) ? Date(timeIntervalSince1970: Double(raw.timestamp)) : nil,
        type: string(AMQP_BASIC_TYPE_FLAG, raw.type),
        userID: string(AMQP_BASIC_USER_ID_FLAG, raw.user_id),
        appID: string(AMQP_BASIC_APP_ID_FLAG, raw.app_id)
    )
}
