import CRabbitMQ
import Glibc

/// One librabbitmq connection. Not thread-safe: exactly one thread (the connection loop's) ever touches it.
final class RawConnection {
    let state: amqp_connection_state_t
    /// Set once the socket or protocol failed; then only `destroy` is left to do.
    var broken = false
    /// Negotiated heartbeat, seconds (0 = off).
    private(set) var heartbeatSeconds = 0
    private(set) var openChannels: Set<UInt16> = []
    /// Cuts a C call that makes no progress (see ``StallGuard``).
    let stallGuard = StallGuard()
    /// The deadline of a frame send or of reading the rest of a message.
    let stallLimit: Duration
    /// Below this many unsent bytes the socket counts as writable (``canWrite``).
    var notSentLowWater = 64 * 1024
    /// Bytes publishes may still write before the kernel is asked again how many are unsent (``canPublish``).
    var publishRoom = 0
    /// Where the socket gathers the frames librabbitmq writes (``batched(when:_:)``); nil if it could not be set up,
    /// and then every frame is its own write. Owned by the socket: freed with the connection.
    var sendBuffer: UnsafeMutablePointer<crmq_send_buffer>?
    /// The C structures of the publish being written, reused from one publish to the next (owner thread only).
    private let publishArena = RawArena()
    /// When the broker was last heard from (a frame, an RPC reply; the loop also stamps it after reading, which
    /// covers the heartbeats the library swallows): the one clock of the loop's silence check.
    private(set) var lastReceivedAt = ContinuousClock.now
    /// Events read in the middle of a message, handed out by `nextEvent` first.
    var deferredEvents: [RawEvent] = []

    private init(state: amqp_connection_state_t, stallLimit: Duration) {
        self.state = state
        self.stallLimit = stallLimit
    }

    /// Connects, logs in (announcing consumer-cancel and connection.blocked support) and opens no channel yet.
    static func open(_ configuration: AMQPConfiguration) throws(AMQPError) -> RawConnection {
        guard let state = amqp_new_connection() else {
            throw AMQPError(code: .operationFailed, message: "amqp_new_connection failed (out of memory)")
        }
        let connection = RawConnection(state: state, stallLimit: configuration.stallTimeout)
        StallWatchdog.shared.watch(connection.stallGuard)
        do {
            try connection.connect(configuration)
        } catch {
            connection.broken = true
            connection.destroy()
            throw error
        }
        return connection
    }

    private func connect(_ configuration: AMQPConfiguration) throws(AMQPError) {
        let socket: OpaquePointer?
        if let tls = configuration.tls {
            socket = amqp_ssl_socket_new(state)
            guard let socket else { throw AMQPError(code: .tlsFailed, message: "could not create a TLS socket") }
            try configureTLS(socket, tls)
        } else {
            socket = amqp_tcp_socket_new(state)
        }
        guard let socket else { throw AMQPError(code: .connectionFailed, message: "could not create a socket") }
        var connectTimeout = rawTimeval(configuration.connectTimeout)
        let target = "\(configuration.host):\(configuration.port)"
        let status = amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &connectTimeout)
        guard status == AMQP_STATUS_OK.rawValue else {
            let code: AMQPError.Code = AMQPError.classify(status) == .tlsFailed ? .tlsFailed : .connectionFailed
            throw .library(status, "connecting to \(target)", code: code)
        }
        configureSocket(userTimeout: configuration.stallTimeout)
        sendBuffer = crmq_send_buffer_install(state)
        _ = amqp_set_handshake_timeout(state, &connectTimeout)
        var rpcTimeout = rawTimeval(configuration.rpcTimeout)
        _ = amqp_set_rpc_timeout(state, &rpcTimeout)

