import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import SMPP

@testable import SMPPNIO

/// Records what a session reports, and stands in for the pool's queue, for handler tests on an EmbeddedChannel.
final class RecordingDelegate: SessionDelegate, @unchecked Sendable {
    var bound: [Int] = []
    var ended: [(SessionEndReason, Bool)] = []
    var inbound: [SMPPInboundMessage] = []
    var late: [LateSubmitOutcome] = []
    /// The pool's queue: the session pulls from the front.
    var waiting: [OutboundSubmit] = []
    var idle = false
    var passedWakes = 0

    func sessionBound(_ handle: SessionHandle) { bound.append(handle.slot) }
    func sessionEnded(_ handle: SessionHandle, reason: SessionEndReason, wasBound: Bool) {
        ended.append((reason, wasBound))
    }
    func nextRequest(for handle: SessionHandle) -> OutboundSubmit? {
        while !waiting.isEmpty {
            let request = waiting.removeFirst()
            if request.promise.claimForSending() { return request }
        }
        idle = true
        return nil
    }
    func passWake(from handle: SessionHandle) { passedWakes += 1 }
    func inboundReceived(_ message: SMPPInboundMessage) { inbound.append(message) }
    func lateOutcome(_ outcome: LateSubmitOutcome) { late.append(outcome) }
}

/// Collects submit results.
final class ResultBox: Sendable {
    let results = NIOLockedValueBox<[Result<SubmitOutcome, SMPPClientError>]>([])
    var all: [Result<SubmitOutcome, SMPPClientError>] { results.withLockedValue { $0 } }
    func promise() -> SubmitPromise { SubmitPromise { result in self.results.withLockedValue { $0.append(result) } } }
}

/// One handler on an EmbeddedChannel, driven at the PDU level.
struct HandlerHarness {
    let channel = EmbeddedChannel()
    let delegate = RecordingDelegate()
    let handler: SMPPSessionHandler
    let handle: SessionHandle
    let endPromise: EventLoopPromise<SessionEnd>
    var loop: EmbeddedEventLoop { channel.embeddedEventLoop }

    init(kind: SessionBindKind = .transceiver, window: Int = 2, maxInbound: Int = 4,
         metrics: SMPPClientMetrics = SMPPClientMetrics(), logger: Logger = Logger(label: "test")) throws {
        var machine = SessionStateMachine<OutboundSubmit>.Configuration()
        machine.window = window
        machine.responseTimeout = .seconds(5)
        machine.enquireLinkInterval = .seconds(30)
        machine.bindTimeout = .seconds(10)
        machine.unbindTimeout = .seconds(2)
        machine.inboundResponseTimeout = .seconds(3)
        machine.maxInboundInFlight = maxInbound
        let settings = SMPPSessionHandler.Settings(
            slot: 0, kind: kind, bind: BindRequest(systemID: "acme", password: "secret"), host: "127.0.0.1",
            port: 2775, machine: machine)
        endPromise = channel.eventLoop.makePromise(of: SessionEnd.self)
        handler = SMPPSessionHandler(settings: settings, logger: logger, metrics: metrics,
                                     delegate: delegate, endPromise: endPromise, now: channel.embeddedEventLoop.now)
        handle = SessionHandle(slot: 0, canSubmit: kind.canSubmit, handler: handler, eventLoop: channel.eventLoop)
        handler.handle = handle
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMPPFrameDecoder()))
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    func connect() throws {
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2775)).wait()
    }

    /// The next PDU the handler wrote, or nil.
    func written() throws -> PDU? {
        guard var buffer = try channel.readOutbound(as: ByteBuffer.self) else { return nil }
        return try PDU.decode(frame: &buffer)
    }

    /// Every PDU written so far.
    func allWritten() throws -> [PDU] {
        var pdus: [PDU] = []
        while let pdu = try written() { pdus.append(pdu) }
        return pdus
    }

    /// Feeds a PDU from the "SMSC".
    func receive(_ body: PDUBody, sequenceNumber: UInt32, status: CommandStatus = .ok) throws {
        var buffer = ByteBuffer()
        try PDU(body, sequenceNumber: sequenceNumber, commandStatus: status).encode(into: &buffer)
        try channel.writeInbound(buffer)
    }

    /// Connects and answers the bind with ESME_ROK.
    func bind() throws {
        try connect()
        _ = try written()
        try receive(.bindTransceiverResp(BindResponse(systemID: "SMSC")), sequenceNumber: 1)
    }

    /// A submit_sm encoded the way `SMPPClient.submit` encodes it (sequence 0).
    func submit(_ text: String, results: ResultBox, tag: UInt64 = 0) throws {
        var buffer = ByteBuffer()
        let body = SubmitSM(destination: Address(ton: 1, npi: 1, address: "573001234567"),
                            shortMessage: Array(text.utf8))
        try PDU(.submitSM(body), sequenceNumber: 0).encode(into: &buffer)
        delegate.waiting.append(OutboundSubmit(encoded: buffer, commandName: "submit_sm", promise: results.promise(),
                                               tag: tag))
        handle.wake()
        loop.run()
    }

    /// Feeds raw octets from the "SMSC" (a PDU the codec would not produce).
    func receiveRaw(_ octets: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: octets))
    }
}
