import CRabbitMQ
import Glibc

// Only files under Raw/ call librabbitmq. These turn its two kinds of result (an int status, or an
// amqp_rpc_reply_t) into AMQPError values.

extension AMQPError {
    /// An error for a librabbitmq status, with the library's text for it.
    static func library(_ status: Int32, _ what: String, code: Code? = nil) -> AMQPError {
        let text = amqp_error_string2(status).map { String(cString: $0) } ?? "unknown error"
        return AMQPError(code: code ?? classify(status), message: "\(what): \(text)", libraryStatus: status)
    }

    /// The code for a status seen on an established connection.
    static func classify(_ status: Int32) -> Code {
        switch status {
        case AMQP_STATUS_SSL_ERROR.rawValue, AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED.rawValue,
            AMQP_STATUS_SSL_PEER_VERIFY_FAILED.rawValue, AMQP_STATUS_SSL_CONNECTION_FAILED.rawValue,
            AMQP_STATUS_SSL_SET_ENGINE_FAILED.rawValue:
            return .tlsFailed
        case AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue:
            return .heartbeatTimeout
        case AMQP_STATUS_SOCKET_ERROR.rawValue, AMQP_STATUS_CONNECTION_CLOSED.rawValue,
            AMQP_STATUS_SOCKET_CLOSED.rawValue, AMQP_STATUS_TCP_ERROR.rawValue, AMQP_STATUS_TIMEOUT.rawValue,
            AMQP_STATUS_BAD_AMQP_DATA.rawValue, AMQP_STATUS_UNEXPECTED_STATE.rawValue,
            AMQP_STATUS_UNKNOWN_CLASS.rawValue, AMQP_STATUS_UNKNOWN_METHOD.rawValue:
            return .connectionLost
        default:
            return .operationFailed
        }
    }
}

/// Copies an amqp_bytes_t into a String (invalid UTF-8 is repaired, never trapped on).
func rawString(_ bytes: amqp_bytes_t) -> String {
    guard bytes.len > 0, let base = bytes.bytes else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: base, count: bytes.len), as: UTF8.self)
}

/// Copies an amqp_bytes_t into an array.
func rawArray(_ bytes: amqp_bytes_t) -> [UInt8] {
    guard bytes.len > 0, let base = bytes.bytes else { return [] }
    return Array(UnsafeRawBufferPointer(start: base, count: bytes.len))
}

func rawTimeval(_ duration: Duration) -> timeval {
    let (seconds, attoseconds) = duration.components
    return timeval(tv_sec: Int(clamping: max(seconds, 0)), tv_usec: Int(max(attoseconds, 0) / 1_000_000_000_000))
}
