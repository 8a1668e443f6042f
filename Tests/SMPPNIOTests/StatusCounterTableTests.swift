import Metrics
import MetricsTestKit
import SMPP
import Testing

@testable import SMPPNIO

/// An SMSC answering with arbitrary command_status values cannot grow the submit metrics without bound: named
/// statuses each keep a label, the first few unnamed ones too, and the rest share `OTHER`.
@Suite struct StatusCounterTableTests {
    @Test func unnamedStatusesBeyondTheLimitShareOneLabel() throws {
        let metrics = SMPPClientMetrics(factory: TestMetrics())
        let unnamed = (0..<(StatusCounterTable.distinctUnnamedLimit + 40)).map { CommandStatus(rawValue: 0x400 + UInt32($0)) }
        let named: [CommandStatus] = [.ok, .throttled, .invalidDestinationAddress]
        var labels = Set<String>()
        for status in unnamed + named {
            let counter = metrics.submits(status: status)
            #expect(counter === metrics.submits(status: status), "one counter per status")
            labels.insert(counter.label + "|" + (counter.dimensions.first?.1 ?? ""))
        }
        #expect(labels.count == StatusCounterTable.distinctUnnamedLimit + 1 + named.count)
        #expect(labels.contains(SMPPClientMetrics.submitsName + "|" + StatusCounterTable.otherLabel))
        #expect(labels.contains(SMPPClientMetrics.submitsName + "|ESME_RTHROTTLED"))
        #expect(labels.contains(SMPPClientMetrics.submitsName + "|" + unnamed[0].name))
        #expect(!labels.contains(SMPPClientMetrics.submitsName + "|" + unnamed.last!.name))
    }
}
