/// What a publisher or consumer does on its connection thread. Every method runs on that thread only, so a driver
/// keeps its state without locks. Methods that throw only throw errors that break the connection.
protocol ConnectionDriver: AnyObject, SendableMetatype {
    associatedtype Command: Sendable
    typealias Instant = ContinuousClock.Instant

    /// The largest delivery body kept; a larger one comes as `oversizedDelivery` (read and dropped frame by frame).
    var maxBodySize: Int { get }
    /// The driver holds frames back until the socket drains (the broker is not reading): wait for `POLLOUT`.
    var waitsForWritable: Bool { get }
    /// False while the application is behind: the thread stops reading frames (backpressure).
    var readsFrames: Bool { get }
    /// Something a graceful close should wait for (outstanding confirms).
    var hasOutstandingWork: Bool { get }

    /// A new connection is open: open channels, declare, subscribe, resend what waited.
    func connected(_ link: RawConnection, generation: UInt64, now: Instant) throws(AMQPError)
    /// Runs a command posted by a caller; `link` is nil while disconnected.
    func execute(_ command: Command, link: RawConnection?, now: Instant) throws(AMQPError)
    /// Every command of one batch has run on a live connection (a place to send what was coalesced).
    func commandsDone(link: RawConnection, now: Instant) throws(AMQPError)
    /// The socket drained below its mark after `waitsForWritable`: send what was held back.
    func writable(_ link: RawConnection, now: Instant) throws(AMQPError)
    /// Handles something the broker sent.
    func handle(_ event: RawEvent, link: RawConnection, now: Instant) throws(AMQPError)
    /// The connection is gone: fail what was in flight.
    func disconnected(_ error: AMQPError, now: Instant)
    /// Time passed: expire what waited too long; returns when to be called again.
    func tick(now: Instant) -> Instant?
    /// The thread stops: fail everything still waiting.
    func finished(_ error: AMQPError)
    /// Fails a command that arrived after the thread stopped (called on any thread).
    static func reject(_ command: Command, _ error: AMQPError)
}
