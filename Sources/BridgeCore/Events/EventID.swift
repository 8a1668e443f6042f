#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Fresh event ids (the AMQP `message_id` of every published event, DESIGN §1.1).
enum EventID {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// A random (version 4) UUID in canonical upper-case form, as Foundation's `UUID().uuidString` writes it.
    /// Foundation's `UUID()` opens and reads /dev/urandom on each call here, and the standard library's system
    /// generator — like glibc 2.36's `arc4random_buf`, which Debian 12 implements as a `getrandom` call — makes one
    /// system call per 64 bits. The bits come from ``RandomBitPool``: one `getrandom` per 256 ids.
    static func make() -> String {
        var generator = RandomBitPool.Generator()
        return make(using: &generator)
    }

    /// A version 8 (RFC 9562 "custom") UUID from a 128-bit FNV-1a hash its caller fed field by field with
    /// ``FNV1a128/addField(_:)`` (each field prefixed with its length; no arrays built for the fields): the same
    /// fields give the same id in any process at any time (a receipt the SMSC delivers again gets the id of its first
    /// publication). Not a cryptographic hash: the fields come from the SMSC, not from anyone who gains by making two
    /// receipts collide.
    static func derived(from hash: FNV1a128) -> String {
        format(high: UInt64(truncatingIfNeeded: hash.value >> 64), low: UInt64(truncatingIfNeeded: hash.value), version: 8)
    }

    /// A version 4 UUID from `generator`'s bits (tests pass a seeded one).
    static func make(using generator: inout some RandomNumberGenerator) -> String {
        let high = generator.next(), low = generator.next()
        return format(high: high, low: low, version: 4)
    }

    /// 128 bits as a canonical upper-case UUID of `version` (RFC 4122/9562 variant), written straight into the
    /// string's storage: no intermediate arrays (one id per published event).
    private static func format(high: UInt64, low: UInt64, version: UInt8) -> String {
        return String(unsafeUninitializedCapacity: 36) { text in
            var written = 0
            for index in 0..<16 {
                var byte = UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> ((index % 8) * 8))
                if index == 6 { byte = byte & 0x0F | version << 4 }
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

/// Random 64-bit words from the kernel's generator (`arc4random_buf`, i.e. `getrandom`), fetched 512 at a time
/// and handed out once each under a lock.
enum RandomBitPool {
    private static let capacity = 512
    private struct Words {
        var words: [UInt64]
        var next: Int
    }
    private static let pool = Mutex(Words(words: [UInt64](repeating: 0, count: capacity), next: capacity))

    /// The next unused word, refilling the pool when it is spent.
    static func next() -> UInt64 {
        pool.withLock { pool in
            if pool.next == capacity {
                pool.words.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
                pool.next = 0
            }
            defer { pool.next += 1 }
            return pool.words[pool.next]
        }
    }

    /// The pool as a generator.
    struct Generator: RandomNumberGenerator {
        mutating func next() -> UInt64 { RandomBitPool.next() }
    }
}

/// FNV-1a with 128 bits (offset basis and prime from the FNV reference).
struct FNV1a128 {
    private static let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B
    private(set) var value: UInt128 = 0x6C62_272E_07BB_0142_62B8_2175_6295_C58D

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { add(byte) }
    }

    mutating func add(_ byte: UInt8) {
        value ^= UInt128(byte)
        value &*= Self.prime
    }

    /// A two-octet field, as ``addField(_:)`` would add `[first, second]` (without building the array).
    mutating func addField(_ first: UInt8, _ second: UInt8) {
        add(0)
        add(0)
        add(0)
        add(2)
        add(first)
        add(second)
    }

    /// One field: its length (4 octets, big-endian) then its octets, so field boundaries cannot shift.
    mutating func addField(_ bytes: some Collection<UInt8>) {
        let length = UInt32(truncatingIfNeeded: bytes.count)
        for shift in stride(from: 24, through: 0, by: -8) { add(UInt8(truncatingIfNeeded: length >> UInt32(shift))) }
        for byte in bytes { add(byte) }
    }
}
