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

    /// A version 4 UUID from `generator`'s bits (tests pass a seeded one). Written straight into the string's
    /// storage: no intermediate arrays (one id per published event).
    static func make(using generator: inout some RandomNumberGenerator) -> String {
        let high = generator.next(), low = generator.next()
        return String(unsafeUninitializedCapacity: 36) { text in
            var written = 0
            for index in 0..<16 {
                var byte = UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> ((index % 8) * 8))
                if index == 6 { byte = byte & 0x0F | 0x40 }  // version 4
                if index == 8 { byte = byte & 0x3F | 0x80 }  // RFC 4122 variant
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[written] = UInt8(ascii: "-")
                    written += 1
                }
                text[written] = hexDigits[Int(byte >> 4)]
                text[written + 1] = hexDigits[Int(byte & 0x0F)]
                written += 2
            }
            return written
        }
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
