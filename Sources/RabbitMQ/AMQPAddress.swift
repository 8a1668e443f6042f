/// One broker node a connection can use: host and port.
public struct AMQPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, an IPv6 address in brackets (`[::1]:5672`); used as the `node` in logs and metrics.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The order in which a connection tries a cluster's addresses.
public enum AMQPAddressOrder: String, Sendable, Hashable, CaseIterable {
    /// As listed: the first address is preferred by every connection (others only when it fails).
    case inOrder = "in_order"
    /// Each connection starts at a random address and goes round from there: one or many bridges spread their
    /// connections across the nodes.
    case shuffled
}

/// Which address a connection tries next: a rotation over the addresses in the configured order. It moves on after
/// a failed attempt or a lost connection and stays while a connection holds.
struct AddressRotation: Sendable {
    private let order: [AMQPAddress]
    private var index = 0

    /// - Parameter startIndex: where a shuffled rotation starts (random in production; fixed in tests).
    init(addresses: [AMQPAddress], order: AMQPAddressOrder, startIndex: Int) {
        self.order = addresses
        if order == .shuffled, !addresses.isEmpty { index = ((startIndex % addresses.count) + addresses.count) % addresses.count }
    }

    /// The address to try now.
    var current: AMQPAddress { order[index] }

    /// After a failed attempt or a lost connection: the next address.
    mutating func advance() { index = (index + 1) % order.count }
}
