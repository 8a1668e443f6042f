import ArgumentParser
import Foundation
import Logging
import Synchronization
import UnixSignals

/// The end of a graceful shutdown that does not end by itself: a second SIGTERM or SIGINT (the operator wants the
/// process gone now: issue 7, "a second signal exits at once"), or the graceful shutdown still running
/// ``gracefulLimit`` after the first signal.
///
/// The first signal starts the graceful shutdown (the service group's own handler). Either escalation cancels the
/// group: requests still in flight are handed back at once (nack + requeue; a request that had a segment written keeps
/// its in-flight mark, so its redelivery is flagged `possible_duplicate`), the connections close without waiting for
/// the drain, and `run` exits with 128 + the signal's number. If that still takes longer than `backstop`, the
/// process exits there and then — what an unacknowledged delivery and a committed store survive, as after SIGKILL.
enum SecondSignal {
    /// How long the cancelled service group may take before the process exits regardless.
    static let backstop: Duration = .seconds(5)
    /// How long a graceful shutdown may run before it is cancelled as a second signal would.
    static let gracefulLimit: Duration = .seconds(60)

    /// Runs `service` (the service group) until it returns, escalating on the process's SIGTERM / SIGINT.
    static func escalating(logger: Logger, _ service: @escaping @Sendable () async throws -> Void) async throws {
        try await escalating(
            signals: await UnixSignalsSequence(trapping: .sigterm, .sigint), gracefulLimit: gracefulLimit,
            backstop: backstop, logger: logger, onBackstop: { exit(1) }, service)
    }

    /// Runs `service` until it returns. The first of `signals` starts the clock of `gracefulLimit`; the second
    /// signal, or that limit, cancels `service`, and the call then throws 128 + the first signal's number (the
    /// second's, when it came first). `onBackstop` runs when a cancelled `service` is still running `backstop` later.
    static func escalating<Signals: AsyncSequence & Sendable>(
        signals: Signals, gracefulLimit: Duration, backstop: Duration, logger: Logger,
        onBackstop: @escaping @Sendable () -> Void, _ service: @escaping @Sendable () async throws -> Void
    ) async throws where Signals.Element == UnixSignal {
        let work = Task { try await service() }
        let escalation = Escalation(work: work, backstop: backstop, logger: logger, onBackstop: onBackstop)
        let listener = Task {
            var seen = 0
            do {
                for try await signal in signals {
                    seen += 1
                    if seen == 1 {
                        escalation.startClock(gracefulLimit, signal: signal)
                    } else {
                        escalation.escalate(signal, because: "second signal")
                    }
                }
            } catch {}
        }
        defer { listener.cancel() }
        let outcome: Result<Void, any Error>
        do {
            try await withTaskCancellationHandler {
                try await work.value
            } onCancel: {
                work.cancel()
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)  // e.g. a start cut short by the escalation: its status is still the signal's
        }
        listener.cancel()
        if let signal = escalation.finished() { throw ExitCode(128 + signal.rawValue) }
        try outcome.get()
    }
}

/// The escalation's shared state: which signal escalated (once), the graceful clock and the backstop.
private final class Escalation: Sendable {
    private let work: Task<Void, any Error>
    private let backstop: Duration
    private let logger: Logger
    private let onBackstop: @Sendable () -> Void
    private let state = Mutex<(signal: UnixSignal?, timers: [Task<Void, Never>], done: Bool)>((nil, [], false))

    init(work: Task<Void, any Error>, backstop: Duration, logger: Logger, onBackstop: @escaping @Sendable () -> Void) {
        self.work = work
        self.backstop = backstop
        self.logger = logger
        self.onBackstop = onBackstop
    }

    /// After `limit`, escalates as a second `signal` would.
    func startClock(_ limit: Duration, signal: UnixSignal) {
        state.withLock { state in
            guard !state.done else { return }
            state.timers.append(Task { [self] in
                guard (try? await Task.sleep(for: limit)) != nil else { return }
                escalate(signal, because: "graceful shutdown still running after \(limit)")
            })
        }
    }

    /// Cancels the work (once) and arms the backstop.
    func escalate(_ signal: UnixSignal, because reason: String) {
        let first = state.withLock { state in
            guard state.signal == nil, !state.done else { return false }
            state.signal = signal
            return true
        }
        guard first else { return }
        logger.warning(
            "\(reason): stopping at once; requests in flight are handed back", metadata: ["signal": "\(signal)"])
        work.cancel()
        let backstop = self.backstop
        let guardTimer = Task { [logger, onBackstop] in
            guard (try? await Task.sleep(for: backstop)) != nil else { return }
            logger.error("still running \(backstop) after the shutdown was cut short: exiting now")
            onBackstop()
        }
        let stop = state.withLock { state in
            state.timers.append(guardTimer)
            return state.done
        }
        if stop { guardTimer.cancel() }
    }

    /// The work returned: the timers stop; the signal that escalated, if any.
    func finished() -> UnixSignal? {
        state.withLock { state in
            state.done = true
            for timer in state.timers { timer.cancel() }
            return state.signal
        }
    }
}
