import NIOCore

/// The sans-I/O state machine of one SMPP session (one connection): connecting → binding → bound → unbinding →
/// closed. Every input is a `…Received` call with the current time; every output is an ``Action`` that the channel
/// handler carries out. Timers are deadlines the machine reports through ``nextDeadline(now:)``; the handler keeps
/// one scheduled callback and calls ``timerFired(now:)``.
///
/// Generic over `Request`, whatever the handler attaches to an outbound submit (the PDU body and its promise).
struct SessionStateMachine<Request> {
    /// Settings for one session, taken from the client configuration.
    struct Configuration: Sendable {
        /// Most requests outstanding at once.
        var window: Int = 10
        /// Segments per second; 0 = unlimited.
        var throughput: Int = 0
        /// How long a request may wait for its response.
        var responseTimeout: TimeAmount = .seconds(30)
        /// Idle time (nothing received) after which we send enquire_link; its response must arrive within the
        /// response timeout.
        var enquireLinkInterval: TimeAmount = .seconds(30)
        /// How long bind may wait for bind_resp.
        var bindTimeout: TimeAmount = .seconds(10)
        /// How long unbind may wait for unbind_resp.
        var unbindTimeout: TimeAmount = .seconds(5)
        /// How long the application has to answer an inbound deliver_sm / data_sm before we answer ESME_RX_T_APPN.
        var inboundResponseTimeout: TimeAmount = .seconds(10)
        /// Inbound requests handed to the application and not yet answered; more are refused with ESME_RX_T_APPN
        /// at once (the socket keeps being read: submit responses must not wait behind the application).
        var maxInboundInFlight: Int = 32
        /// How long a throttle answer (ESME_RTHROTTLED / ESME_RMSGQFUL / ESME_RSYSERR) stops sending.
        var throttlePause: TimeAmount = .seconds(1)
        /// Close the session after this many response timeouts in a row (no response of any kind in between);
        /// 0 = never.
        var maxConsecutiveTimeouts: Int = 3
        /// How many timed-out requests are remembered so that a late response still reports its outcome.
        var lateResponseMemory: Int = 1_024
    }

    /// A PDU the machine asks the handler to write (the handler builds the bytes).
    enum OutboundPDU: Equatable {
        case bind(sequenceNumber: UInt32)
        case enquireLink(sequenceNumber: UInt32)
        case enquireLinkResp(sequenceNumber: UInt32)
        case unbind(sequenceNumber: UInt32)
        case unbindResp(sequenceNumber: UInt32)
        case genericNack(sequenceNumber: UInt32, status: UInt32)
        /// deliver_sm_resp or data_sm_resp, whichever the inbound request was.
        case inboundResponse(sequenceNumber: UInt32, status: UInt32)
    }

    /// Why a request failed without a response carrying a status.
    enum RequestFailure: Equatable {
        /// generic_nack with this status answered it.
        case genericNack(status: UInt32)
        /// No response within the response timeout.
        case responseTimeout
        /// The session died with the request outstanding: the SMSC may or may not have it.
        case sessionLost
        /// The response had a readable header but a body that does not parse: the outcome is unknown.
        case malformedResponse
    }

    /// What the handler must do.
    enum Action {
        case none
        case write(OutboundPDU)
        /// Bind succeeded: report the session as bound.
        case sessionBound
        /// A response matched `request`; `status` is its command_status.
        case complete(Request, sequenceNumber: UInt32, status: UInt32, latency: TimeAmount)
        /// A response arrived for `request` after it had already failed with a response timeout: report the late
        /// outcome (the caller was told "unknown").
        case lateResponse(Request, sequenceNumber: UInt32, status: UInt32, latency: TimeAmount)
        case fail(Request, sequenceNumber: UInt32, RequestFailure)
        /// A response matched nothing outstanding: log and count it, nothing else.
        case unexpectedResponse(sequenceNumber: UInt32)
        /// A generic_nack whose number is both that of a response we just wrote to the SMSC and that of a request of
        /// ours still awaiting (or timed out awaiting) its response: taken to be about the response, so the request
        /// keeps waiting for its own (or times out: outcome unknown). Log and count it.
        case ambiguousNack(sequenceNumber: UInt32, status: UInt32)
        /// Hand the inbound request with this sequence number to the application.
        case deliverInbound(sequenceNumber: UInt32)
        /// The application did not answer this inbound request in time: answer ESME_RX_T_APPN, unless its answer
        /// was given and is on its way to the event loop (then that answer).
        case inboundExpired(sequenceNumber: UInt32)
        /// Write `pdu` (if any), then close; fail `outstanding` as session lost.
        case close(SessionEndReason, write: OutboundPDU?, outstanding: [(UInt32, Request)])
    }

