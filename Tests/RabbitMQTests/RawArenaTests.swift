import CRabbitMQ
import Testing

@testable import RabbitMQ

/// The publisher's reusable arena: what it hands out stays intact until the next reset, whatever its size.
@Suite struct RawArenaTests {
    func text(_ bytes: amqp_bytes_t) -> String {
        String(decoding: UnsafeRawBufferPointer(start: bytes.bytes, count: bytes.len), as: UTF8.self)
    }

    @Test func contentsSurviveOverflowAndResetReusesTheMemory() {
        let arena = RawArena(capacity: 64)
        let strings = (0..<40).map { "value-\($0)-" + String(repeating: "x", count: $0 * 3) }
        let handed = strings.map { arena.bytes($0) }
        let table = arena.array(of: amqp_table_entry_t.self, count: 5)
        for index in 0..<5 { table[index].key = handed[index] }
        #expect(zip(handed, strings).allSatisfy { text($0) == $1 }, "nothing overwritten, inside or beyond the block")
        #expect(arena.byteCount == strings.reduce(0) { $0 + $1.utf8.count } + 5 * MemoryLayout<amqp_table_entry_t>.stride)
        #expect(Int(bitPattern: table) % MemoryLayout<amqp_table_entry_t>.alignment == 0)
        #expect(Set(handed.map { Int(bitPattern: $0.bytes) }).count == handed.count)

        arena.reset()
        #expect(arena.byteCount == 0)
        // After a reset that followed an overflow the main block is big enough for the same call.
        let again = strings.map { arena.bytes($0) }
        #expect(zip(again, strings).allSatisfy { text($0) == $1 })
        arena.reset()
        let first = arena.bytes("abc")
        let second = arena.bytes("abc")
        #expect(second.bytes == first.bytes! + 3, "bumped inside one block: no allocation per string")
        #expect(arena.bytes("").bytes == nil)
    }
}

/// A header nested far deeper than any real one (a frame holds about 26 000 array levels) reads without recursing
/// through all of it: levels past `rawFieldMaximumDepth` read as `.void`.
@Suite struct RawTableDepthTests {
    @Test func aHostilelyDeepHeaderIsCutAtTheDepthLimit() {
        let arena = RawArena()
        let levels = 200_000
        // Built from the innermost value outwards: an array holding an array holding … a boolean.
        var field = amqp_field_value_t()
        field.kind = UInt8(ascii: "t")
        field.value.boolean = 1
        for _ in 0..<levels {
            let element = arena.array(of: amqp_field_value_t.self, count: 1)
            element.initialize(to: field)
            var outer = amqp_field_value_t()
            outer.kind = UInt8(ascii: "A")
            outer.value.array = amqp_array_t(num_entries: 1, entries: element)
            field = outer
        }
        let entry = arena.array(of: amqp_table_entry_t.self, count: 1)
        entry.initialize(to: amqp_table_entry_t(key: arena.bytes("deep"), value: field))
        let table = rawTable(amqp_table_t(num_entries: 1, entries: entry))
        var depth = 0
        var value = table["deep"]
        while case .array(let elements)? = value {
            depth += 1
            value = elements.first
        }
        #expect(depth == rawFieldMaximumDepth)
        #expect(value == .void)
        // An ordinary nested header reads in full.
        let nested: AMQPTable = ["x-death": .array([.table(["count": .int64(2), "reason": .string("expired")])])]
        #expect(rawTable(arena.table(nested)) == nested)
    }
}
