public import struct Foundation.Date

/// An AMQP field table (message headers, queue and exchange arguments), keyed by field name.
public typealias AMQPTable = [String: AMQPFieldValue]

/// One value in an AMQP field table or array, with the wire type it travels as (RabbitMQ's type letters).
public indirect enum AMQPFieldValue: Sendable, Hashable {
    /// `t` boolean.
    case boolean(Bool)
    /// `b` signed 8-bit integer.
    case int8(Int8)
    /// `B` unsigned 8-bit integer.
    case uint8(UInt8)
    /// `s` signed 16-bit integer.
    case int16(Int16)
    /// `u` unsigned 16-bit integer.
    case uint16(UInt16)
    /// `I` signed 32-bit integer.
    case int32(Int32)
    /// `i` unsigned 32-bit integer.
    case uint32(UInt32)
    /// `l` signed 64-bit integer.
    case int64(Int64)
    /// `f` 32-bit float.
    case float(Float)
    /// `d` 64-bit float.
    case double(Double)
    /// `D` decimal: `value` × 10^-`scale`.
    case decimal(scale: UInt8, value: UInt32)
    /// `S` long string (UTF-8).
    case string(String)
    /// `x` byte array (also how a long string that is not valid UTF-8 comes back).
    case bytes([UInt8])
    /// `T` timestamp, whole seconds since 1970.
    case timestamp(Date)
    /// `A` array of values.
    case array([AMQPFieldValue])
    /// `F` nested table.
    case table(AMQPTable)
    /// `V` no value.
    case void
}

extension AMQPFieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    /// A string literal is a long string (`S`).
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal is a signed 64-bit integer (`l`).
    public init(integerLiteral value: Int64) { self = .int64(value) }
    /// A boolean literal is a boolean (`t`).
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
}
