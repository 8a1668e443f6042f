/// Why a publish cannot be put on the wire, or nil when it can: checked before anything is sent.
///
/// librabbitmq reports an unencodable publish (a short string over 255 octets, a content header larger than a
/// frame) only after it may have written the method frame, which leaves the channel unusable; the layer would then
/// reconnect and fail the publish as `connectionLost`, and a caller that retries would reconnect forever. So the
/// limits of the encoding (AMQP 0-9-1 §4.2) are checked here first.
func publishEncodingProblem(
    exchange: String, routingKey: String, properties: AMQPProperties, frameMax: Int
) -> String? {
    if exchange.utf8.count > 255 { return "the exchange name is longer than 255 octets" }
    if routingKey.utf8.count > 255 { return "the routing key is longer than 255 octets" }
    // Class id, weight, body size and property flags, then each property present. (No array of them: this runs
    // for every publish.)
    var size = 2 + 2 + 8 + 2
    var tooLong: StaticString?
    func add(_ name: StaticString, _ value: String?) {
        guard let value, tooLong == nil else { return }
        let length = value.utf8.count
        if length > 255 { tooLong = name }
        size += 1 + length
    }
    add("content_type", properties.contentType)
    add("content_encoding", properties.contentEncoding)
    add("correlation_id", properties.correlationID)
    add("reply_to", properties.replyTo)
    add("expiration", properties.expiration)
    add("message_id", properties.messageID)
    add("type", properties.type)
    add("user_id", properties.userID)
    add("app_id", properties.appID)
    if let tooLong { return "the \(tooLong) property is longer than 255 octets" }
    if properties.deliveryMode != nil { size += 1 }
    if properties.priority != nil { size += 1 }
    if properties.timestamp != nil { size += 8 }
    if !properties.headers.isEmpty {
        guard let headers = encodedSize(of: properties.headers) else {
            return "a header name is longer than 255 octets"
        }
        size += headers
    }
    // A frame carries 7 octets of header and a frame-end octet around its payload.
    if size > frameMax - 8 {
        return "the properties and headers take \(size) octets, more than one frame of \(frameMax) holds"
    }
    return nil
}

/// Encoded size of a field table including its 4-octet length; nil when a key is longer than 255 octets.
private func encodedSize(of table: AMQPTable) -> Int? {
    var size = 4
    for (key, value) in table {
        let keyLength = key.utf8.count
        guard keyLength <= 255, let valueSize = encodedSize(of: value) else { return nil }
        size += 1 + keyLength + valueSize
    }
    return size
}

/// Encoded size of one field value including its type octet.
private func encodedSize(of value: AMQPFieldValue) -> Int? {
    switch value {
    case .boolean, .int8, .uint8: return 2
    case .int16, .uint16: return 3
    case .int32, .uint32, .float: return 5
    case .int64, .double, .timestamp: return 9
    case .decimal: return 6
    case .string(let text): return 5 + text.utf8.count
    case .bytes(let bytes): return 5 + bytes.count
    case .void: return 1
    case .table(let nested): return encodedSize(of: nested).map { 1 + $0 }
    case .array(let elements):
        var size = 5
        for element in elements {
            guard let elementSize = encodedSize(of: element) else { return nil }
            size += elementSize
        }
        return size
    }
}

/// Why the broker would refuse a publish with 406 PRECONDITION_FAILED — closing the shared confirm channel and
/// failing every publish in flight with it — or nil: an `expiration` that is not a whole number of milliseconds
/// (decimal digits, at most 4294967295), or a `user_id` other than the user the connection logged in as.
func publishRefusal(properties: AMQPProperties, user: String) -> String? {
    if let expiration = properties.expiration {
        let digits = expiration.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard digits, !expiration.isEmpty, let value = UInt64(expiration), value <= 4_294_967_295 else {
            return "the expiration \"\(expiration)\" is not a whole number of milliseconds (0...4294967295)"
        }
    }
    if let userID = properties.userID, userID != user {
        return "the user_id \"\(userID)\" is not the user this connection logged in as"
    }
    return nil
}
