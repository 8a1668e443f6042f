import CRabbitMQ
import struct Foundation.Date

// AMQP field tables between AMQPTable and amqp_table_t. Kinds are matched on RabbitMQ's type letters.

extension RawArena {
    func table(_ table: AMQPTable) -> amqp_table_t {
        guard !table.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }
        let entries = array(of: amqp_table_entry_t.self, count: table.count)
        for (index, (key, value)) in table.sorted(by: { $0.key < $1.key }).enumerated() {
            (entries + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: field(value)))
        }
        return amqp_table_t(num_entries: Int32(table.count), entries: entries)
    }

    func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        func kind(_ letter: Unicode.Scalar) { field.kind = UInt8(ascii: letter) }
        switch value {
        case .boolean(let v): kind("t"); field.value.boolean = v ? 1 : 0
        case .int8(let v): kind("b"); field.value.i8 = v
        case .uint8(let v): kind("B"); field.value.u8 = v
        case .int16(let v): kind("s"); field.value.i16 = v
        case .uint16(let v): kind("u"); field.value.u16 = v
        case .int32(let v): kind("I"); field.value.i32 = v
        case .uint32(let v): kind("i"); field.value.u32 = v
        case .int64(let v): kind("l"); field.value.i64 = v
        case .float(let v): kind("f"); field.value.f32 = v
        case .double(let v): kind("d"); field.value.f64 = v
        case .decimal(let scale, let v): kind("D"); field.value.decimal = amqp_decimal_t(decimals: scale, value: v)
        case .string(let v): kind("S"); field.value.bytes = bytes(v)
        case .bytes(let v): kind("x"); field.value.bytes = bytes(v)
        case .timestamp(let date):
            kind("T")
            let seconds = date.timeIntervalSince1970
            field.value.u64 = seconds.isFinite && seconds > 0 ? UInt64(min(seconds, 1.8e19)) : 0
        case .array(let values):
            kind("A")
            let elements = array(of: amqp_field_value_t.self, count: values.count)
            for (index, element) in values.enumerated() { (elements + index).initialize(to: self.field(element)) }
            field.value.array = amqp_array_t(num_entries: Int32(values.count), entries: elements)
        case .table(let nested): kind("F"); field.value.table = table(nested)
        case .void: kind("V")
        }
        return field
    }
}

/// How deep tables and arrays nest in what is read from the broker: a value nested deeper reads as `.void`. A
/// producer can send a header nested tens of thousands of levels deep (one frame holds that); read in full, it
/// would overflow the connection thread's stack on every redelivery. No header the bridge reads nests at all.
let rawFieldMaximumDepth = 32

/// A table as read from the broker; `depth` is how deep it sits in the outermost table (0 there).
func rawTable(_ table: amqp_table_t, depth: Int = 0) -> AMQPTable {
    var result: AMQPTable = [:]
    guard table.num_entries > 0, let entries = table.entries else { return result }
    for index in 0..<Int(table.num_entries) {
        let entry = entries[index]
        result[rawString(entry.key)] = rawField(entry.value, depth: depth + 1)
    }
    return result
}

/// A field value as read from the broker; a table or array deeper than ``rawFieldMaximumDepth`` is `.void`.
func rawField(_ field: amqp_field_value_t, depth: Int = 1) -> AMQPFieldValue {
    let value = field.value
    switch Unicode.Scalar(field.kind) {
    case "t": return .boolean(value.boolean != 0)
    case "b": return .int8(value.i8)
    case "B": return .uint8(value.u8)
    case "s": return .int16(value.i16)
    case "u": return .uint16(value.u16)
    case "I": return .int32(value.i32)
    case "i": return .uint32(value.u32)
    case "l": return .int64(value.i64)
    case "L": return value.u64 <= UInt64(Int64.max) ? .int64(Int64(value.u64)) : .string(String(value.u64))
    case "f": return .float(value.f32)
    case "d": return .double(value.f64)
    case "D": return .decimal(scale: value.decimal.decimals, value: value.decimal.value)
    case "S":
        let bytes = rawArray(value.bytes)
        return String(validating: bytes, as: UTF8.self).map(AMQPFieldValue.string) ?? .bytes(bytes)
    case "x": return .bytes(rawArray(value.bytes))
    case "T": return .timestamp(Date(timeIntervalSince1970: Double(value.u64)))
    case "F":
        guard depth <= rawFieldMaximumDepth else { return .void }
        return .table(rawTable(value.table, depth: depth))
    case "A":
        guard depth <= rawFieldMaximumDepth else { return .void }
        var elements: [AMQPFieldValue] = []
        if value.array.num_entries > 0, let entries = value.array.entries {
            for index in 0..<Int(value.array.num_entries) { elements.append(rawField(entries[index], depth: depth + 1)) }
        }
        return .array(elements)
    default: return .void
    }
}
