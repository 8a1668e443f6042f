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

@Suite(.timeLimit(.minutes(1))) struct HTTPServerShutdownTests {
    @Test func gracefulShutdownAnswersARequestBeingReceivedWithConnectionCloseThenReturns() async throws {
        let (messages, continuation) = AsyncStream.makeStream(of: String.self)
        var logger = Logger(label: "http.test") { _ in HTTPSignallingLogHandler(continuation: continuation) }
        logger.logLevel = .trace
        let server = BridgeHTTPServer(host: "127.0.0.1", port: 0, registry: BridgeMetricsSetup().registry,
                                      readiness: { [] }, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                      logger: logger)
        let group = ServiceGroup(services: [server], logger: Logger(label: "group") { _ in SwiftLogNoOpLogHandler() })
        let running = Task { try await group.run() }
        let port = try await server.boundPort()
        var log = messages.makeAsyncIterator()

        try await HTTPTestStream.with(port: port) { stream in
            await stream.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab")
            while let message = await log.next(), message != "HTTP request head" {}
            await group.triggerGracefulShutdown()
            while let message = await log.next(), message != "HTTP connection quiescing" {}
            await stream.send("cde")
            let response = try #require(try await stream.response())
            #expect(response.status == 405)
            #expect(response.header("Connection") == "close")
            #expect(await stream.readToEnd().isEmpty)
        }
        try await running.value
        #expect(await httpConnectionRefused(port: port))
        continuation.finish()
    }
}
