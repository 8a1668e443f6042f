@testable import BridgeCore
import Logging

extension OutboundProcessor {
    /// A pipeline over fakes for tests: in-memory store, recording publisher, the given submitter; logs dropped
    /// unless a logger is given.
    static func testing(
        settings: OutboundPipelineSettings = OutboundPipelineSettings(sourceAddress: "ACME"),
        store: any BridgeStore = InMemoryBridgeStore(), publisher: RecordingPublisher = RecordingPublisher(),
        submitter: any SegmentSubmitter = AcceptingSubmitter(), metrics: BridgeMetrics = BridgeMetrics(),
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    ) -> OutboundProcessor {
        OutboundProcessor(
            settings: settings, store: store, publisher: publisher, submitter: submitter,
            correlator: ReceiptCorrelator(hold: .milliseconds(10)), lateOutcomes: LateOutcomeBook(), metrics: metrics,
            logger: logger)
    }
}