    enum State: Equatable {
        case connecting
        case binding(sequenceNumber: UInt32, deadline: NIODeadline)
        case bound
        case unbinding(sequenceNumber: UInt32, deadline: NIODeadline)
        case closed(SessionEndReason)
    }

    let configuration: Configuration
    /// Whether this session may submit (transmitter or transceiver).
    let canSubmit: Bool
    /// Whether this session receives deliver_sm (receiver or transceiver).
    let canReceive: Bool
    var state: State = .connecting
    var sequenceNumbers: SequenceNumberGenerator
    var window = SessionWindow<Request>()
    /// Inbound requests the application holds, each with the token its answer must carry (the SMSC may reuse a
    /// sequence number once we answered it, and a late answer must not answer the newcomer) and its body octets
    /// (a repeat is only a repeat when the body is the same).
    var inbound = SessionWindow<HeldInbound>()
    var lastInboundToken: UInt64 = 0
    var bucket: TokenBucket
    /// The window in force: lowered by throttling, grown back by one per timely answer that is no slow-down.
    var effectiveWindow: Int
    var pausedUntil: NIODeadline?
    var lastReceived: NIODeadline
    var enquireLink: (sequenceNumber: UInt32, deadline: NIODeadline)?
    /// Shutdown asked for: nothing new is sent, new inbound requests are refused, and once the window and the held
    /// inbound requests are empty the session unbinds.
    var unbindWhenDrained = false
    /// When bind succeeded (for the reconnect backoff: only a session bound long enough resets it).
    var boundAt: NIODeadline?
    /// Response timeouts in a row of requests sent after the last submit response (a request lost while others
    /// are answered says nothing about the session).
    var consecutiveTimeouts = 0
    /// When the last submit response (or generic_nack to a submit) arrived.
    var lastSubmitResponse: NIODeadline?
    /// Requests that failed with a response timeout, by sequence number, oldest first (bounded): a late response
    /// still reports their outcome.
    var timedOut: [UInt32: (request: Request, sentAt: NIODeadline)] = [:]
    var timedOutOrder = CircularBuffer<UInt32>()
    /// Responses written to the SMSC's requests, for telling a generic_nack of one from one of our requests'.
    var recentAnswers: RecentAnswers

    init(configuration: Configuration, canSubmit: Bool, canReceive: Bool, now: NIODeadline,
         firstSequenceNumber: UInt32 = 1) {
        self.configuration = configuration
        self.canSubmit = canSubmit
        self.canReceive = canReceive
        self.sequenceNumbers = SequenceNumberGenerator(first: firstSequenceNumber)
        self.bucket = TokenBucket(ratePerSecond: configuration.throughput, now: now)
        self.effectiveWindow = max(1, configuration.window)
        self.lastReceived = now
        // A refusal of a response comes back within a round trip; the last 1 024 within the response timeout are
        // plenty even at thousands of receipts a second.
        self.recentAnswers = RecentAnswers(capacity: configuration.lateResponseMemory,
                                           horizon: configuration.responseTimeout)
    }

    var isBound: Bool { state == .bound }
    var isClosed: Bool { if case .closed = state { true } else { false } }

    // MARK: - Lifecycle

    /// The connection (and TLS handshake) is up: send bind.
    mutating func connected(now: NIODeadline) -> Action {
        guard case .connecting = state else { return .none }
        let sequenceNumber = sequenceNumbers.next()
        state = .binding(sequenceNumber: sequenceNumber, deadline: now + configuration.bindTimeout)
        lastReceived = now
        return .write(.bind(sequenceNumber: sequenceNumber))
    }

    /// bind_*_resp arrived.
    mutating func bindResponseReceived(sequenceNumber: UInt32, status: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        guard case .binding(let expected, _) = state, expected == sequenceNumber else {
            return .unexpectedResponse(sequenceNumber: sequenceNumber)
        }
        guard status == WireStatus.ok else { return close(.bindRejected(status: status)) }
        state = .bound
        boundAt = now
        return .sessionBound
    }

    /// Graceful shutdown: nothing more is sent (the pool fails what was never written as shutting down); requests
    /// already written get their answers and inbound requests the application holds get its answers (each bounded
    /// by its timeout), then the session unbinds. Not bound yet: close at once.
    mutating func shutdownRequested(now: NIODeadline) -> Action {
        switch state {
        case .connecting, .binding:
            return close(.unbound)
        case .bound:
            unbindWhenDrained = true
            return unbindIfDrained(now: now)
        case .unbinding, .closed:
            return .none
        }
    }

