import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy on 127.0.0.1 that can freeze the connections it carries: bytes still arrive and are acknowledged by
/// the kernel, but nothing is forwarded either way any more — what a client sees of a server whose host vanished
/// without a reset (a half-open socket) or froze. Connections made after the freeze pass. For tests only.
final class FreezingTCPProxy: Sendable {
    /// Forwards what one side reads to its peer channel, unless the connection is frozen.
    private final class Forwarder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let frozen: Synchronization.Atomic<Bool>
        let peer: Mutex<(any Channel)?> = Mutex(nil)

        init(frozen: Bool = false) { self.frozen = Synchronization.Atomic(frozen) }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !frozen.load(ordering: .relaxed), let peer = peer.withLock({ $0 }) else { return }
            peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer.withLock { $0 }?.close(promise: nil)
        }
    }

    /// The port the proxy listens on (127.0.0.1).
    let port: Int
    private let listener: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let forwarders = NIOLockedValueBox<[Forwarder]>([])

    init(upstreamPort: Int) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let forwarders = self.forwarders
        self.group = group
        listener = try await ServerBootstrap(group: group)
            .childChannelOption(.autoRead, value: true)
            .childChannelInitializer { inbound in
                let fromClient = Forwarder(), fromServer = Forwarder()
                forwarders.withLockedValue { $0 += [fromClient, fromServer] }
                return ClientBootstrap(group: inbound.eventLoop)
                    .channelInitializer { $0.pipeline.addHandler(fromServer) }
                    .connect(host: "127.0.0.1", port: upstreamPort)
                    .flatMap { outbound in
                        fromClient.peer.withLock { $0 = outbound }
                        fromServer.peer.withLock { $0 = inbound }
                        return inbound.pipeline.addHandler(fromClient)
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = listener.localAddress?.port ?? 0
    }

    /// Freezes every connection open now; returns how many.
    @discardableResult
    func freezeAll() -> Int {
        let frozen = forwarders.withLockedValue { forwarders in
            defer { forwarders = [] }
            return forwarders
        }
        for forwarder in frozen { forwarder.frozen.store(true, ordering: .relaxed) }
        return frozen.count / 2
    }

    /// Closes the listener and every connection.
    func stop() async {
        try? await listener.close()
        try? await group.shutdownGracefully()
    }
}
