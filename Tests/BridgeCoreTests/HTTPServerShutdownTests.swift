import BridgeCore
import Logging
import NIOPosix
import ServiceLifecycle
import Testing

/// Forwards every log message to a stream, so a test can wait for the server to reach a point.
struct HTTPSignallingLogHandler: LogHandler {
    let continuation: AsyncStream<String>.Continuation
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        continuation.yield(event.message.description)
    }
}

/// A server running in a service group, with its log messages to wait on.
struct LoggedHTTPServer {
    let group: ServiceGroup
    let running: Task<Void, any Error>
    let port: Int
    var log: AsyncStream<String>.Iterator
    let continuation: AsyncStream<String>.Continuation

    static func start() async throws -> LoggedHTTPServer {
        let (messages, continuation) = AsyncStream.makeStream(of: String.self)
        var logger = Logger(label: "http.test") { _ in HTTPSignallingLogHandler(continuation: continuation) }
        logger.logLevel = .trace
        let server = BridgeHTTPServer(host: "127.0.0.1", port: 0, registry: BridgeMetricsSetup().registry,
                                      readiness: { [] }, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                      logger: logger)
        let group = ServiceGroup(services: [server], logger: Logger(label: "group") { _ in SwiftLogNoOpLogHandler() })
        let running = Task { try await group.run() }
        let port = try await server.boundPort()
        return LoggedHTTPServer(
            group: group, running: running, port: port, log: messages.makeAsyncIterator(), continuation: continuation)
    }

    /// Waits until the server logs `message`.
    mutating func waitFor(_ message: String) async {
        while let next = await log.next(), next != message {}
    }
}

@Suite(.timeLimit(.minutes(1))) struct HTTPServerShutdownTests {
    @Test func gracefulShutdownAnswersARequestBeingReceivedWithConnectionCloseThenReturns() async throws {
        var server = try await LoggedHTTPServer.start()
        try await HTTPTestStream.with(port: server.port) { stream in
            await stream.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab")
            await server.waitFor("HTTP request head")
            await server.group.triggerGracefulShutdown()
            await server.waitFor("HTTP connection quiescing")
            await stream.send("cde")
            let response = try #require(try await stream.response())
            #expect(response.status == 405)
            #expect(response.header("Connection") == "close")
            #expect(await stream.readToEnd().isEmpty)
        }
        try await server.running.value
        #expect(await httpConnectionRefused(port: server.port))
        server.continuation.finish()
    }

    /// A client that never finishes its request holds the graceful shutdown for the grace period (2 s), not for the
    /// rest of its idle timeout (30 s).
    @Test func gracefulShutdownDoesNotWaitOutAClientThatNeverFinishesItsRequest() async throws {
        var server = try await LoggedHTTPServer.start()
        try await HTTPTestStream.with(port: server.port) { stream in
            await stream.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab")
            await server.waitFor("HTTP request head")
            let clock = ContinuousClock()
            let started = clock.now
            await server.group.triggerGracefulShutdown()
            try await server.running.value
            #expect(clock.now - started < .seconds(15), "stopped after the grace, not the 30 s idle timeout")
        }
        server.continuation.finish()
    }
}
