import ArgumentParser
import Foundation
import Logging
import UnixSignals

/// The second SIGTERM or SIGINT: the operator wants the process gone now (issue 7, "a second signal exits at once").
///
/// The first signal starts the graceful shutdown (the service group's own handler). The second cancels the group:
/// requests still in flight are handed back at once (nack + requeue; a request that had a segment written keeps its
/// in-flight mark, so its redelivery is flagged `possible_duplicate`), the connections close without waiting for
/// the drain, and `run` exits with 128 + the signal's number. If that still takes longer than `backstop`, the
/// process exits there and then — what an unacknowledged delivery and a committed store survive, as after SIGKILL.
enum SecondSignal {
    /// How long the cancelled service group may take before the process exits regardless.
    static let backstop: Duration = .seconds(5)

    /// Runs `service` (the service group) until it returns; the second SIGTERM/SIGINT cancels it and the call then
    /// throws the signal's exit code.
    static func escalating(logger: Logger, _ service: @escaping @Sendable () async throws -> Void) async throws {
        let work = Task { try await service() }
        let escalation = Task<UnixSignal?, Never> {
            var seen = 0
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                seen += 1
                guard seen == 2 else { continue }
                logger.warning(
                    "second signal: stopping at once; requests in flight are handed back",
                    metadata: ["signal": "\(signal)"])
                work.cancel()
                await exitAfterBackstop(logger: logger)
                return signal
            }
            return nil
        }
        defer { escalation.cancel() }
        try await withTaskCancellationHandler {
            try await work.value
        } onCancel: {
            work.cancel()
        }
        escalation.cancel()
        if let signal = await escalation.value { throw ExitCode(128 + signal.rawValue) }
    }

    /// Sleeps `backstop`, then exits the process; returns early when the escalation task is cancelled (the
    /// cancelled service group returned in time).
    private static func exitAfterBackstop(logger: Logger) async {
        do {
            try await Task.sleep(for: backstop)
        } catch {
            return
        }
        logger.error("still running \(backstop) after the second signal: exiting now")
        exit(1)
    }
}
