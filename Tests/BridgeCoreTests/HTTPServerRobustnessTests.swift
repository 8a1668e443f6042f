@testable import BridgeCore
import NIOCore
import Testing

/// Hostile and careless clients: the server answers 400 or closes, and keeps serving everyone else.
@Suite(.timeLimit(.minutes(1))) struct HTTPServerRobustnessTests {
    /// The server still answers a fresh connection.
    private func stillServes(_ http: RunningHTTPServer) async throws {
        let response = try await HTTPTestStream.with(port: http.port) { try await $0.get("/healthz") }
        #expect(response?.status == 200)
    }

    @Test func garbageIsAnswered400AndTheConnectionClosed() async throws {
        let http = try await RunningHTTPServer.start()
        let garbage: [UInt8] = [0x00, 0xFF, 0x13, 0x37] + Array("\r\n\u{7}junk junk\r\n\r\n".utf8) + (0..<200).map {
            UInt8(truncatingIfNeeded: $0 &* 37)
        }
        let received = try await HTTPTestStream.with(port: http.port) { stream in
            await stream.send(garbage)
            return await stream.readToEnd()
        }
        let response = try #require(try HTTPTestStream.parse(received)?.0)
        #expect(response.status == 400)
        #expect(response.header("Connection") == "close")
        try await stillServes(http)
        try await http.stop()
    }

    @Test func oneMegabyteRequestLineIsRefusedWithoutCrashing() async throws {
        let http = try await RunningHTTPServer.start()
        let received = try await HTTPTestStream.with(port: http.port) { stream in
            let line = "GET /" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\nHost: x\r\n\r\n"
            await stream.send(line)  // may fail half-way: the server closes as soon as the head is too long
            return await stream.readToEnd()
        }
        // Either the 400 made it, or the close reset the connection first; never a 200.
        if let response = try HTTPTestStream.parse(received)?.0 {
            #expect(response.status == 400)
        }
        try await stillServes(http)
        try await http.stop()
    }

    @Test func headersOverTheLimitAreRefused() async throws {
        let http = try await RunningHTTPServer.start(limits: .init(maximumHeaderBytes: 1024))
        let received = try await HTTPTestStream.with(port: http.port) { stream in
            let headers = (0..<40).map { "X-Filler-\($0): \(String(repeating: "v", count: 40))\r\n" }.joined()
            await stream.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\(headers)\r\n")
            return await stream.readToEnd()
        }
        #expect(try HTTPTestStream.parse(received)?.0.status == 400)
        // Just under the limit is fine.
        let small = try await HTTPTestStream.with(port: http.port) { stream in
            await stream.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: \(String(repeating: "v", count: 800))\r\n\r\n")
            return try await stream.response()
        }
        #expect(small?.status == 200)
        try await http.stop()
    }

    @Test func clientDisconnectingMidRequestLeavesTheServerServing() async throws {
        let http = try await RunningHTTPServer.start()
        for partial in ["GET /heal", "GET /healthz HTTP/1.1\r\nHost: x\r\n",
                        "POST /metrics HTTP/1.1\r\nContent-Length: 100000\r\n\r\nonly a little"] {
            _ = try await HTTPTestStream.with(port: http.port) { stream in
                await stream.send(partial)
            }
        }
        try await stillServes(http)
        try await http.stop()
    }

    @Test func manyConcurrentConnectionsAreAllServed() async throws {
        let http = try await RunningHTTPServer.start()
        let connections = 100
        let requestsEach = 3
        let port = http.port
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<connections {
                group.addTask {
                    try await HTTPTestStream.with(port: port) { stream in
                        var statuses: [Int] = []
                        for path in ["/healthz", "/metrics", "/readyz"].prefix(requestsEach) {
                            statuses.append(try await stream.get(path)?.status ?? -1)
                        }
                        return statuses
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(statuses.count == connections * requestsEach)
        #expect(statuses.allSatisfy { $0 == 200 })
        try await http.stop()
    }

    /// At the limit, every connection in the middle of a request: the newcomer is closed on accept.
    @Test func connectionsBeyondTheLimitAreClosedOnAcceptWhenNoneIsIdle() async throws {
        let http = try await RunningHTTPServer.start(limits: .init(maximumConnections: 2))
        let port = http.port
        try await HTTPTestStream.with(port: port) { first in
            await first.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\na")
            try await HTTPTestStream.with(port: port) { second in
                await second.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\na")
                let busy = try await eventually(timeout: .seconds(10)) {
                    http.server.connections.count == 2 && http.server.connections.idleCount == 0
                }
                #expect(busy, "both heads read: neither connection idle")
                let third = try await HTTPTestStream.with(port: port) { third in
                    await third.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                    return await third.readToEnd()
                }
                #expect(third.isEmpty)
                await second.send("bcd")
                #expect(try await second.response()?.status == 405)
            }
            await first.send("bcd")
            #expect(try await first.response()?.status == 405)
        }
        try await http.stop()
    }

    /// At the limit with connections that send nothing (or wait kept alive): the newcomer takes the place of the one
    /// idle longest, so silent clients cannot lock out the health checks.
    @Test func aNewConnectionAtTheLimitReplacesTheLongestIdle() async throws {
        let http = try await RunningHTTPServer.start(limits: .init(maximumConnections: 2))
        let port = http.port
        try await HTTPTestStream.with(port: port) { first in
            #expect(try await first.get("/healthz")?.status == 200)
            try await HTTPTestStream.with(port: port) { second in
                _ = try await eventually(timeout: .seconds(10)) { http.server.connections.count == 2 }
                let status = try await HTTPTestStream.with(port: port) { third in try await third.get("/healthz")?.status }
                #expect(status == 200, "served, not refused")
                #expect(await first.readToEnd().isEmpty && first.closed, "the longest idle went")
                #expect(try await second.get("/healthz")?.status == 200)
            }
        }
        try await http.stop()
    }

    @Test func aSilentConnectionIsClosedAtTheIdleDeadline() async throws {
        let http = try await RunningHTTPServer.start(limits: .init(idleTimeout: .milliseconds(100)))
        try await HTTPTestStream.with(port: http.port) { stream in
            // Nothing is sent: the server closes the connection (the read returns end of stream).
            #expect(await stream.readToEnd().isEmpty)
            #expect(stream.closed)
        }
        try await http.stop()
    }
}
