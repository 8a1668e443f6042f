import CRabbitMQ
import Foundation
import Logging
import Synchronization

/// The dedicated thread that owns one librabbitmq connection. It drains the mailbox, runs the lifecycle machine,
/// and waits in `poll` on the socket and the mailbox's eventfd with a short timeout, which also lets it send and
/// check heartbeats. No C call ever happens on another thread (librabbitmq is not thread-safe, reference §8).
final class ConnectionLoop<Driver: ConnectionDriver>: @unchecked Sendable {
    typealias Instant = ContinuousClock.Instant

    private enum Phase {
        case notStarted
        case starting(CheckedContinuation<Void, any Error>)
        case running
        case finished
    }

    let configuration: AMQPConfiguration
    let mailbox = Mailbox<Driver.Command>()
    private let logger: Logger
    private let events: AsyncStream<AMQPConnectionEvent>.Continuation
    private let threadName: String
    private let connected = Mutex(false)
    /// The node of the connection that is up (nil while there is none).
    private let node = Mutex<AMQPAddress?>(nil)
    private let phase = Mutex<(phase: Phase, closeWaiters: [CheckedContinuation<Void, Never>])>((.notStarted, []))

    // Owned by the connection thread once it runs.
    private let driver: Driver
    private let clock = ContinuousClock()
    private var machine: ConnectionStateMachine
    private var link: RawConnection?
    private var generation: UInt64 = 0
    /// Per node: connect attempts in a row that had their timeout cut short for a waiting publish and failed; at
    /// ``shortenedAttemptsBeforeAFullOne`` that node's next attempt gets the whole `connectTimeout`. Per node, because
    /// the rotation moves on after every failure: one count for all would give the full attempt to the same node
    /// every time on a cluster of two (or four) nodes.
    private var shortenedFailuresInARow: [AMQPAddress: Int] = [:]
    /// Shortened attempts that may fail in a row before one gets the whole `connectTimeout`: a handshake slower than
    /// the shortened timeout is still reached, and publishes miss their deadline by up to `connectTimeout` only
    /// during that one attempt (not on the first failures, as when a broker just stopped).
    static var shortenedAttemptsBeforeAFullOne: Int { 3 }
    private var lastHeartbeatSent: Instant
    private var stopDeadline: Instant?
    private var isFinished = false
    private var batch: [Driver.Command] = []
    private var rotation: AddressRotation

    init(
        configuration: AMQPConfiguration, driver: Driver, name: String, logger: Logger,
        events: AsyncStream<AMQPConnectionEvent>.Continuation
    ) {
        self.configuration = configuration
        self.driver = driver
        self.threadName = name
        self.logger = logger
        self.events = events
        self.machine = ConnectionStateMachine(
            initialDelay: configuration.reconnectInitialDelay, maxDelay: configuration.reconnectMaxDelay,
            addressCount: configuration.addresses.count)
        self.lastHeartbeatSent = clock.now
        self.rotation = AddressRotation(
            addresses: configuration.addresses, order: configuration.addressOrder,
            startIndex: Int.random(in: 0..<max(1, configuration.addresses.count)))
    }

    /// Whether the connection is up and set up right now (for readiness checks).
    var isConnected: Bool { connected.withLock { $0 } }

    /// The node the connection is up on, or nil while there is no connection.
    var connectedNode: AMQPAddress? { node.withLock { $0 } }

