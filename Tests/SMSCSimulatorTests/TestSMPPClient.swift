import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SMPP

/// A deliberately small raw SMPP client for loopback tests: it writes whatever PDU or bytes a test gives it and
/// hands back every frame it receives, so the tests see the simulator's wire behaviour unfiltered.
final class TestSMPPClient: Sendable {
    enum Event: Sendable {
        case pdu(PDU)
        case undecodable([UInt8])
        case closed
    }

    struct Timeout: Error {}

    private let channel: any Channel
    private let mailbox: Mailbox
    private let sequence = NIOLockedValueBox<UInt32>(1)

    private init(channel: any Channel, mailbox: Mailbox) {
        self.channel = channel
        self.mailbox = mailbox
    }

    /// Connects to `address`, over TLS trusting the test CA when `tls` is true.
    static func connect(to address: SocketAddress, tls: Bool, clientCertificate: (certificate: String, key: String)? = nil,
                        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> TestSMPPClient {
        let mailbox = Mailbox()
        let sslContext: NIOSSLContext? = try tls ? {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(CertificatePaths.ca)
            configuration.minimumTLSVersion = .tlsv12
            if let clientCertificate {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificate.certificate).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientCertificate.key, format: .pem))
            }
            return try NIOSSLContext(configuration: configuration)
        }() : nil
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: "localhost"))
                    }
                    try sync.addHandler(ByteToMessageHandler(SMPPFrameDecoder()))
                    try sync.addHandler(Collector(mailbox: mailbox))
                }
            }
            .connect(to: address)
            .get()
        return TestSMPPClient(channel: channel, mailbox: mailbox)
    }

    /// The next sequence number for a request.
    func nextSequence() -> UInt32 {
        sequence.withLockedValue { value in
            defer { value += 1 }
            return value
        }
    }

    func send(_ pdu: PDU) async throws {
        try await channel.writeAndFlush(try pdu.encoded(allocator: channel.allocator))
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
    }

    /// Sends a request with a fresh sequence number and returns that number.
    @discardableResult
    func request(_ body: PDUBody) async throws -> UInt32 {
        let seq = nextSequence()
        try await send(PDU(body, sequenceNumber: seq))
        return seq
    }

    /// The next event, or `Timeout` when none comes within `timeout`.
    func next(timeout: Duration = .seconds(10)) async throws -> Event {
        let (seconds, attoseconds) = timeout.components
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return try await mailbox.next(timeout: amount, loop: channel.eventLoop)
    }

    /// The next PDU; fails on a close or an undecodable frame.
    func nextPDU(timeout: Duration = .seconds(10)) async throws -> PDU {
        switch try await next(timeout: timeout) {
        case .pdu(let pdu): return pdu
        case .closed: throw UnexpectedEvent(description: "connection closed")
        case .undecodable(let bytes): throw UnexpectedEvent(description: "undecodable frame \(bytes)")
        }
    }

    /// Binds and returns the bind response.
    func bind(_ kind: BindKind = .transceiver, systemID: String = "acme", password: String = "secret") async throws -> PDU {
        let credentials = BindRequest(systemID: systemID, password: password)
        let body: PDUBody
        switch kind {
        case .transmitter: body = .bindTransmitter(credentials)
        case .receiver: body = .bindReceiver(credentials)
        case .transceiver: body = .bindTransceiver(credentials)
        }
        try await request(body)
        return try await nextPDU()
    }

    enum BindKind { case transmitter, receiver, transceiver }

    func close() async {
        try? await channel.close()
    }

    struct UnexpectedEvent: Error, CustomStringConvertible {
        var description: String
    }
}

/// Events waiting for the test, and at most one test waiting for an event. A timeout removes the waiter under
/// the lock, so each promise completes once and no event is lost.
final class Mailbox: Sendable {
    private struct State {
        var events: [TestSMPPClient.Event] = []
        var waiter: (id: UInt64, promise: EventLoopPromise<TestSMPPClient.Event>)?
        var nextID: UInt64 = 0
    }
    private let state = NIOLockedValueBox(State())

    func push(_ event: TestSMPPClient.Event) {
        let waiter = state.withLockedValue { state -> EventLoopPromise<TestSMPPClient.Event>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter.promise
            }
            state.events.append(event)
            return nil
        }
        waiter?.succeed(event)
    }

    func next(timeout: TimeAmount, loop: any EventLoop) async throws -> TestSMPPClient.Event {
        let promise = loop.makePromise(of: TestSMPPClient.Event.self)
        let id = state.withLockedValue { state -> UInt64? in
            if !state.events.isEmpty {
                promise.succeed(state.events.removeFirst())
                return nil
            }
            state.nextID += 1
            state.waiter = (state.nextID, promise)
            return state.nextID
        }
        if let id {
            loop.scheduleTask(in: timeout) { [state] in
                let expired = state.withLockedValue { state -> Bool in
                    guard state.waiter?.id == id else { return false }
                    state.waiter = nil
                    return true
                }
                if expired { promise.fail(TestSMPPClient.Timeout()) }
            }
        }
        return try await promise.futureResult.get()
    }
}

/// Forwards decoded frames to the test's mailbox.
private final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let mailbox: Mailbox

    init(mailbox: Mailbox) {
        self.mailbox = mailbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        let bytes = frame.getBytes(at: frame.readerIndex, length: frame.readableBytes) ?? []
        if let pdu = try? PDU.decode(frame: &frame) {
            mailbox.push(.pdu(pdu))
        } else {
            mailbox.push(.undecodable(bytes))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        mailbox.push(.closed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
