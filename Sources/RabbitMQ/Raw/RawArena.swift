import CRabbitMQ

/// Memory for the C structures of one call (property strings, header tables), freed when the arena goes away.
/// librabbitmq copies everything it sends, so an arena only has to outlive the call it was built for.
final class RawArena {
    private var blocks: [UnsafeMutableRawPointer] = []
    /// Bytes allocated so far: at least what the strings and tables built here take on the wire.
    private(set) var byteCount = 0

    deinit {
        for block in blocks { block.deallocate() }
    }

    func bytes<C: Collection<UInt8>>(_ source: C) -> amqp_bytes_t {
        guard !source.isEmpty else { return amqp_bytes_t(len: 0, bytes: nil) }
        let block = UnsafeMutableRawPointer.allocate(byteCount: source.count, alignment: 1)
        blocks.append(block)
        byteCount += source.count
        let buffer = UnsafeMutableRawBufferPointer(start: block, count: source.count)
        _ = buffer.initializeMemory(as: UInt8.self, from: source)
        return amqp_bytes_t(len: source.count, bytes: block)
    }

    func bytes(_ string: String) -> amqp_bytes_t { bytes(string.utf8) }

    func array<T>(of type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let block = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<T>.stride * max(count, 1), alignment: MemoryLayout<T>.alignment)
        blocks.append(block)
        byteCount += MemoryLayout<T>.stride * max(count, 1)
        return block.bindMemory(to: T.self, capacity: max(count, 1))
    }
}
