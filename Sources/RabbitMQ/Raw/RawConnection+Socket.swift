import CRabbitMQ
import Glibc

// Linux values (netinet/tcp.h), spelled out because the Glibc module does not export them all.
private let tcpUserTimeoutOption: Int32 = 18  // TCP_USER_TIMEOUT
private let tcpNotSentLowWaterOption: Int32 = 25  // TCP_NOTSENT_LOWAT
let tcpCorkOption: Int32 = 3  // TCP_CORK

extension RawConnection {
    /// Socket options set right after the TCP connection is made: `TCP_USER_TIMEOUT` (data unacknowledged by the
    /// peer's TCP for that long fails the socket), and `TCP_NOTSENT_LOWAT`, the bound on bytes written but not yet
    /// sent below which the socket counts as writable (see ``canWrite``).
    func configureSocket(userTimeout: Duration) {
        let socket = socketDescriptor
        guard socket >= 0 else { return }
        var milliseconds = UInt32(clamping: userTimeout.components.seconds * 1000)
        _ = setsockopt(socket, Int32(IPPROTO_TCP), tcpUserTimeoutOption, &milliseconds, socklen_t(MemoryLayout<UInt32>.size))
        var sendBuffer: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(socket, SOL_SOCKET, SO_SNDBUF, &sendBuffer, &length) == 0, sendBuffer > 0 {
            // A quarter of the send buffer: a message written just below the mark still fits behind it.
            notSentLowWater = max(4096, min(Int(sendBuffer) / 4, 256 * 1024))
        }
        var lowWater = UInt32(notSentLowWater)
        _ = setsockopt(socket, Int32(IPPROTO_TCP), tcpNotSentLowWaterOption, &lowWater, socklen_t(MemoryLayout<UInt32>.size))
    }

    /// Runs `body` (several writes) with `TCP_CORK` set when `condition` holds, then clears it, which sends whatever
    /// is still held: the frames go out in full segments rather than one segment per write. Also with TLS (the
    /// records share the segments). Nested, or if the option cannot be set, `body` runs as it is.
    func corked<T>(when condition: Bool = true, _ body: () throws(AMQPError) -> T) throws(AMQPError) -> T {
        guard condition, !isCorked, setCork(true) else { return try body() }
        isCorked = true
        defer {
            isCorked = false
            setCork(false)
        }
        return try body()
    }

    /// Sends what the cork holds now (an RPC inside ``corked(when:_:)`` must reach the broker before its reply can
    /// come; the kernel would otherwise hold it up to 200 ms) and corks again. Nothing when not corked.
    func pushCorked() {
        guard isCorked else { return }
        setCork(false)
        setCork(true)
    }

    @discardableResult
    private func setCork(_ on: Bool) -> Bool {
        let socket = socketDescriptor
        var value: Int32 = on ? 1 : 0
        return socket >= 0
            && setsockopt(socket, Int32(IPPROTO_TCP), tcpCorkOption, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// Bytes written to the socket that TCP has not sent yet (the peer's window is closed: it is not reading).
    var unsentBytes: Int {
        Int(crmq_unsent_bytes(socketDescriptor))
    }

    /// Whether a frame can be written without waiting for the broker to read: fewer than `notSentLowWater` bytes
    /// are waiting to be sent. A publisher keeps its publishes pending (and waits in `poll` for `POLLOUT`, which
    /// `TCP_NOTSENT_LOWAT` makes mean the same) instead of blocking inside librabbitmq's send.
    var canWrite: Bool { unsentBytes < notSentLowWater }

    /// ``canWrite`` for the next publish, asking the kernel only once the publishes written since the last ask may
    /// have used up the room it showed (``publish`` counts at least what each one writes). Unsent bytes only shrink
    /// between two asks, so a publish is admitted only when asking right before it would have admitted it too; the
    /// ioctl is paid once per `notSentLowWater` bytes instead of once per publish.
    var canPublish: Bool {
        if publishRoom > 0 { return true }
        publishRoom = notSentLowWater - unsentBytes
        return publishRoom > 0
    }
}
