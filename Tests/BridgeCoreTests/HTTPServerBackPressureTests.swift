@testable import BridgeCore
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A client that pipelines requests and never reads its responses: the server stops reading once the connection is
/// not writable (one parked response, not a write buffer growing with every request) and closes the connection at
/// its idle deadline; a `Connection: close` response that cannot be flushed ends at that deadline too.
@Suite(.timeLimit(.minutes(1))) struct HTTPServerBackPressureTests {
    @Test func aClientThatPipelinesAndNeverReadsIsClosedAtItsDeadline() async throws {
        // Large responses, few requests: /metrics of 1 500 labelled gauges is about 200 KB, so 100 of them are far
        // beyond the socket buffers while the server renders only the few that fit before it stops (tens of
        // thousands of small responses kept a loop busy for seconds in a debug build, beside other tests). Its own
        // event loop all the same.
        let setup = Self.largeMetrics()
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let http = try await RunningHTTPServer.start(
            setup: setup, limits: .init(idleTimeout: .seconds(1)), eventLoopGroup: loops)
        let client = try NonReadingClient(port: http.port)
        #expect(try await eventually(timeout: .seconds(10)) { http.server.connections.count == 1 }, "accepted")
        let request = Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        var bytes = [UInt8]()
        for _ in 0..<99 { bytes += request }
        bytes += Array("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)
        let sent = await client.send(bytes, giveUpAfter: .seconds(3))
        // Before the fix the server answered every request into its write buffer, and the final close waited for a
        // flush that never came: the connection stayed open.
        let closed = try await eventually(timeout: .seconds(20)) { http.server.connections.count == 0 }
        #expect(closed, "the connection is closed at its deadline (sent \(sent) of \(bytes.count) bytes)")
        client.close()
        try await http.stop()
        try await loops.shutdownGracefully()
    }

    /// A connected EmbeddedChannel with the server's connection pipeline, not writable.
    static func unwritableConnection(limits: BridgeHTTPServer.Limits) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let responder = HTTPResponder(registry: BridgeMetricsSetup().registry, readiness: { [] })
        try BridgeHTTPServer.configureConnection(
            channel.pipeline.syncOperations, responder: responder, limits: limits,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        return channel
    }

    /// The connection's own pipeline on an EmbeddedChannel: while it is not writable, a due response waits (and
    /// the requests pipelined behind it with it); once writable, both go out in order.
    @Test func aResponseWaitsWhileTheConnectionIsNotWritable() throws {
        let channel = try Self.unwritableConnection(limits: .init())
        try channel.writeInbound(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "nothing written while not writable")
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        var written = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { written += String(buffer: buffer) }
        let first = try #require(written.range(of: "HTTP/1.1 200 OK"))
        let second = try #require(written.range(of: "HTTP/1.1 404 Not Found"))
        #expect(first.lowerBound < second.lowerBound)
        _ = try? channel.finish()
    }

    /// A `Connection: close` response the client never reads is not waited for beyond the idle timeout (the close
    /// waited for a flush that never came), and graceful shutdown does not wait for it at all.
    @Test func anUnreadCloseResponseEndsAtTheDeadlineOrAtShutdown() throws {
        for atShutdown in [false, true] {
            let channel = try Self.unwritableConnection(limits: .init(idleTimeout: .seconds(1)))
            try channel.writeInbound(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            #expect(channel.isActive)
            if atShutdown {
                channel.pipeline.fireUserInboundEventTriggered(HTTPServerQuiesceEvent())
            } else {
                channel.embeddedEventLoop.advanceTime(to: .now() + .milliseconds(500))
                #expect(channel.isActive, "not before the deadline")
                channel.embeddedEventLoop.advanceTime(to: .now() + .seconds(2))
            }
            #expect(!channel.isActive, atShutdown ? "closed at shutdown" : "closed at the idle deadline")
            _ = try? channel.finish()
        }
    }
}

extension HTTPServerBackPressureTests {
    /// /metrics of about 200 KB: 1 500 labelled gauges.
    static func largeMetrics() -> BridgeMetricsSetup {
        let setup = BridgeMetricsSetup()
        for index in 0..<1_500 {
            setup.factory.makeRecorder(
                label: "test_filler_gauge",
                dimensions: [("index", "\(index)"), ("padding", String(repeating: "p", count: 80))], aggregate: false)
            .record(Int64(1))
        }
        return setup
    }

    /// A request answered at a graceful shutdown (`Connection: close`) that the client does not read ends after the
    /// shutdown's grace, not after the idle timeout (30 s here).
    @Test func anUnreadResponseAtShutdownEndsAfterTheGrace() throws {
        let channel = try Self.unwritableConnection(limits: .init(idleTimeout: .seconds(30)))
        try channel.writeInbound(ByteBuffer(string: "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\na"))
        channel.pipeline.fireUserInboundEventTriggered(HTTPServerQuiesceEvent())
        try channel.writeInbound(ByteBuffer(string: "b"))
        #expect(channel.isActive, "answered, the response parked")
        channel.embeddedEventLoop.advanceTime(to: .now() + .seconds(3))
        #expect(!channel.isActive, "closed after the grace")
        _ = try? channel.finish()
    }

    /// A kept-alive response whose write has not completed (the client reads slowly) is not yet idle: a newcomer at
    /// the connection limit does not replace its connection and cut the response short. Idle once written.
    @Test func aConnectionIsIdleOnlyOnceItsResponseIsWritten() throws {
        let channel = EmbeddedChannel()
        let held = HeldWrites()
        try channel.pipeline.syncOperations.addHandler(held)
        let connections = HTTPConnectionSet(limit: 2)
        #expect(connections.insert(channel))
        try BridgeHTTPServer.configureConnection(
            channel.pipeline.syncOperations, responder: HTTPResponder(registry: BridgeMetricsSetup().registry, readiness: { [] }),
            limits: .init(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            connections: connections)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(connections.idleCount == 0, "the response is not written yet")
        held.release()
        #expect(connections.idleCount == 1, "written: waiting for the next request")
        _ = try? channel.finish()
    }
}

/// Holds every write's promise until ``release()``: a socket that has not taken the bytes yet.
private final class HeldWrites: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    private var promises: [EventLoopPromise<Void>] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let own = context.eventLoop.makePromise(of: Void.self)
        if let promise { own.futureResult.cascade(to: promise) }
        promises.append(own)
        context.write(data, promise: nil)
    }

    func release() {
        for promise in promises { promise.succeed() }
        promises = []
    }
}

/// A plain TCP client with a 4 KiB receive buffer that writes without blocking and never reads.
private struct NonReadingClient {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var size: Int32 = 4096
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Writes as much of `bytes` as the peer takes until it is all sent or nothing more went out for `giveUpAfter`;
    /// returns how many bytes went out.
    func send(_ bytes: [UInt8], giveUpAfter limit: Duration) async -> Int {
        var offset = 0
        var lastProgress = ContinuousClock.now
        while offset < bytes.count, ContinuousClock.now - lastProgress < limit {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                offset += written
                lastProgress = .now
            } else if written < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                break
            } else {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return offset
    }

    func close() {
        Glibc.close(descriptor)
    }
}
