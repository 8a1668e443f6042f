import CRabbitMQ
import Glibc

// Linux values (netinet/tcp.h), spelled out because the Glibc module does not export them all.
private let tcpUserTimeoutOption: Int32 = 18  // TCP_USER_TIMEOUT
private let tcpNotSentLowWaterOption: Int32 = 25  // TCP_NOTSENT_LOWAT

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

    /// Runs `body` (several writes) with the frames it writes held in the socket's buffer when `condition` holds,
    /// then writes them all at once: one write for a round of publishes or acks instead of one per frame (three per
    /// publish inside librabbitmq), and with TLS one record. Nested, or without a buffer, `body` runs as it is. What
    /// was held is written even when `body` fails (its failure is reported); a failure to write it breaks the
    /// connection (the publishes it held are tracked and fail with it).
    func batched<T>(when condition: Bool = true, _ body: () throws(AMQPError) -> T) throws(AMQPError) -> T {
        guard condition, !isBatching, let sendBuffer else { return try body() }
        crmq_send_buffer_hold(sendBuffer)
        let result: Result<T, AMQPError>
        do throws(AMQPError) {
            result = .success(try body())
        } catch {
            result = .failure(error)
        }
        // Written even when `body` failed; its failure is the one reported.
        let released = Result { () throws(AMQPError) in try release(sendBuffer) }
        let value = try result.get()
        try sent(try released.get(), "writing held frames")
        return value
    }

    /// Runs `body` (an RPC, whose request must reach the broker before its reply can come) with what is held written
    /// first and its own frames written at once; holds again afterwards. Outside ``batched(when:_:)`` it just runs.
    func unbatched<T>(_ body: () throws(AMQPError) -> T) throws(AMQPError) -> T {
        guard isBatching, let sendBuffer else { return try body() }
        try sent(try release(sendBuffer), "writing held frames")
        defer { crmq_send_buffer_hold(sendBuffer) }
        return try body()
    }

    /// Inside ``batched(when:_:)``: the socket's buffer holds what is written.
    var isBatching: Bool { sendBuffer.map { $0.pointee.holding != 0 } ?? false }

    /// Stops holding and writes what is held (under the stall guard); returns librabbitmq's status.
    private func release(_ sendBuffer: UnsafeMutablePointer<crmq_send_buffer>) throws(AMQPError) -> Int32 {
        try guarded("writing held frames") { () throws(AMQPError) in crmq_send_buffer_release(state, sendBuffer) }
    }

    /// Writes the socket's buffer made to the kernel so far (0 without a buffer; tests).
    var bufferedWrites: Int { sendBuffer.map { Int(crmq_send_buffer_writes($0)) } ?? 0 }

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
