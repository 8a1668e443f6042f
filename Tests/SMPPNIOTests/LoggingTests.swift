import Logging
import NIOConcurrencyHelpers
import SMPP
import SMSCSimulator
import Testing

@testable import SMPPNIO

/// Keeps every log line (level, message, metadata rendered) for assertions.
final class CapturedLog: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var text: String
    }

    private let lines = NIOLockedValueBox<[Line]>([])
    var all: [Line] { lines.withLockedValue { $0 } }
    func append(_ line: Line) { lines.withLockedValue { $0.append(line) } }

    func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "captured") { _ in CapturingHandler(log: self) }
        logger.logLevel = level
        return logger
    }
}

struct CapturingHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        log.append(.init(level: event.level, text: "\(event.message) \(rendered)"))
    }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct LoggingTests {
    @Test func traceLogsEveryPDUButNeverThePassword() async throws {
        let log = CapturedLog()
        let loopback = try await Loopback.start(logger: log.logger(level: .trace), client: { $0.sessions = 1 })
        let outcomes = await loopback.submitAll(5)
        loopback.expectRecordsMatch(outcomes, count: 5)
        try await loopback.stop()
        let lines = log.all
        #expect(lines.contains { $0.level == .trace && $0.text.contains("bind_transceiver") })
        #expect(lines.contains { $0.level == .trace && $0.text.contains("submit_sm_resp") })
        #expect(lines.contains { $0.level == .debug && $0.text.contains("smpp.message_id=") })
        #expect(lines.contains { $0.level == .info && $0.text.contains("bound") && $0.text.contains("smpp.status_name=ESME_ROK") })
        #expect(!lines.contains { $0.text.contains(Loopback.password) })
    }

    /// Issue 3 item 8 asks for a full PDU trace: outbound submits were traced as command name and sequence only.
    @Test func traceShowsTheSubmittedPDUInFull() async throws {
        let log = CapturedLog()
        let loopback = try await Loopback.start(logger: log.logger(level: .trace), client: { $0.sessions = 1 })
        let outcomes = await loopback.submitAll(1)
        loopback.expectRecordsMatch(outcomes, count: 1)
        try await loopback.stop()
        let destination = Loopback.message(0).destination.address
        #expect(log.all.contains { $0.level == .trace && $0.text.hasPrefix("sending")
            && $0.text.contains("submit_sm") && $0.text.contains(destination) })
    }

    @Test func badCredentialsLogOneErrorLinePerAttempt() async throws {
        let log = CapturedLog()
        let loopback = try await Loopback.start(logger: log.logger(level: .info), client: {
            $0.password = "wrong"
            $0.sessions = 1
            $0.reconnectInitialDelay = .milliseconds(10)
            $0.reconnectMaxDelay = .milliseconds(20)
        })
        var rejections = 0
        for await event in loopback.client.sessionEvents {
            if case .ended(_, .bindRejected) = event { rejections += 1 }
            if rejections == 3 { break }
        }
        try await loopback.stopClient()
        let attempts = Int(loopback.simulator.counters.bindsRejected)
        await loopback.simulator.stop()
        let errors = log.all.filter { $0.level == .error }
        #expect(errors.count == attempts)
        #expect(errors.allSatisfy { $0.text.contains("smpp.status_name=ESME_RINVPASWD") && $0.text.contains("smpp.system_id=loop") })
        #expect(!log.all.contains { $0.text.contains("wrong") })
    }
}
