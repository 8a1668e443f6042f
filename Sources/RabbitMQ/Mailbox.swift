import Glibc
import Synchronization

/// The command queue of one connection thread, plus a self-pipe that wakes the thread out of `poll`.
/// Any thread may post; only the owner thread takes.
final class Mailbox<Command: Sendable>: Sendable {
    private struct State {
        var commands: [Command] = []
        /// The owner thread is (about to be) blocked in poll; only then does a post write to the pipe.
        var sleeping = false
        /// A byte is already on its way for this sleep.
        var signalled = false
        var wakeRequested = false
        var stopRequested = false
        var finished = false
        /// When the owner's current sleep ends at the latest (while `sleeping`).
        var sleepDeadline = ContinuousClock.Instant.now

        /// Pipe writes so far (for tests).
        var signals = 0

        /// Marks a wake-up as needed; true when the caller must write the pipe.
        mutating func needsSignal() -> Bool {
            guard sleeping, !signalled else { return false }
            signalled = true
            signals += 1
            return true
        }
    }

    private let state = Mutex(State())
    private let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        } else {
            fds = [-1, -1]
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        if readFD >= 0 { close(readFD) }
        if writeFD >= 0 { close(writeFD) }
    }

    /// Queues a command; false when the thread has finished (the caller must fail the command itself). With `delay`
    /// the command may wait up to that long for the thread: the pipe is written only when the thread sleeps longer
    /// than that, else it takes the command when it next wakes (for input, a command, or its timeout) — a pipe write
    /// and a wake-up saved per command where latency does not matter (acks, publishes awaiting confirms).
    func post(_ command: Command, within delay: Duration? = nil) -> Bool {
        let latest = delay.map { ContinuousClock.now + $0 }
        let (accepted, signal) = state.withLock { state -> (Bool, Bool) in
            guard !state.finished else { return (false, false) }
            state.commands.append(command)
            if let latest, state.sleepDeadline <= latest { return (true, false) }
            return (true, state.needsSignal())
        }
        if signal { self.signal() }
        return accepted
    }

    /// How many posts and wakes wrote to the pipe so far (tests).
    var signalCount: Int { state.withLock { $0.signals } }

    /// Whether the owner is (about to be) blocked in poll (tests).
    var isSleeping: Bool { state.withLock { $0.sleeping } }

    /// Wakes the thread without a command (e.g. the consumer's buffer has room again).
    func wake() {
        let signal = state.withLock { state -> Bool in
            state.wakeRequested = true
            return state.needsSignal()
        }
        if signal { self.signal() }
    }

    /// Asks the thread to close; false when it has already finished.
    func requestStop() -> Bool {
        let (accepted, signal) = state.withLock { state -> (Bool, Bool) in
            guard !state.finished else { return (false, false) }
            state.stopRequested = true
            return (true, state.needsSignal())
        }
        if signal { self.signal() }
        return accepted
    }

    /// Takes every queued command (owner thread) into `batch`, which must be empty: the two arrays trade places,
    /// so neither is copied nor reallocated once both have grown to the usual batch size. Returns whether a stop
    /// was requested.
    func take(into batch: inout [Command]) -> Bool {
        state.withLock { state in
            swap(&batch, &state.commands)
            return state.stopRequested
        }
    }

    /// No more commands will be taken; returns those left over so their callers can be failed.
    func finish() -> [Command] {
        state.withLock { state in
            state.finished = true
            defer { state.commands = [] }
            return state.commands
        }
    }

    /// Waits until a post or wake, input on `socket`, or `timeout`; returns at once when a command or wake-up is
    /// already waiting. Returns true when the socket has input (or was closed, which reading then reports) — also
    /// when returning at once, so a steady flow of commands (publishes, acks) never keeps the thread from reading
    /// confirms, deliveries and heartbeats.
    /// With `writable`, also waits for the socket to take more (`POLLOUT`) and reports it.
    func wait(socket: Int32?, writable: Bool, timeout: Duration) -> (readable: Bool, writable: Bool) {
        let mustSleep = state.withLock { state -> Bool in
            guard state.commands.isEmpty, !state.wakeRequested else {
                state.wakeRequested = false
                return false
            }
            state.sleeping = true
            state.sleepDeadline = .now + max(timeout, .zero)
            return true
        }
        guard mustSleep else { return socket.map { Self.ready($0, writable: writable) } ?? (false, false) }
        var fds = (
            pollfd(fd: readFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: socket ?? -1, events: Int16(POLLIN) | (writable ? Int16(POLLOUT) : 0), revents: 0)
        )
        let (seconds, attoseconds) = max(timeout, .zero).components
        let milliseconds = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
        let count: nfds_t = (socket ?? -1) >= 0 ? 2 : 1
        let ready = withUnsafeMutableBytes(of: &fds) { raw in
            poll(raw.baseAddress!.assumingMemoryBound(to: pollfd.self), count, milliseconds)
        }
        state.withLock { state in
            state.sleeping = false
            state.signalled = false
            state.wakeRequested = false
        }
        guard ready > 0 else { return (false, false) }
        if fds.0.revents != 0 {
            var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            while withUnsafeMutableBytes(of: &scratch, { read(readFD, $0.baseAddress, $0.count) }) > 0 {}
        }
        guard count > 1 else { return (false, false) }
        let events = fds.1.revents
        let failed = events & Int16(POLLERR | POLLHUP) != 0
        return (events & Int16(POLLIN) != 0 || failed, writable && (events & Int16(POLLOUT) != 0 || failed))
    }

    /// Whether `socket` has input (or an error or hang-up to report) right now, without waiting.
    static func hasInput(_ socket: Int32) -> Bool { ready(socket, writable: false).readable }

    /// Whether `socket` has input and (when asked) room right now, without waiting.
    static func ready(_ socket: Int32, writable: Bool) -> (readable: Bool, writable: Bool) {
        guard socket >= 0 else { return (false, false) }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN) | (writable ? Int16(POLLOUT) : 0), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return (false, false) }
        let events = descriptor.revents
        let failed = events & Int16(POLLERR | POLLHUP) != 0
        return (events & Int16(POLLIN) != 0 || failed, writable && (events & Int16(POLLOUT) != 0 || failed))
    }

    private func signal() {
        var one: UInt8 = 1
        _ = write(writeFD, &one, 1)
    }
}