    /// Starts the thread and returns once the first connection is set up, or throws why it could not be.
    func start() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let accepted = phase.withLock { state -> Bool in
                guard case .notStarted = state.phase else { return false }
                state.phase = .starting(continuation)
                return true
            }
            guard accepted else {
                continuation.resume(
                    throwing: AMQPError(code: .closed, message: "connect() may only be called once, before close()"))
                return
            }
            let thread = Thread { [self] in run() }
            thread.name = threadName
            // librabbitmq decodes a message's header tables recursively without a depth limit: a hostile header
            // nested as deep as a frame allows needs several MB of C stack (address space; pages are used only
            // when touched).
            thread.stackSize = 64 << 20
            thread.start()
        }
    }

    /// Posts a command; fails it right away (and returns false) when the thread has stopped, or has not been
    /// started: no thread would ever take it (nor time it out), so its caller would wait forever.
    /// With `delay`, the command may wait that long for the thread (``Mailbox/post(_:within:)``).
    @discardableResult
    func post(_ command: Driver.Command, within delay: Duration? = nil) -> Bool {
        let started = phase.withLock { state -> Bool in
            if case .notStarted = state.phase { return false }
            return true
        }
        guard started else {
            Driver.reject(command, AMQPError(code: .notConnected, message: "connect() has not been called"))
            return false
        }
        guard mailbox.post(command, within: delay) else {
            Driver.reject(command, AMQPError(code: .closed, message: "the connection was closed"))
            return false
        }
        return true
    }

    /// Asks the thread to finish (after outstanding confirms, bounded by the confirm timeout) and waits for it.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let running = phase.withLock { state -> Bool in
                switch state.phase {
                case .notStarted, .finished:
                    state.phase = .finished
                    return false
                case .starting, .running:
                    state.closeWaiters.append(continuation)
                    return true
                }
            }
            if !running || !mailbox.requestStop() {
                if !running {
                    for command in mailbox.finish() {
                        Driver.reject(command, AMQPError(code: .closed, message: "the connection was closed"))
                    }
                    events.finish()
                    continuation.resume()
                }
            }
        }
    }

    /// Asks the thread to finish without waiting for it: the owner went away without ``close()``. The thread
    /// still closes gracefully (outstanding confirms, bounded by the confirm timeout) and releases the loop.
    func abandon() {
        let running = phase.withLock { state -> Bool in
            switch state.phase {
            case .notStarted, .finished:
                state.phase = .finished
                return false
            case .starting, .running:
                return true
            }
        }
        if running {
            _ = mailbox.requestStop()
        } else {
            for command in mailbox.finish() {
                Driver.reject(command, AMQPError(code: .closed, message: "the connection was closed"))
            }
            events.finish()
        }
    }

    // MARK: - The thread

    private func run() {
        // Foundation's `Thread.name` does not reach the OS thread on Linux: without this the thread keeps the name of
        // the one that started it, and `top -H` or /proc cannot tell the broker threads' CPU from the task pool's.
        crmq_name_current_thread(threadName)
        perform(machine.startRequested(), now: clock.now)
        while !isFinished {
            let now = clock.now
            let stop = mailbox.take(into: &batch)
            if !batch.isEmpty {
                var index = 0
                do throws(AMQPError) {
                    while index < batch.count {
                        let command = batch[index]
                        index += 1
                        try driver.execute(command, link: link, now: now)
                    }
                    if let link { try driver.commandsDone(link: link, now: now) }
                } catch {
                    connectionLost(error, now: now)
                    // The rest of the batch runs without a connection (publishes wait, acks are refused as stale).
                    while index < batch.count {
                        let command = batch[index]
                        index += 1
                        try? driver.execute(command, link: nil, now: now)
                    }
                }
                batch.removeAll(keepingCapacity: true)
            }
            if stop, stopDeadline == nil { stopDeadline = now + configuration.confirmTimeout }
            if let stopDeadline, link == nil || !driver.hasOutstandingWork || now >= stopDeadline {
                perform(machine.closeRequested(), now: now)
                break
            }
            perform(machine.tick(now: now), now: now)
            if !isFinished { service(now: now) }
        }
    }

    /// One round of I/O: heartbeats, frames already buffered, then a bounded wait (also for the socket to take
    /// more when the driver holds frames back because the broker is not reading).
    private func service(now: Instant) {
        var timeout = Duration.milliseconds(250)
        if let deadline = machine.deadline { timeout = min(timeout, deadline - now) }
        if let deadline = driver.tick(now: now) { timeout = min(timeout, deadline - now) }
        guard let link else {
            _ = mailbox.wait(socket: nil, writable: false, timeout: timeout)
            return
        }
        do throws(AMQPError) {
            let interval = Duration.seconds(link.heartbeatSeconds)
            if link.heartbeatSeconds > 0 {
                // A socket the broker does not drain would block the send; the broker is not reading it anyway.
                if now - lastHeartbeatSent >= interval / 2, link.canWrite {
                    try link.sendHeartbeat()
                    lastHeartbeatSent = now
                }
                timeout = min(timeout, max(lastHeartbeatSent + interval / 2 - now, .milliseconds(10)))
                if !driver.readsFrames {
                    link.noteReceived()  // not reading: silence proves nothing
                } else if now - link.lastReceivedAt > interval * 2,
                    !link.hasPendingInput, !Mailbox<Driver.Command>.hasInput(link.socketDescriptor)
                {
                    // Input waiting to be read (after a long stretch away from reading) is not silence.
                    throw AMQPError(
                        code: .heartbeatTimeout, message: "nothing from the broker for \(interval * 2)")
                }
            }
            let wantsWrite = driver.waitsForWritable
            guard driver.readsFrames else {
                let ready = mailbox.wait(socket: wantsWrite ? link.socketDescriptor : nil, writable: wantsWrite, timeout: timeout)
                if ready.writable { try driver.writable(link, now: clock.now) }
                return
            }
            if link.hasPendingInput {
                try drain(link, now: now)
                return
            }
            let ready = mailbox.wait(socket: link.socketDescriptor, writable: wantsWrite, timeout: timeout)
            if ready.readable {
                try drain(link, now: clock.now)
                // Stamped after reading: heartbeat frames, which the library swallows, count as hearing the broker.
                link.noteReceived()
            }
            if ready.writable, self.link != nil { try driver.writable(link, now: clock.now) }
        } catch {
            connectionLost(error, now: clock.now)
        }
    }

    /// Handles what can be read without waiting, bounded so commands are not starved. Every frame read stamps the
    /// link's `lastReceivedAt` when it has been read (after a long message, not before it).
    private func drain(_ link: RawConnection, now: Instant) throws(AMQPError) {
        var handled = 0
        while handled < 512, driver.readsFrames, let event = try link.nextEvent(maxBodySize: driver.maxBodySize) {
            try driver.handle(event, link: link, now: now)
            handled += 1
            // Nothing left in the library's buffers: one more read would be a recv that finds nothing and a poll
            // (two system calls per wake-up); the loop's own wait (`service`) sees whatever comes next.
            if !link.hasPendingInput { break }
        }
    }

    private func attemptConnect(now: Instant) {
        let address = rotation.current
        do throws(AMQPError) {
            // The thread waits inside the handshake; a publish waiting for this connection must not miss its own
            // deadline by a whole connect timeout (a broker that accepts TCP but never answers: SIGSTOP, overload).
            // But under steady traffic some publish is always near its deadline: after a few shortened attempts
            // failed, one gets the whole timeout, so a broker whose handshake takes longer is still reached.
            var attempt = configuration
            attempt.addresses = [address]
            // `tick` also fails the publishes whose wait has ended: called before every attempt.
            let publishDeadline = driver.tick(now: now)
            let failures = shortenedFailuresInARow[address, default: 0]
            var shortened = false
            if failures < Self.shortenedAttemptsBeforeAFullOne, let publishDeadline {
                let limit = max(publishDeadline - now, .seconds(1))
                if limit < configuration.connectTimeout {
                    attempt.connectTimeout = limit
                    shortened = true
                }
            }
            let newLink: RawConnection
            do throws(AMQPError) {
                newLink = try RawConnection.open(attempt)
                shortenedFailuresInARow = [:]
            } catch {
                shortenedFailuresInARow[address] = shortened ? failures + 1 : 0
                throw error
            }
            generation &+= 1
            do throws(AMQPError) {
                // The time after the handshake, not before it: a publish whose wait for a connection ended during the
                // handshake fails (never sent) instead of going out after its deadline.
                try driver.connected(newLink, generation: generation, now: clock.now)
            } catch {
                // What the driver sent on the new channel before the failure is lost with it.
                newLink.destroy()
                driver.disconnected(error, now: now)
                throw error
            }
            link = newLink
            node.withLock { $0 = address }
            lastHeartbeatSent = clock.now
            newLink.noteReceived()
            logger.info(
                "connected to the broker",
                metadata: [
                    "amqp.node": "\(address)", "amqp.heartbeat_s": "\(newLink.heartbeatSeconds)",
                    "amqp.generation": "\(generation)",
                ])
            perform(machine.connectSucceeded(), now: now)
        } catch {
            logger.warning(
                "could not connect to the broker", metadata: ["amqp.node": "\(address)", "amqp.error": "\(error)"])
            // A cluster's next node is tried next (after the backoff delay).
            rotation.advance()
            perform(machine.connectFailed(error, now: clock.now, jitter: Double.random(in: 0..<1)), now: now)
        }
    }

    private func connectionLost(_ error: AMQPError, now: Instant) {
        guard let lost = link else { return }
        link = nil
        connected.withLock { $0 = false }
        let lostNode = node.withLock { node in defer { node = nil }; return node }
        lost.destroy()
        logger.warning(
            "lost the broker connection",
            metadata: ["amqp.node": "\(lostNode.map { "\($0)" } ?? "?")", "amqp.error": "\(error)"])
        // The node may be gone for good (a cluster member stopped): the next attempt goes to the next address.
        if configuration.addresses.count > 1 { rotation.advance() }
        driver.disconnected(error, now: now)
        events.yield(.disconnected(error))
        perform(machine.connectionLost(error, now: now, jitter: Double.random(in: 0..<1)), now: now)
    }

    private func perform(_ action: ConnectionStateMachine.Action, now: Instant) {
        switch action {
        case .none:
            break
        case .connect:
            attemptConnect(now: now)
        case .reportConnected(let initial):
            connected.withLock { $0 = true }
            events.yield(.connected(node: node.withLock { $0 } ?? rotation.current))
            if initial {
                let continuation = phase.withLock { state -> CheckedContinuation<Void, any Error>? in
                    guard case .starting(let continuation) = state.phase else { return nil }
                    state.phase = .running
                    return continuation
                }
                continuation?.resume()
            }
        case .reconnect(let at, let error):
            logger.info(
                "reconnecting to the broker", metadata: ["amqp.in": "\(at - now)", "amqp.after": "\(error.code)"])
        case .failStart(let error):
            finish(error)
        case .close:
            node.withLock { $0 = nil }
            if let link {
                self.link = nil
                link.destroy()
            }
            finish(AMQPError(code: .closed, message: "the connection was closed"))
        }
    }

    private func finish(_ error: AMQPError) {
        isFinished = true
        connected.withLock { $0 = false }
        driver.finished(error)
        for command in mailbox.finish() { Driver.reject(command, error) }
        events.finish()
        let (starter, waiters) = phase.withLock { state in
            var starter: CheckedContinuation<Void, any Error>?
            if case .starting(let continuation) = state.phase { starter = continuation }
            state.phase = .finished
            defer { state.closeWaiters = [] }
            return (starter, state.closeWaiters)
        }
        starter?.resume(throwing: error)
        for waiter in waiters { waiter.resume() }
        logger.debug("connection thread finished", metadata: ["amqp.reason": "\(error.code)"])
    }
}
