@testable import BridgeCore
import Foundation
import Logging
import MetricsTestKit
import NIOConcurrencyHelpers
import Testing

/// Log lines kept in memory.
final class BridgeLogCapture: Sendable {
    let lines = NIOLockedValueBox<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])

    func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "captured") { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    struct Handler: LogHandler {
        let capture: BridgeLogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.lines.withLockedValue {
                $0.append((event.level, "\(event.message)", metadata.merging(event.metadata ?? [:]) { $1 }))
            }
        }
    }
}

/// What the outbound pipeline says in its log: a segment's answer is tied to its request (and to the session's
/// lines through the submit tag) at debug; an accepted result flagged possible_duplicate is worth an info line.
@Suite struct OutboundLoggingTests {
    func processor(_ store: InMemoryBridgeStore, _ log: BridgeLogCapture, level: Logger.Level) -> OutboundProcessor {
        OutboundProcessor.testing(store: store, logger: log.logger(level: level))
    }

    func request(_ id: String) -> IncomingRequest {
        IncomingRequest(
            body: Array(#"{"id":"\#(id)","to":"+1555","text":"x"}"#.utf8), properties: .init(), redelivered: false,
            receivedAt: Date())
    }

    @Test func aSegmentAnswerIsTiedToItsRequestAtDebug() async {
        let log = BridgeLogCapture()
        let processor = processor(InMemoryBridgeStore(), log, level: .debug)
        #expect(await processor.process(request("traced")) == .ack)
        let line = log.lines.withLockedValue { $0 }.first { $0.message == "segment answered" }
        #expect(line?.metadata["request_id"] == "traced" && line?.metadata["segment"] == "1")
        #expect(line?.metadata["smpp.submit_tag"] != nil)
    }

    @Test func anAcceptedResultFlaggedPossibleDuplicateIsLoggedAtInfo() async throws {
        let log = BridgeLogCapture()
        let store = InMemoryBridgeStore()
        let processor = processor(store, log, level: .info)
        #expect(await processor.process(request("plain")) == .ack)
        try await store.markInFlight(id: "recovered", at: Date(timeIntervalSinceNow: -30))
        #expect(await processor.process(request("recovered")) == .ack)
        let results = log.lines.withLockedValue { $0 }.filter { $0.message == "submit result" }
        #expect(results.count == 1)
        #expect(results.first?.metadata["request_id"] == "recovered")
        #expect(results.first?.metadata["possible_duplicate"] == "true")
    }

    /// `requeued` counts every delivery handed back: a result or a dead letter the broker did not confirm too.
    @Test func unconfirmedResultsAndDeadLettersCountAsRequeued() async {
        let metrics = TestMetrics()
        let publisher = RecordingPublisher()
        publisher.failing.withLockedValue { $0 = true }
        let processor = OutboundProcessor.testing(
            publisher: publisher, metrics: BridgeMetrics(factory: metrics))
        #expect(await processor.process(request("unconfirmed")) == .requeue)
        let noID = IncomingRequest(body: Array("{}".utf8), properties: .init(), redelivered: false, receivedAt: Date())
        #expect(await processor.process(noID) == .requeue)
        #expect(metrics.counterTotal(label: "smpp_bridge_requests_total", dimensions: [("outcome", "requeued")]) == 2)
    }
}
