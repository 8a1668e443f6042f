#if canImport(Glibc)
import Glibc
#endif

/// Fresh event ids (the AMQP `message_id` of every published event, DESIGN §1.1).
enum EventID {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// A random (version 4) UUID in canonical upper-case form, as Foundation's `UUID().uuidString` writes it.
    /// Foundation's `UUID()` opens and reads /dev/urandom on each call here, and the standard library's system
    /// generator makes one `getrandom` system call per 64 bits; glibc's `arc4random` (a per-thread ChaCha20 stream
    /// seeded from the kernel) makes none per id.
    static func make() -> String {
        var generator = ARC4RandomGenerator()
        return make(using: &generator)
    }

    /// A version 4 UUID from `generator`'s bits (tests pass a seeded one).
    static func make(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for half in 0..<2 {
            let bits = generator.next()
            for index in 0..<8 { bytes[half * 8 + index] = UInt8(truncatingIfNeeded: bits >> (index * 8)) }
        }
        bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 4122 variant
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// glibc's cryptographically secure `arc4random_buf` as a generator.
struct ARC4RandomGenerator: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { arc4random_buf($0.baseAddress!, 8) }
        return value
    }
}
