@testable import BridgeCore
import Foundation
import Logging
import Testing

/// `protocol_id`: the request's when it gives one, else `smpp.protocol_id` (DESIGN §1.2 "default: config").
@Suite struct OutboundProtocolIDTests {
    @Test(arguments: [(#""#, UInt8(0x40)), (#","protocol_id":127"#, 127), (#","protocol_id":0"#, 0)])
    func theConfiguredProtocolIDIsUsedUnlessTheRequestSetsOne(field: String, expected: UInt8) async {
        let submitter = AcceptingSubmitter()
        let processor = OutboundProcessor(
            settings: OutboundPipelineSettings(sourceAddress: "ACME", protocolID: 0x40), store: InMemoryBridgeStore(),
            publisher: RecordingPublisher(), submitter: submitter, correlator: ReceiptCorrelator(hold: .milliseconds(10)),
            lateOutcomes: LateOutcomeBook(), metrics: BridgeMetrics(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let request = IncomingRequest(
            body: Array(#"{"id":"p\#(expected)","to":"+1555","text":"x"\#(field)}"#.utf8), properties: .init(),
            redelivered: false, receivedAt: Date())
        #expect(await processor.process(request) == .ack)
        #expect(submitter.sent.withLockedValue { $0.map(\.protocolID) } == [expected])
    }
}
