import Testing

@testable import smpp_bench

/// The bookkeeping of `smpp-bench e2e` as plain sequences of events (no broker).
@Suite struct EndToEndTallyTests {
    let start = ContinuousClock.now

    func result(_ id: String, status: String = "accepted", segments: Int = 1, extra: String = "") -> [UInt8] {
        let list = (1...max(1, segments)).map { #"{"index":\#($0),"message_id":"M\#(id)-\#($0)","command_status":0}"# }
        return Array(#"{"type":"submit_result","request_id":"\#(id)","status":"\#(status)","segments":[\#(list.joined(separator: ","))]\#(extra)}"#.utf8)
    }

    func receipt(_ id: String?, segment: Int = 1, final: Bool = true, matched: Bool = true) -> [UInt8] {
        let request = id.map { "\"\($0)\"" } ?? "null"
        return Array(#"{"type":"delivery_receipt","request_id":\#(request),"message_id":"M\#(id ?? "x")-\#(segment)","segment":\#(segment),"final":\#(final),"matched":\#(matched)}"#.utf8)
    }

    @Test func completeRunCountsLatencyRateAndReceiptsPerSegment() {
        var tally = EndToEndTally(run: "r1", requests: 2, expectsReceipts: true, expectedSegments: { $0 })
        tally.published(1, at: start)
        tally.published(2, at: start + .milliseconds(1))
        tally.record(tally.reader.result(from: result("r1-1")), at: start + .milliseconds(10))
        tally.record(tally.reader.receipt(from: receipt("r1-1")), at: start + .milliseconds(11))
        #expect(!tally.isComplete)
        tally.record(tally.reader.result(from: result("r1-2", segments: 2)), at: start + .milliseconds(21))
        #expect(tally.acceptedSegments == 3)
        #expect(tally.missing == 2)
        tally.record(tally.reader.receipt(from: receipt("r1-2", segment: 2)), at: start + .milliseconds(30))
        tally.record(tally.reader.receipt(from: receipt("r1-2", segment: 1, final: false)), at: start + .milliseconds(31))
        #expect(!tally.isComplete)
        tally.record(tally.reader.receipt(from: receipt("r1-2", segment: 1)), at: start + .milliseconds(40))
        #expect(tally.isComplete)
        #expect(tally.missing == 0)
        let report = EndToEndReport(
            tally: tally, mix: false, timedOut: false, bridgeCPUMicroseconds: 3000, bridgePeakKilobytes: 2048)
        #expect(report.requests == 2 && report.accepted == 2 && report.receipts == 3 && report.receiptsExpected == 3)
        #expect(report.seconds == 0.04)
        #expect(report.requestsPerSecond == 50)
        #expect(report.resultP50Milliseconds == 10)
        #expect(report.resultP99Milliseconds == 20)
        #expect(report.cpuMicrosecondsPerRequest == 1500)
        #expect(report.peakRSSMegabytes == 2)
        #expect(report.isComplete)
    }

    @Test func copiesConflictsAndStrangersAreCountedApart() {
        var tally = EndToEndTally(run: "r2", requests: 3, expectsReceipts: false)
        for index in 1...3 { tally.published(index, at: start) }
        let first = result("r2-1")
        tally.record(tally.reader.result(from: first), at: start)
        tally.record(tally.reader.result(from: first), at: start)
        tally.record(tally.reader.result(from: result("r2-1", status: "failed")), at: start)
        tally.record(tally.reader.result(from: result("r2-2", status: "rejected")), at: start)
        for stranger in ["r22-1", "r2-4", "r2-0", "r2-+3", "r2-", "other-3"] {
            tally.record(tally.reader.result(from: result(stranger)), at: start)
        }
        tally.record(tally.reader.result(from: Array("not json".utf8)), at: start)
        tally.record(tally.reader.receipt(from: receipt(nil, matched: false)), at: start)
        #expect(tally.duplicates == 1)
        #expect(tally.conflicts == 1)
        #expect(tally.foreign == 6)
        #expect(tally.unreadable == 1)
        #expect(tally.unmatchedReceipts == 1)
        #expect(tally.resultCount == 2 && tally.accepted == 1)
        #expect(tally.missing == 1)
        #expect(!tally.isComplete)
        let report = EndToEndReport(
            tally: tally, mix: false, timedOut: true, bridgeCPUMicroseconds: nil, bridgePeakKilobytes: nil)
        #expect(report.failedOrOther == 1 && report.receiptsExpected == 0)
        #expect(report.foreign == 6 && report.unreadable == 1)
        #expect(report.cpuMicrosecondsPerRequest == nil && report.peakRSSMegabytes == nil)
        #expect(!report.isComplete)
    }

    @Test func repeatedReceiptIsADuplicateReceiptNotASecondOne() {
        var tally = EndToEndTally(run: "r3", requests: 1, expectsReceipts: true)
        tally.published(1, at: start)
        tally.record(tally.reader.receipt(from: receipt("r3-1")), at: start)
        tally.record(tally.reader.receipt(from: receipt("r3-1")), at: start)
        tally.record(tally.reader.result(from: result("r3-1", segments: 2)), at: start)
        #expect(tally.receipts == 1 && tally.duplicateReceipts == 1)
        #expect(tally.missing == 1)
    }

    /// A receipt counts only for the request and segment whose result names its message id — whether it came before
    /// or after that result; one for another segment, or for a request that was not accepted, is misattributed.
    @Test func aReceiptForAnotherSegmentOrRequestIsMisattributed() {
        var tally = EndToEndTally(run: "r4", requests: 3, expectsReceipts: true)
        for index in 1...3 { tally.published(index, at: start) }
        // Before its result: segment 1's receipt under request 1, but carrying request 2's message id.
        tally.record(tally.reader.receipt(from: Array(
            #"{"request_id":"r4-1","message_id":"Mr4-2-1","segment":1,"final":true,"matched":true}"#.utf8)), at: start)
        tally.record(tally.reader.result(from: result("r4-1")), at: start)
        tally.record(tally.reader.result(from: result("r4-2")), at: start)
        tally.record(tally.reader.receipt(from: receipt("r4-2")), at: start)
        // After its result: the right message id under the wrong segment number.
        tally.record(tally.reader.receipt(from: Array(
            #"{"request_id":"r4-2","message_id":"Mr4-2-1","segment":2,"final":true,"matched":true}"#.utf8)), at: start)
        tally.record(tally.reader.result(from: result("r4-3", status: "failed")), at: start)
        tally.record(tally.reader.receipt(from: receipt("r4-3")), at: start)
        #expect(tally.receipts == 1 && tally.misattributedReceipts == 3)
        #expect(tally.missing == 1, "request 1's own receipt never came")
        let report = EndToEndReport(
            tally: tally, mix: false, timedOut: true, bridgeCPUMicroseconds: nil, bridgePeakKilobytes: nil)
        #expect(report.misattributedReceipts == 3 && !report.isComplete)
    }

    /// A receipt whose id is written otherwise than the submit_sm_resp's (decimal for hex, case, leading zeros) is
    /// still that segment's, as the bridge matches it (`smsc-sim --receipt-id-format dec`).
    @Test func aReceiptIDInAnotherFormIsTheSegments() {
        var tally = EndToEndTally(run: "r7", requests: 1, expectsReceipts: true)
        tally.published(1, at: start)
        tally.record(tally.reader.result(from: Array(
            #"{"request_id":"r7-1","status":"accepted","segments":[{"index":1,"message_id":"0000a1"},{"index":2,"message_id":"B2"}]}"#.utf8)),
            at: start)
        tally.record(tally.reader.receipt(from: Array(
            #"{"request_id":"r7-1","message_id":"161","segment":1,"final":true,"matched":true}"#.utf8)), at: start)
        tally.record(tally.reader.receipt(from: Array(
            #"{"request_id":"r7-1","message_id":"b2","segment":2,"final":true,"matched":true}"#.utf8)), at: start)
        #expect(tally.receipts == 2 && tally.misattributedReceipts == 0 && tally.isComplete)
    }

    /// An accepted result listing fewer segments than its request's text is sent as fails the run, as does a result
    /// other than accepted (the simulator accepts everything).
    @Test func aResultWithTooFewSegmentsOrNotAcceptedFailsTheRun() {
        var tally = EndToEndTally(run: "r5", requests: 1, expectsReceipts: false, expectedSegments: { _ in 3 })
        tally.published(1, at: start)
        tally.record(tally.reader.result(from: result("r5-1", segments: 2)), at: start)
        #expect(tally.segmentMismatches == 1 && tally.isComplete)
        let report = EndToEndReport(
            tally: tally, mix: true, timedOut: false, bridgeCPUMicroseconds: nil, bridgePeakKilobytes: nil)
        #expect(report.segmentMismatches == 1 && !report.isComplete)
        var failing = EndToEndTally(run: "r6", requests: 1, expectsReceipts: false)
        failing.record(failing.reader.result(from: result("r6-1", status: "rejected")), at: start)
        #expect(failing.isComplete)
        #expect(!EndToEndReport(
            tally: failing, mix: false, timedOut: false, bridgeCPUMicroseconds: nil, bridgePeakKilobytes: nil).isComplete)
    }

    @Test func requestsAreTheFeedsTextUnlessMixed() throws {
        let plain = EndToEndRequests(mix: false, receipts: true)
        let body = String(decoding: plain.body(index: 7, id: "run-7"), as: UTF8.self)
        #expect(body == #"{"id":"run-7","to":"+573001200007","text":"Your code is 055433. Valid for 10 min.","dlr":true}"#)
        let mixed = EndToEndRequests(mix: true, receipts: false)
        #expect((1...10).map { mixed.kind(of: $0) }
            == [.shortGSM, .shortGSM, .shortGSM, .shortGSM, .shortGSM, .extensionGSM, .ucs2, .longGSM, .longUCS2, .shortGSM])
        #expect(mixed.text(of: 8).count == 220)
        #expect(mixed.text(of: 9).count == 160)
    }

    @Test func commandOptionsBecomeSettings() throws {
        let defaults = try EndToEndBenchmarkCommand.parse([]).settings(environment: [:])
        #expect(defaults.amqpURL == "amqp://guest:guest@127.0.0.1:5672/")
        #expect(defaults.queue == "smpp.outbound" && defaults.resultsExchange == "smpp.results")
        #expect(defaults.dlrExchange == "smpp.dlr" && defaults.requests == 10_000 && defaults.receipts)
        #expect(!defaults.mix && defaults.bridgePID == nil && defaults.timeout == .seconds(300))
        let command = try EndToEndBenchmarkCommand.parse([
            "-n", "50", "--no-receipts", "--mix", "--queue", "q", "--bridge-pid", "42", "--run", "abc", "--timeout", "1.5",
        ])
        let settings = command.settings(environment: ["SMPP_BRIDGE_TEST_AMQP_URL": "amqp://u:p@127.0.0.1:1/"])
        #expect(settings.amqpURL == "amqp://u:p@127.0.0.1:1/")
        #expect(settings.requests == 50 && !settings.receipts && settings.mix && settings.queue == "q")
        #expect(settings.bridgePID == 42 && settings.run == "abc" && settings.timeout == .milliseconds(1500))
        #expect(throws: (any Error).self) { try EndToEndBenchmarkCommand.parse(["-n", "0"]) }
        #expect(throws: (any Error).self) { try EndToEndBenchmarkCommand.parse(["--run", "a b"]) }
    }

    @Test func percentileIsNearestRank() {
        let values = Array(1...100)
        #expect(percentile(values, 0.5) == 50)
        #expect(percentile(values, 0.99) == 99)
        #expect(percentile(values, 1.0) == 100)
        #expect(percentile([Int](), 0.5) == nil)
        #expect(percentile([7], 0.01) == 7)
    }
}