    mutating func startUnbind(now: NIODeadline) -> Action {
        let sequenceNumber = unusedSequenceNumber()
        state = .unbinding(sequenceNumber: sequenceNumber, deadline: now + configuration.unbindTimeout)
        unbindWhenDrained = false
        return .write(.unbind(sequenceNumber: sequenceNumber))
    }

    /// unbind_resp arrived.
    mutating func unbindResponseReceived(sequenceNumber: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        guard case .unbinding(let expected, _) = state, expected == sequenceNumber else {
            return .unexpectedResponse(sequenceNumber: sequenceNumber)
        }
        return close(.unbound)
    }

    /// The SMSC sent unbind: answer, then close (the slot reconnects).
    mutating func unbindReceived(sequenceNumber: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        if isClosed { return .none }
        return close(.unbindBySMSC, write: .unbindResp(sequenceNumber: sequenceNumber))
    }

    /// The SMSC sent enquire_link: answer it in any state but closed.
    mutating func enquireLinkReceived(sequenceNumber: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        if isClosed { return .none }
        recentAnswers.record(sequenceNumber, now: now)
        return .write(.enquireLinkResp(sequenceNumber: sequenceNumber))
    }

    /// enquire_link_resp arrived. Its status is not acted on: an SMSC that puts something odd there while it takes
    /// submits as usual would otherwise make a quiet session rebind after every keep-alive.
    mutating func enquireLinkResponseReceived(sequenceNumber: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        guard let pendingLink = enquireLink, pendingLink.sequenceNumber == sequenceNumber else {
            return .unexpectedResponse(sequenceNumber: sequenceNumber)
        }
        enquireLink = nil
        return .none
    }

    /// A request we do not handle (outbind, query_sm from the SMSC, an unknown command id): generic_nack.
    mutating func unsupportedRequestReceived(sequenceNumber: UInt32, now: NIODeadline) -> Action {
        lastReceived = now
        if isClosed { return .none }
        return .write(.genericNack(sequenceNumber: sequenceNumber, status: WireStatus.invalidCommandID))
    }

    /// A PDU that needs no answer and changes nothing (alert_notification): it only proves the link is alive.
    mutating func activityReceived(now: NIODeadline) {
        lastReceived = now
    }

    /// The bytes could not be framed or parsed: nothing on this connection can be trusted any more. A bad
    /// command_length is answered generic_nack ESME_RINVCMDLEN with sequence 0 first (reference/SMPP-3.4.md §1).
    mutating func protocolErrorOccurred(badCommandLength: Bool = false, now: NIODeadline) -> Action {
        if isClosed { return .none }
        let nack: OutboundPDU? = badCommandLength
            ? .genericNack(sequenceNumber: 0, status: WireStatus.invalidCommandLength) : nil
        return close(.protocolError, write: nack)
    }

    /// The connection went away.
    mutating func connectionClosed(now: NIODeadline) -> Action {
        switch state {
        case .closed: return .none
        case .connecting: return close(.connectFailed)
        case .unbinding: return close(.unbound)
        case .binding, .bound: return close(.connectionClosed)
        }
    }

    /// Moves to closed and collects what the handler must fail. The requests failed here (session lost: outcome
    /// unknown) are remembered as timed out: a response that still arrives before the connection is gone (the rest
    /// of a read, or during the TLS close) is then reported as their late outcome instead of dropped, so an
    /// accepted send's receipts still match.
    mutating func close(_ reason: SessionEndReason, write pdu: OutboundPDU? = nil) -> Action {
        state = .closed(reason)
        let removed = window.removeAll()
        for (sequenceNumber, entry) in removed {
            rememberTimedOut(entry.request, sequenceNumber: sequenceNumber, sentAt: entry.sentAt)
        }
        _ = inbound.removeAll()
        enquireLink = nil
        unbindWhenDrained = false
        recentAnswers.removeAll()
        return .close(reason, write: pdu, outstanding: removed.map { ($0.sequenceNumber, $0.entry.request) })
    }
}

/// An inbound request the application holds.
struct HeldInbound: Equatable {
    /// The token its answer must carry.
    var token: UInt64
    /// The body octets (after the 16-octet header), to tell a repeat from a different request on the same number.
    var body: [UInt8]
}
