import NIOCore
import SMPP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One deliver_sm the simulator wants delivered (a receipt or an MO part), with its delivery attempts so far.
struct OutboundDelivery: Sendable {
    /// Unique within the simulator run.
    let id: UInt64
    /// The account whose RX/TRX sessions may take it; nil = any account's.
    let account: String?
    /// The PDU body.
    let body: DeliverSM
    /// Attempts made so far.
    var attempts: Int
    /// A receipt (counted as receipts_sent) or an MO part (mo_sent).
    let isReceipt: Bool
}

/// A bound session that can be handed deliveries; implemented by the connection's handler.
protocol DeliveryEndpoint: Sendable {
    /// The simulator's number for the session.
    var sessionID: UInt64 { get }
    /// Sends the deliveries, in order, on the session's event loop and flushes once; any the session can no longer
    /// take it hands back to the core as retries.
    func deliver(_ deliveries: [OutboundDelivery])
}

/// The wall clock in milliseconds since 1970-01-01 UTC, for receipt dates and record timestamps only; every
/// timer uses the monotonic `NIODeadline`.
func wallClockMilliseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
}
