import Logging
import Metrics
import NIOCore
import SMPP

/// How one connection binds.
enum SessionBindKind: String, Sendable {
    case transmitter = "tx"
    case receiver = "rx"
    case transceiver = "trx"

    var canSubmit: Bool { self != .receiver }
    var canReceive: Bool { self != .transmitter }

    /// The response that answers this kind of bind.
    var bindResponse: CommandID {
        switch self {
        case .transmitter: .bindTransmitterResp
        case .receiver: .bindReceiverResp
        case .transceiver: .bindTransceiverResp
        }
    }
}

/// What a session's end looked like, for the slot's reconnect decision.
struct SessionEnd: Sendable {
    var reason: SessionEndReason
    /// How long it had been bound; nil = never bound.
    var boundFor: TimeAmount?
    var wasBound: Bool { boundFor != nil }
}

/// The thin NIO side of one SMPP session: decodes PDUs, feeds them to ``SessionStateMachine`` with the current
/// time, and carries out the actions it returns. Keeps one scheduled callback for all of the machine's deadlines.
/// Sits after the TLS handler and a `ByteToMessageHandler(SMPPFrameDecoder)`.
final class SMPPSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Settings: Sendable {
        var slot: Int
        var kind: SessionBindKind
        var bind: BindRequest
        var host: String
        var port: Int
        var machine: SessionStateMachine<OutboundSubmit>.Configuration
    }

    let settings: Settings
    var machine: SessionStateMachine<OutboundSubmit>
    var logger: Logger
    let metrics: SMPPClientMetrics
    let occupancy: Gauge
    weak var delegate: (any SessionDelegate)?
    var handle: SessionHandle?
    let endPromise: EventLoopPromise<SessionEnd>

    var context: ChannelHandlerContext?
    var timer: Scheduled<Void>?
    var timerDeadline: NIODeadline?
    var inReadBatch = false
    var needsFlush = false
    var wasBound = false
    var endReason: SessionEndReason?
    var lastOccupancy = 0
    /// This session's submit counters by status, so the hot path takes no shared lock.
    var submitCounters: [UInt32: Counter] = [:]
    /// Whether each inbound request in flight was data_sm (true) or deliver_sm (false): its response differs.
    var inboundIsDataSM: [UInt32: Bool] = [:]
    /// Inbound requests refused on arrival, and those not answered in time: one warning per interval each.
    var refusalWarnings = ThrottledWarning()
    var expiryWarnings = ThrottledWarning()
    /// At most one refusal (or expiry) warning per session per interval.
    static let refusalWarningInterval: TimeAmount = .seconds(10)
    /// The responder of each inbound request the application holds: it decides whether the application's answer
    /// or ours (at the deadline) goes out.
    var inboundResponders: [UInt32: InboundResponder] = [:]

    init(settings: Settings, logger: Logger, metrics: SMPPClientMetrics, delegate: (any SessionDelegate)?,
         endPromise: EventLoopPromise<SessionEnd>, now: NIODeadline) {
        self.settings = settings
        self.machine = SessionStateMachine(configuration: settings.machine, canSubmit: settings.kind.canSubmit,
                                           canReceive: settings.kind.canReceive, now: now)
        var logger = logger
        logger[metadataKey: SMPPLogKey.session] = "\(settings.slot)"
        logger[metadataKey: SMPPLogKey.bindType] = "\(settings.kind.rawValue)"
        self.logger = logger
        self.metrics = metrics
        self.occupancy = metrics.windowOccupancy(session: settings.slot)
        self.delegate = delegate
        self.endPromise = endPromise
    }

    /// The event loop's clock (the embedded loop's in tests, so scheduled deadlines and `now` agree).
    var currentTime: NIODeadline { context?.eventLoop.now ?? .now() }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { becameActive(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ended(now: currentTime)
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        becameActive(context: context)
        context.fireChannelActive()
    }

    private func becameActive(context: ChannelHandlerContext) {
        guard case .connecting = machine.state else { return }
        let now = currentTime
        run(machine.connected(now: now), now: now)
        afterEvent(now: now)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended(now: currentTime)
        context.fireChannelInactive()
    }

    /// Fails what is left and reports the end, once.
    private func ended(now: NIODeadline) {
        run(machine.connectionClosed(now: now), now: now)
        timer?.cancel()
        timer = nil
        // afterEvent does not run after this: the window is empty now, and the gauge must say so.
        if lastOccupancy != 0 {
            lastOccupancy = 0
            occupancy.record(0)
        }
        let boundFor = wasBound ? machine.boundAt.map { now - $0 } ?? .zero : nil
        endPromise.succeed(SessionEnd(reason: endReason ?? .connectionClosed, boundFor: boundFor))
        // The handle holds this handler; letting go of it here breaks the cycle once the session is over.
        handle = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        // The frame as received (a copy-on-write view): an inbound request keeps its octets, an undecodable PDU
        // is read from it by hand.
        let raw = frame
        let now = currentTime
        inReadBatch = true
        do {
            let pdu = try PDU.decode(frame: &frame)
            logger.trace("received", metadata: [SMPPLogKey.pdu: "\(PDUTrace(pdu))"])
            dispatch(pdu, raw: raw, now: now)
        } catch {
            decodeFailed(error, raw: raw, now: now)
        }
        afterEvent(now: now)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBatch = false
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let now = currentTime
        if !machine.isClosed {
            logger.warning("session error, closing", metadata: [SMPPLogKey.error: "\(error)"])
        }
        let reason: SessionEndReason = error is ByteToMessageDecoderError || error is SMPPDecodeError
            ? .protocolError : .connectionClosed
        if reason == .protocolError {
            let badLength = (error as? SMPPDecodeError)?.code == .invalidCommandLength
            run(machine.protocolErrorOccurred(badCommandLength: badLength, now: now), now: now)
        } else {
            run(machine.connectionClosed(now: now), now: now)
        }
        context.close(promise: nil)
    }

    // MARK: Operations from the pool (on the event loop)

    /// The pool has requests: pull what the machine allows; if it allows none now, let another idle session
    /// have the wake-up.
    func woken() {
        let now = currentTime
        if !afterEvent(now: now), let handle {
            delegate?.passWake(from: handle)
        }
    }

    func shutdown() {
        let now = currentTime
        run(machine.shutdownRequested(now: now), now: now)
        afterEvent(now: now)
    }

    func closeNow() {
        let now = currentTime
        run(machine.connectionClosed(now: now), now: now)
        afterEvent(now: now)
    }

    /// The application's answers to inbound requests, in order; written together, flushed once.
    func answerInbound(_ answers: [InboundAnswer]) {
        let now = currentTime
        for answer in answers {
            let action = machine.inboundAnswered(
                sequenceNumber: answer.sequenceNumber, status: answer.status, token: answer.token, now: now)
            guard case .write(let response) = action else {
                // Expired, superseded or ended meanwhile: that path has settled it already (then this does nothing).
                answer.responder.abandon()
                continue
            }
            inboundResponders.removeValue(forKey: answer.sequenceNumber)
            write(response, then: answer.responder.settle()?.report)
        }
        afterEvent(now: now)
    }

    func timerFired() {
        timer = nil
        timerDeadline = nil
        let now = currentTime
        for action in machine.timerFired(now: now) { run(action, now: now) }
        afterEvent(now: now)
    }
}

/// A warning said at most once per interval, with how many times it happened since the last one said.
struct ThrottledWarning {
    private var sinceWarning = 0
    private var lastWarning: NIODeadline?

    /// Counts one occurrence at `now`: the count to report when a warning is due (the first, or the first after
    /// `interval`), else nil (say it at debug).
    mutating func occurred(now: NIODeadline, interval: TimeAmount) -> Int? {
        sinceWarning += 1
        if let lastWarning, now - lastWarning < interval { return nil }
        defer {
            sinceWarning = 0
            lastWarning = now
        }
        return sinceWarning
    }
}