        let arena = RawArena()
        var clientProperties: AMQPTable = [
            "product": "smpp-bridge",
            "capabilities": .table([
                "consumer_cancel_notify": true, "connection.blocked": true, "publisher_confirms": true,
                "basic.nack": true, "authentication_failure_close": true,
            ]),
        ]
        if let name = configuration.connectionName { clientProperties["connection_name"] = .string(name) }
        var table = arena.table(clientProperties)
        let reply = crmq_login_plain_properties(
            state, configuration.virtualHost, 0, Int32(configuration.frameMax),
            Int32(configuration.heartbeatSeconds), &table, configuration.user, configuration.password)
        do {
            try check(reply, channel: 0, "logging in to \(target) vhost \(configuration.virtualHost)")
        } catch {
            var error = error
            if error.replyCode == 403 || error.replyCode == 530 {
                error.code = error.replyCode == 403 ? .authenticationFailed : .connectionFailed
            } else if error.code == .connectionLost {
                error.code = .connectionFailed
            }
            throw error
        }
        heartbeatSeconds = Int(amqp_get_heartbeat(state))
    }

    private func configureTLS(_ socket: OpaquePointer, _ tls: AMQPTLSConfiguration) throws(AMQPError) {
        if let caFile = tls.caFile {
            let status = amqp_ssl_socket_set_cacert(socket, caFile)
            guard status == AMQP_STATUS_OK.rawValue else {
                throw .library(status, "loading the CA file \(caFile)", code: .tlsFailed)
            }
        }
        if let certificate = tls.certificateFile {
            guard let key = tls.keyFile else {
                throw AMQPError(code: .invalidConfiguration, message: "amqp tls: a certificate needs a key file")
            }
            // amqp_ssl_socket_set_key_passwd keeps only the pointer (SSL_CTX userdata) and OpenSSL reads it while
            // amqp_ssl_socket_set_key loads the key, so the C string must live across both calls; afterwards the
            // pointer is cleared so that nothing dangles in the context. With no password configured an empty one
            // is set: an encrypted key then fails to load instead of OpenSSL prompting on a terminal, which would
            // block this connection's thread.
            let status = (tls.keyPassword ?? "").withCString { password in
                amqp_ssl_socket_set_key_passwd(socket, password)
                defer { amqp_ssl_socket_set_key_passwd(socket, nil) }
                return amqp_ssl_socket_set_key(socket, certificate, key)
            }
            guard status == AMQP_STATUS_OK.rawValue else {
                throw .library(status, "loading the client certificate \(certificate)", code: .tlsFailed)
            }
        }
        amqp_ssl_socket_set_verify_peer(socket, tls.verifyPeer ? 1 : 0)
        amqp_ssl_socket_set_verify_hostname(socket, tls.verifyHostname ? 1 : 0)
        let status = amqp_ssl_socket_set_ssl_versions(socket, AMQP_TLSv1_2, AMQP_TLSvLATEST)
        guard status == AMQP_STATUS_OK.rawValue else { throw .library(status, "setting TLS versions", code: .tlsFailed) }
    }

    /// Opens a channel (after a channel.close, the close-ok has already been sent by `check`).
    func openChannel(_ channel: UInt16) throws(AMQPError) {
        _ = amqp_channel_open(state, channel)
        try check(amqp_get_rpc_reply(state), channel: channel, "opening channel \(channel)")
        openChannels.insert(channel)
    }

    /// Closes politely when the connection still works and the broker reads (bounded: a second per reply), then
    /// frees everything (sockets included). A broker that stopped reading (resource alarm) is not waited for.
    func destroy() {
        if !broken, canWrite {
            var quick = rawTimeval(min(stallLimit, .seconds(1)))
            _ = amqp_set_rpc_timeout(state, &quick)
            let limit = stallLimit
            _ = try? stallGuard.run(socket: socketDescriptor, limit: limit, "closing") { () throws(AMQPError) in
                for channel in openChannels { _ = amqp_channel_close(state, channel, AMQP_REPLY_SUCCESS) }
                _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
            }
        }
        StallWatchdog.shared.forget(stallGuard)
        openChannels.removeAll()
        _ = amqp_destroy_connection(state)
    }

    /// The broker was heard from (a frame or an RPC reply).
    func noteReceived() { lastReceivedAt = .now }

    /// Runs a C call that has no deadline of its own under ``stallLimit``.
    func guarded<T>(_ what: String, _ body: () throws(AMQPError) -> T) throws(AMQPError) -> T {
        do throws(AMQPError) {
            return try stallGuard.run(socket: socketDescriptor, limit: stallLimit, what, body)
        } catch {
            broken = true
            throw error
        }
    }

    /// The negotiated largest frame, octets.
    var frameMax: Int { Int(amqp_get_frame_max(state)) }

    /// The socket to poll for input.
    var socketDescriptor: Int32 { amqp_get_sockfd(state) }

    /// Frames or bytes already read from the socket and not yet handed out (poll would not see them).
    var hasPendingInput: Bool {
        !deferredEvents.isEmpty || amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0
    }

    /// Sends a heartbeat frame; the library only sends its own while blocked inside a call, which we avoid.
    func sendHeartbeat() throws(AMQPError) {
        var frame = amqp_frame_t()
        frame.frame_type = UInt8(AMQP_FRAME_HEARTBEAT)
        frame.channel = 0
        try guarded("sending a heartbeat") { () throws(AMQPError) in
            try sent(amqp_send_frame(state, &frame), "sending a heartbeat")
        }
    }

    /// Publishes one message; returns once the frames are written (confirms come later as events).
    func publish(
        channel: UInt16, exchange: String, routingKey: String, mandatory: Bool, properties: AMQPProperties,
        body: [UInt8]
    ) throws(AMQPError) {
        let arena = publishArena
        arena.reset()
        var raw = arena.properties(properties)
        let status = try guarded("publishing") { () throws(AMQPError) in
            body.withUnsafeBytes { buffer in
                amqp_basic_publish(
                    state, channel, arena.bytes(exchange), arena.bytes(routingKey), mandatory ? 1 : 0, 0, &raw,
                    amqp_bytes_t(len: buffer.count, bytes: UnsafeMutableRawPointer(mutating: buffer.baseAddress)))
            }
        }
        try sent(status, "publishing")
        // At least the bytes written: the arena holds the names, property strings and (larger than encoded) header
        // tables; 64 covers the fixed fields and frame envelopes of the method and header frames; each body frame
        // (at least 4088 payload bytes, frame_max >= 4096) adds 8.
        publishRoom -= body.count + 8 * (body.count / 4088 + 1) + arena.byteCount + 64
    }

    /// basic.ack for a delivery.
    func ack(channel: UInt16, deliveryTag: UInt64, multiple: Bool) throws(AMQPError) {
        let status = try guarded("acknowledging") { () throws(AMQPError) in
            amqp_basic_ack(state, channel, deliveryTag, multiple ? 1 : 0)
        }
        try sent(status, "acknowledging")
    }

    /// basic.nack for a delivery.
    func nack(channel: UInt16, deliveryTag: UInt64, multiple: Bool, requeue: Bool) throws(AMQPError) {
        let status = try guarded("nacking") { () throws(AMQPError) in
            amqp_basic_nack(state, channel, deliveryTag, multiple ? 1 : 0, requeue ? 1 : 0)
        }
        try sent(status, "nacking")
    }

    /// basic.reject for a delivery.
    func reject(channel: UInt16, deliveryTag: UInt64, requeue: Bool) throws(AMQPError) {
        let status = try guarded("rejecting") { () throws(AMQPError) in
            amqp_basic_reject(state, channel, deliveryTag, requeue ? 1 : 0)
        }
        try sent(status, "rejecting")
    }

    /// Turns a send status into success or a connection-breaking error.
    func sent(_ status: Int32, _ what: String) throws(AMQPError) {
        guard status == AMQP_STATUS_OK.rawValue else {
            broken = true
            throw .library(status, what)
        }
    }

    /// Turns an RPC reply into success or an error. A channel.close or connection.close from the broker is
    /// answered with close-ok here, so the channel number can be reused (librabbitmq trap, reference §5).
    func check(_ reply: amqp_rpc_reply_t, channel: UInt16, _ what: String) throws(AMQPError) {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            lastReceivedAt = .now
            return
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            broken = true
            throw .library(Int32(reply.library_error), what)
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD, let decoded = reply.reply.decoded {
                let close = decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                let error = AMQPError(
                    code: .channelClosed, message: what, replyCode: close.reply_code,
                    replyText: rawString(close.reply_text))
                sendChannelCloseOk(channel)
                throw error
            }
            if reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD, let decoded = reply.reply.decoded {
                let close = decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                let error = AMQPError(
                    code: .connectionClosedByBroker, message: what, replyCode: close.reply_code,
                    replyText: rawString(close.reply_text))
                sendConnectionCloseOk()
                throw error
            }
            broken = true
            throw AMQPError(code: .connectionLost, message: "\(what): unexpected broker method \(reply.reply.id)")
        default:
            broken = true
            throw AMQPError(code: .connectionLost, message: "\(what): no reply")
        }
    }

    func sendChannelCloseOk(_ channel: UInt16) {
        var ok = amqp_channel_close_ok_t()
        let status = try? guarded("answering channel.close") { () throws(AMQPError) in
            amqp_send_method(state, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
        }
        if status != AMQP_STATUS_OK.rawValue { broken = true }
        openChannels.remove(channel)
    }

    func sendConnectionCloseOk() {
        var ok = amqp_connection_close_ok_t()
        _ = try? guarded("answering connection.close") { () throws(AMQPError) in
            amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
        }
        broken = true
    }
}
