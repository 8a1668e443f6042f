import CRabbitMQ

/// Memory for the C structures of one call (names, property strings, header tables). librabbitmq copies everything
/// it sends, so what an arena hands out only has to outlive the call it was built for.
///
/// A bump allocator over one block: handing out memory is a pointer increment, not a `malloc`. A request that does
/// not fit gets its own block until ``reset()``, which also grows the main block so the next call of that size
/// fits. The publisher keeps one arena per connection and resets it before each publish; other calls make their own.
final class RawArena {
    private var block: UnsafeMutableRawPointer
    private var capacity: Int
    private var used = 0
    private var overflow: [UnsafeMutableRawPointer] = []
    private var overflowBytes = 0
    /// Bytes handed out since creation or the last reset: at least what the strings and tables built here take on
    /// the wire.
    private(set) var byteCount = 0

    /// An arena whose main block holds `capacity` bytes before anything overflows.
    init(capacity: Int = 1024) {
        self.capacity = max(64, capacity)
        block = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit {
        block.deallocate()
        for extra in overflow { extra.deallocate() }
    }

    /// Forgets everything handed out (the memory is reused: nothing from before may still be in use).
    func reset() {
        if !overflow.isEmpty {
            for extra in overflow { extra.deallocate() }
            overflow.removeAll(keepingCapacity: true)
            block.deallocate()
            capacity = max(capacity * 2, used + overflowBytes + 64)
            block = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            overflowBytes = 0
        }
        used = 0
        byteCount = 0
    }

    func bytes<C: Collection<UInt8>>(_ source: C) -> amqp_bytes_t {
        guard !source.isEmpty else { return amqp_bytes_t(len: 0, bytes: nil) }
        let memory = allocate(byteCount: source.count, alignment: 1)
        let buffer = UnsafeMutableRawBufferPointer(start: memory, count: source.count)
        _ = buffer.initializeMemory(as: UInt8.self, from: source)
        return amqp_bytes_t(len: source.count, bytes: memory)
    }

    func bytes(_ string: String) -> amqp_bytes_t { bytes(string.utf8) }

    func array<T>(of type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let memory = allocate(byteCount: MemoryLayout<T>.stride * max(count, 1), alignment: MemoryLayout<T>.alignment)
        return memory.bindMemory(to: T.self, capacity: max(count, 1))
    }

    private func allocate(byteCount size: Int, alignment: Int) -> UnsafeMutableRawPointer {
        byteCount += size
        let start = (used + alignment - 1) / alignment * alignment
        if start + size <= capacity {
            used = start + size
            return block + start
        }
        let extra = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: max(alignment, 16))
        overflow.append(extra)
        overflowBytes += size + alignment
        return extra
    }
}
