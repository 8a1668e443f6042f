import BridgeCore
import Logging
import NIOPosix
import ServiceLifecycle
import Testing

/// Starting, failing to start, and stopping the endpoint.
@Suite(.timeLimit(.minutes(1))) struct HTTPServerLifecycleTests {
    @Test func gracefulShutdownReturnsFromRunAndClosesTheListenerAndIdleConnections() async throws {
        let http = try await RunningHTTPServer.start()
        let port = http.port
        try await HTTPTestStream.with(port: port) { stream in
            #expect(try await stream.get("/healthz")?.status == 200)
            try await http.stop()  // returns only once run() has returned
            #expect(await stream.readToEnd().isEmpty)
            #expect(stream.closed)
        }
        #expect(await httpConnectionRefused(port: port))
        #expect(try await http.server.boundPort() == port)
    }

    @Test func cancellationReturnsFromRunAndClosesTheListener() async throws {
        let server = makeServer(port: 0)
        let running = Task { try await server.run() }
        let port = try await server.boundPort()
        #expect(try await HTTPTestStream.with(port: port) { try await $0.get("/healthz") }?.status == 200)
        running.cancel()
        try await running.value
        #expect(await httpConnectionRefused(port: port))
    }

    @Test func aPortInUseIsABindErrorFromRunAndFromBoundPort() async throws {
        let http = try await RunningHTTPServer.start()
        let second = makeServer(port: http.port)
        await #expect(throws: BridgeHTTPServerError.self) { try await second.run() }
        do {
            _ = try await second.boundPort()
            Issue.record("boundPort() returned for a server that never listened")
        } catch let error as BridgeHTTPServerError {
            #expect(error.code == .bindFailed)
            #expect(error.address == "127.0.0.1:\(http.port)")
        }
        try await http.stop()
    }

    @Test func runTwiceIsRefused() async throws {
        let server = makeServer(port: 0)
        let running = Task { try await server.run() }
        _ = try await server.boundPort()
        do {
            try await server.run()
            Issue.record("a second run() succeeded")
        } catch let error as BridgeHTTPServerError {
            #expect(error.code == .alreadyStarted)
        }
        running.cancel()
        try await running.value
    }

    @Test func boundPortWaitsForRunAndHonoursCancellation() async throws {
        let server = makeServer(port: 0)
        let waiting = Task { try await server.boundPort() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }

        let waiter = Task { try await server.boundPort() }
        let running = Task { try await server.run() }
        let port = try await waiter.value
        #expect(port > 0)
        running.cancel()
        try await running.value
    }

    private func makeServer(port: Int) -> BridgeHTTPServer {
        var logger = Logger(label: "http.test")
        logger.logLevel = .critical
        return BridgeHTTPServer(host: "127.0.0.1", port: port, registry: BridgeMetricsSetup().registry,
                                readiness: { [] }, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                logger: logger)
    }
}
