import ArgumentParser
import Logging
import NIOConcurrencyHelpers
import Testing
import UnixSignals

@testable import smpp_bridge

/// How `run` ends a graceful shutdown that does not end by itself, with synthetic signals: the second signal or
/// the graceful limit cancels the service and the exit status is 128 + the signal (the limit ended with status 0:
/// review finding); a service that ends in time exits normally; the backstop acts only on a service that ignores
/// its cancellation.
@Suite struct SecondSignalTests {
    static let quiet = Logger(label: "second-signal", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A service that runs until cancelled, then takes `handBack` to return.
    static func service(handBack: Duration = .zero) -> @Sendable () async throws -> Void {
        {
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
            await Task { try? await Task.sleep(for: handBack) }.value  // the hand-backs: not cut short by the cancel
        }
    }

    func exitCode(
        signals: [UnixSignal], gracefulLimit: Duration = .seconds(30), backstop: Duration = .seconds(30),
        backstopFired: NIOLockedValueBox<Bool>, service: @escaping @Sendable () async throws -> Void = service()
    ) async -> Int32? {
        let (stream, feed) = AsyncStream<UnixSignal>.makeStream()
        for signal in signals { feed.yield(signal) }
        do {
            try await SecondSignal.escalating(
                signals: stream, gracefulLimit: gracefulLimit, backstop: backstop, logger: Self.quiet,
                onBackstop: { backstopFired.withLockedValue { $0 = true } }, service)
            return nil
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            return -1
        }
    }

    @Test func theGracefulLimitCancelsTheServiceWithTheSignalsStatus() async {
        let fired = NIOLockedValueBox(false)
        #expect(await exitCode(signals: [.sigterm], gracefulLimit: .milliseconds(100), backstopFired: fired) == 143)
        #expect(!fired.withLockedValue { $0 })
    }

    @Test func aSecondSignalCancelsTheServiceAtOnce() async {
        let fired = NIOLockedValueBox(false)
        #expect(await exitCode(signals: [.sigterm, .sigint], backstopFired: fired) == 130)
        #expect(!fired.withLockedValue { $0 })
    }

    @Test func aServiceThatEndsByItselfExitsNormally() async {
        let fired = NIOLockedValueBox(false)
        let code = await exitCode(
            signals: [.sigterm], gracefulLimit: .milliseconds(200), backstopFired: fired,
            service: { try await Task.sleep(for: .milliseconds(20)) })
        #expect(code == nil)
    }

    /// A service that throws once cancelled by the escalation (a start cut short) still ends with the signal's
    /// status, not its own error.
    @Test func aServiceThrowingAfterTheEscalationEndsWithTheSignalsStatus() async {
        struct StartCutShort: Error {}
        let fired = NIOLockedValueBox(false)
        let code = await exitCode(
            signals: [.sigint], gracefulLimit: .milliseconds(50), backstopFired: fired,
            service: {
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                throw StartCutShort()
            })
        #expect(code == 130)
    }

    @Test func theBackstopActsOnAServiceSlowToStop() async {
        let fired = NIOLockedValueBox(false)
        let code = await exitCode(
            signals: [.sigterm, .sigterm], backstop: .milliseconds(50), backstopFired: fired,
            service: Self.service(handBack: .milliseconds(400)))
        #expect(code == 143 && fired.withLockedValue { $0 })
    }
}
