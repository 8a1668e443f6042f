import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

/// A BridgeHTTPServer on 127.0.0.1, port 0, run in a ServiceGroup.
struct RunningHTTPServer {
    let server: BridgeHTTPServer
    let group: ServiceGroup
    let running: Task<Void, any Error>
    let port: Int

    static func start(setup: BridgeMetricsSetup = BridgeMetricsSetup(),
                      limits: BridgeHTTPServer.Limits = .init(),
                      readiness: @escaping @Sendable () -> [ReadinessCheck] = { [] },
                      eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws
        -> RunningHTTPServer
    {
        var logger = Logger(label: "http.test")
        logger.logLevel = .warning
        let server = BridgeHTTPServer(host: "127.0.0.1", port: 0, registry: setup.registry, readiness: readiness,
                                      eventLoopGroup: eventLoopGroup, logger: logger, limits: limits)
        let group = ServiceGroup(services: [server], logger: logger)
        let running = Task { try await group.run() }
        let port = try await server.boundPort()
        return RunningHTTPServer(server: server, group: group, running: running, port: port)
    }

    /// Graceful shutdown; returns when run() has returned.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }
}

@Suite(.timeLimit(.minutes(1))) struct HTTPServerTests {
    @Test func healthzAnswersOK() async throws {
        let http = try await RunningHTTPServer.start()
        let response = try await HTTPTestStream.with(port: http.port) { try await $0.get("/healthz") }
        #expect(response?.status == 200)
        #expect(response?.text == "ok\n")
        #expect(response?.header("Content-Type") == "text/plain; charset=utf-8")
        try await http.stop()
    }

    struct ReadyBody: Decodable, Equatable {
        struct Check: Decodable, Equatable {
            var name: String
            var ok: Bool
            var detail: String
        }
        var ready: Bool
        var checks: [Check]
    }

    @Test func readyzIs200WhenEveryCheckPassesAnd503Otherwise() async throws {
        let brokerUp = NIOLockedValueBox(true)
        let http = try await RunningHTTPServer.start(readiness: {
            let up = brokerUp.withLockedValue { $0 }
            return [ReadinessCheck(name: "broker", ok: up, detail: up ? "connected" : "connection refused \"x\""),
                    ReadinessCheck(name: "smpp", ok: true, detail: "2 of 2 sessions bound")]
        })
        try await HTTPTestStream.with(port: http.port) { stream in
            let ready = try #require(try await stream.get("/readyz"))
            #expect(ready.status == 200)
            #expect(ready.header("Content-Type") == "application/json")
            let body = try JSONDecoder().decode(ReadyBody.self, from: Data(ready.body))
            #expect(body == ReadyBody(ready: true, checks: [
                .init(name: "broker", ok: true, detail: "connected"),
                .init(name: "smpp", ok: true, detail: "2 of 2 sessions bound"),
            ]))

            brokerUp.withLockedValue { $0 = false }
            let notReady = try #require(try await stream.get("/readyz"))
            #expect(notReady.status == 503)
            let notReadyBody = try JSONDecoder().decode(ReadyBody.self, from: Data(notReady.body))
            #expect(notReadyBody == ReadyBody(ready: false, checks: [
                .init(name: "broker", ok: false, detail: "connection refused \"x\""),
                .init(name: "smpp", ok: true, detail: "2 of 2 sessions bound"),
            ]))
        }
        try await http.stop()
    }

    @Test func metricsShowsCounterGaugeAndTimerMadeThroughTheFactory() async throws {
        let setup = BridgeMetricsSetup()
        setup.factory.makeCounter(label: "bridge_requests_total", dimensions: [("outcome", "accepted")])
            .increment(by: 3)
        setup.factory.makeRecorder(label: "smpp_window_occupancy", dimensions: [("session", "0")], aggregate: false)
            .record(Int64(7))
        setup.factory.makeTimer(label: "bridge_submit_seconds", dimensions: [("bind", "trx")])
            .recordNanoseconds(2_000_000)
        let http = try await RunningHTTPServer.start(setup: setup)
        let response = try #require(try await HTTPTestStream.with(port: http.port) { try await $0.get("/metrics") })
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let lines = Set(response.text.split(separator: "\n").map(String.init))
        #expect(lines.contains("# TYPE bridge_requests_total counter"))
        #expect(lines.contains(#"bridge_requests_total{outcome="accepted"} 3"#))
        #expect(lines.contains("# TYPE smpp_window_occupancy gauge"))
        #expect(lines.contains(#"smpp_window_occupancy{session="0"} 7.0"#))
        #expect(lines.contains("# TYPE bridge_submit_seconds histogram"))
        #expect(lines.contains(#"bridge_submit_seconds_bucket{bind="trx",le="0.001"} 0"#))
        #expect(lines.contains(#"bridge_submit_seconds_bucket{bind="trx",le="0.0025"} 1"#))
        #expect(lines.contains(#"bridge_submit_seconds_bucket{bind="trx",le="30.0"} 1"#))
        #expect(lines.contains(#"bridge_submit_seconds_count{bind="trx"} 1"#))
        try await http.stop()
    }

    @Test func unknownPathIs404NonGetIs405AndTheConnectionStaysOpen() async throws {
        let http = try await RunningHTTPServer.start()
        try await HTTPTestStream.with(port: http.port) { stream in
            let missing = try #require(try await stream.get("/nope"))
            #expect(missing.status == 404)
            await stream.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            let post = try #require(try await stream.response())
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET")
            await stream.send("DELETE /nope HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await stream.response()?.status == 404)
            let health = try #require(try await stream.get("/healthz?verbose=1"))
            #expect(health.status == 200)
            #expect(health.header("Connection") == nil)
        }
        try await http.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let http = try await RunningHTTPServer.start()
        try await HTTPTestStream.with(port: http.port) { stream in
            await stream.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(try await stream.response()?.status == 404)
            #expect(try await stream.response()?.status == 200)
            let last = try #require(try await stream.response())
            #expect(last.status == 200)
            #expect(last.header("Connection") == "close")
            #expect(await stream.readToEnd().isEmpty)
        }
        try await http.stop()
    }

    @Test func http10WithoutKeepAliveIsClosedAfterTheResponse() async throws {
        let http = try await RunningHTTPServer.start()
        try await HTTPTestStream.with(port: http.port) { stream in
            await stream.send("GET /healthz HTTP/1.0\r\n\r\n")
            let response = try #require(try await stream.response())
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(await stream.readToEnd().isEmpty)
            #expect(stream.closed)
        }
        try await http.stop()
    }
}
