import Logging
import NIOCore
import NIOHTTP1

/// Sent down a connection's pipeline when the server shuts down gracefully.
struct HTTPServerQuiesceEvent: Sendable {}

/// The thin handler of one HTTP connection: feeds events to `HTTPConnectionStateMachine` and carries out its
/// actions (write a response, keep one timer, close). Sits after NIO's HTTP/1 server pipeline, which parses,
/// serialises pipelined requests and answers unparseable input with 400.
///
/// A response is written only while the channel is writable; otherwise it waits for writability, and NIO's
/// pipelining handler holds the requests behind it and stops reading. So a client that pipelines requests and never
/// reads costs one parked response, not a growing write buffer, and is closed at its deadline (the idle timeout
/// after its last request, or after a `Connection: close` response that cannot be flushed).
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var machine: HTTPConnectionStateMachine
    private let responder: HTTPResponder
    private let logger: Logger
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private let idleTimeout: TimeAmount
    /// A response due while the channel was not writable: written when it becomes writable again.
    private var parked: (request: HTTPRequestSummary, after: HTTPConnectionStateMachine.AfterResponse)?
    /// Whether a close deadline is armed (``closeAt(_:context:)``): the connection is closing.
    private var closing = false
    /// Request heads received so far (tells a response's write completing before the next request from after it).
    private var headsReceived = 0

    /// How long a `Connection: close` response may wait for the client to read it: the idle timeout, or during a
    /// graceful shutdown the shutdown's grace (a client that does not read must not hold the shutdown either).
    private var closeGrace: TimeAmount {
        machine.quiescing ? min(idleTimeout, HTTPConnectionStateMachine.quiesceGrace) : idleTimeout
    }

    /// The server's open connections, told when this one waits for a request and when it is in one (which of them a
    /// newcomer may replace at the limit); nil outside a server.
    private let connections: HTTPConnectionSet?

    init(responder: HTTPResponder, idleTimeout: TimeAmount, logger: Logger, connections: HTTPConnectionSet? = nil) {
        self.machine = HTTPConnectionStateMachine(idleTimeout: idleTimeout)
        self.responder = responder
        self.logger = logger
        self.idleTimeout = idleTimeout
        self.connections = connections
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            run(machine.connectionActivated(now: .now()), context: context)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        run(machine.connectionActivated(now: .now()), context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let request = HTTPRequestSummary(method: head.method, uri: head.uri, version: head.version,
                                             keepAlive: head.isKeepAlive)
            logger.trace("HTTP request head", metadata: [
                "http.method": "\(request.method)", "http.target": "\(request.uri.prefix(200))"])
            headsReceived += 1
            connections?.markBusy(context.channel)
            run(machine.requestHeadReceived(request, now: .now()), context: context)
        case .body:
            break  // No endpoint takes a body; it is discarded as it streams in (the deadline bounds it).
        case .end:
            run(machine.requestEndReceived(now: .now()), context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is HTTPServerQuiesceEvent {
            if parked != nil || closing {
                // A client that does not read what it was sent: shutdown does not wait for its deadline.
                logger.trace("HTTP connection closed at shutdown with a response unread")
                _ = machine.quiesceRequested(now: .now())
                cancelTimer()
                context.close(promise: nil)
                return
            }
            let action = machine.quiesceRequested(now: .now())
            logger.trace("HTTP connection quiescing", metadata: ["http.action": "\(action)"])
            run(action, context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let (request, after) = parked {
            parked = nil
            respond(to: request, then: after, context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("HTTP connection error", metadata: ["error": "\(error)"])
        run(machine.errorCaught(), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        machine.connectionClosed()
        parked = nil
        cancelTimer()
        context.fireChannelInactive()
    }

    private func run(_ action: HTTPConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .setTimer(let deadline):
            setTimer(deadline, context: context)
        case .respond(let request, let after) where context.channel.isWritable:
            respond(to: request, then: after, context: context)
        case .respond(let request, let after):
            parked = (request, after)
            switch after {
            case .keepAlive(let deadline): setTimer(deadline, context: context)
            case .close: closeAt(.now() + closeGrace, context: context)
            }
        case .close:
            cancelTimer()
            context.close(promise: nil)
        }
    }

    private func respond(to request: HTTPRequestSummary, then after: HTTPConnectionStateMachine.AfterResponse,
                         context: ChannelHandlerContext) {
        let endpoint = HTTPEndpoint(method: request.method, uri: request.uri)
        let content = responder.response(for: endpoint)
        logger.trace("HTTP response", metadata: [
            "http.method": "\(request.method)", "http.target": "\(request.uri.prefix(200))",
            "http.status": "\(content.status.code)",
        ])
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: content.contentType)
        headers.add(name: "Content-Length", value: String(content.body.count))
        for (name, value) in content.extraHeaders.sorted(by: { $0.key < $1.key }) {
            headers.add(name: name, value: value)
        }
        switch after {
        case .close:
            headers.add(name: "Connection", value: "close")
        case .keepAlive where request.version.major == 1 && request.version.minor == 0:
            headers.add(name: "Connection", value: "keep-alive")
        case .keepAlive:
            break
        }
        let version = request.version.major == 1 && request.version.minor == 0 ? HTTPVersion.http1_0 : .http1_1
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: content.status,
                                                             headers: headers))), promise: nil)
        var body = context.channel.allocator.buffer(capacity: content.body.count)
        body.writeBytes(content.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        switch after {
        case .keepAlive(let deadline):
            // Idle (a newcomer at the limit may replace it) once the response is written, unless the next request's
            // head came meanwhile — the pipelining handler may hand it over within this very write.
            let heads = headsReceived, channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenSuccess { [self] in
                if headsReceived == heads { connections?.markIdle(channel, now: .now()) }
            }
            setTimer(deadline, context: context)
        case .close:
            // Closed once the response is flushed, or at the deadline when the client does not read it (armed
            // once: a response parked for writability keeps the deadline it got then).
            if !closing { closeAt(.now() + closeGrace, context: context) }
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Closes the connection at `deadline` whatever the state machine says (it has no timer once it decided to
    /// close); replaces the timer.
    private func closeAt(_ deadline: NIODeadline, context: ChannelHandlerContext) {
        cancelTimer()
        closing = true
        timerDeadline = deadline
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(deadline: deadline) { channel.close(promise: nil) }
    }

    private func setTimer(_ deadline: NIODeadline, context: ChannelHandlerContext) {
        guard timerDeadline != deadline else { return }
        cancelTimer()
        timerDeadline = deadline
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.timerDeadline = nil
            handler.timer = nil
            handler.run(handler.machine.timerFired(now: .now()), context: context)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }
}

@available(*, unavailable)
extension HTTPConnectionHandler: Sendable {}
