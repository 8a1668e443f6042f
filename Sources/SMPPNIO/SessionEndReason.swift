/// Why a session (one connection) ended; the slot's reconnect decision and its log line follow from it.
public enum SessionEndReason: Hashable, Sendable, CustomStringConvertible {
    /// The TCP connect (or TLS handshake) failed or timed out.
    case connectFailed
    /// The SMSC answered the bind with a non-zero status (raw command_status).
    case bindRejected(status: UInt32)
    /// No bind response arrived before the bind timeout.
    case bindTimeout
    /// An enquire_link went unanswered past its deadline: the link is dead.
    case linkDead
    /// The SMSC sent unbind; we answered and closed.
    case unbindBySMSC
    /// We unbound (graceful shutdown), whether or not unbind_resp arrived in time.
    case unbound
    /// The connection closed or failed underneath the session.
    case connectionClosed
    /// We closed the connection because of a framing or protocol error.
    case protocolError
    /// We closed it after `smpp.max_consecutive_timeouts` submits in a row went unanswered (it may still answer
    /// enquire_link): the other sessions carry the queue.
    case unresponsive

    /// A short name for logs.
    public var description: String {
        switch self {
        case .connectFailed: "connect_failed"
        case .bindRejected(let status): "bind_rejected(0x\(String(status, radix: 16)))"
        case .bindTimeout: "bind_timeout"
        case .linkDead: "link_dead"
        case .unbindBySMSC: "unbind_by_smsc"
        case .unbound: "unbound"
        case .connectionClosed: "connection_closed"
        case .protocolError: "protocol_error"
        case .unresponsive: "unresponsive"
        }
    }
}
