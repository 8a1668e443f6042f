import NIOCore
import NIOPosix

/// One parsed HTTP/1.x response (the server under test always sends Content-Length).
struct HTTPTestResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A raw TCP client on 127.0.0.1: writes bytes exactly as given and parses responses by hand, so tests can send
/// garbage, half requests and oversized heads that a real HTTP client would refuse to produce.
struct HTTPTestStream {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var pending: [UInt8] = []
    /// Set once the server closed (or reset) the connection.
    private(set) var closed = false

    /// Connects, runs `body` with the stream, closes.
    static func with<R: Sendable>(port: Int, _ body: (inout HTTPTestStream) async throws -> R) async throws -> R {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var stream = HTTPTestStream(iterator: inbound.makeAsyncIterator(), writer: outbound)
            return try await body(&stream)
        }
    }

    private init(iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
                 writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.iterator = iterator
        self.writer = writer
    }

    /// Writes the bytes; false when the server has already closed the connection (EPIPE, reset).
    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        do {
            try await writer.write(ByteBuffer(bytes: bytes))
            return true
        } catch {
            return false
        }
    }

    /// Writes the text as UTF-8.
    @discardableResult
    func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// `GET path HTTP/1.1` with a Host header, then the response.
    mutating func get(_ path: String) async throws -> HTTPTestResponse? {
        await send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return try await response()
    }

    /// The next complete response; nil when the connection ends first.
    mutating func response() async throws -> HTTPTestResponse? {
        while true {
            if let (response, used) = try Self.parse(pending) {
                pending.removeFirst(used)
                return response
            }
            guard await readMore() else { return nil }
        }
    }

    /// Everything the server sends until it closes the connection (or resets it).
    mutating func readToEnd() async -> [UInt8] {
        while await readMore() {}
        defer { pending.removeAll() }
        return pending
    }

    private mutating func readMore() async -> Bool {
        guard !closed else { return false }
        do {
            guard let buffer = try await iterator.next() else {
                closed = true
                return false
            }
            pending += buffer.readableBytesView
            return true
        } catch {
            closed = true
            return false
        }
    }

    struct MalformedResponse: Error { var bytes: [UInt8] }

    /// A response and the bytes it used, or nil when more bytes are needed.
    static func parse(_ bytes: [UInt8]) throws -> (HTTPTestResponse, Int)? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = bytes.firstRange(of: separator) else { return nil }
        let lines = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1."),
              let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
            throw MalformedResponse(bytes: bytes)
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw MalformedResponse(bytes: bytes) }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingPrefix(" ").description))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        let bodyStart = headEnd.upperBound
        guard bytes.count - bodyStart >= length else { return nil }
        let response = HTTPTestResponse(status: status, headers: headers,
                                        body: Array(bytes[bodyStart..<bodyStart + length]))
        return (response, bodyStart + length)
    }
}

/// Whether a TCP connection to 127.0.0.1:port is refused (nothing listens there any more).
func httpConnectionRefused(port: Int) async -> Bool {
    do {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        try? await channel.close()
        return false
    } catch {
        return true
    }
}
