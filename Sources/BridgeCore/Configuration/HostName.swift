#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine's host name, the default `cluster.instance_id`.
enum HostName {
    /// `gethostname(2)`, or `smpp-bridge` when it fails or is empty (no DNS lookup: start-up must not hang).
    static var current: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "smpp-bridge" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "smpp-bridge" : name
    }
}
