import NIOCore
@testable import SMSCSimulator
import Testing

/// The simulator's receipt clock: receipts come out in due order per step, only once due, however many wait.
@Suite struct DueReceiptQueueTests {
    static let record = SubmitRecord(
        messageID: "1", account: "acme", session: 1, sequenceNumber: 1, serviceType: "", sourceTON: 5, sourceNPI: 0,
        sourceAddress: "ACME", destinationTON: 1, destinationNPI: 1, destinationAddress: "573001234567", esmClass: 0,
        protocolID: 0, priority: 0, registeredDelivery: 1, dataCoding: 0, shortMessage: [], tlvs: [],
        receivedAtMilliseconds: 0)
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func receipt(_ id: String, at milliseconds: Int64, stat: ReceiptStat = .delivered) -> DueReceipt {
        DueReceipt(due: start + .milliseconds(milliseconds), record: Self.record, receiptID: id, stat: stat,
                   account: "acme")
    }

    @Test func onlyDueReceiptsComeOutStepByStep() {
        var queue = DueReceiptQueue()
        #expect(queue.isEmpty && queue.nextDue == nil)
        queue.add(receipt("a", at: 100, stat: .enroute), step: 0)
        queue.add(receipt("b", at: 110, stat: .enroute), step: 0)
        queue.add(receipt("a", at: 200), step: 1)
        #expect(queue.nextDue == start + .milliseconds(100))
        #expect(queue.takeDue(now: start + .milliseconds(99)).isEmpty)
        #expect(queue.takeDue(now: start + .milliseconds(105)).map(\.receiptID) == ["a"])
        #expect(queue.nextDue == start + .milliseconds(110))
        #expect(queue.takeDue(now: start + .milliseconds(250)).map { "\($0.receiptID)\($0.stat.rawValue)" }
            == ["bENROUTE", "aDELIVRD"])
        #expect(queue.isEmpty && queue.nextDue == nil)
    }

    @Test func manyReceiptsTakenInSlicesKeepTheirOrder() {
        var queue = DueReceiptQueue()
        for index in 0..<5_000 { queue.add(receipt("\(index)", at: Int64(index)), step: 0) }
        var taken: [String] = []
        for milliseconds in stride(from: Int64(0), through: 5_005, by: 7) {
            taken += queue.takeDue(now: start + .milliseconds(milliseconds)).map(\.receiptID)
            if milliseconds == 2_499 { queue.add(receipt("late", at: 6_000), step: 0) }
        }
        #expect(taken.count == 5_000)
        #expect(taken == (0..<5_000).map { "\($0)" }, "in due order, each once")
        #expect(queue.nextDue == start + .milliseconds(6_000))
        #expect(queue.takeDue(now: start + .milliseconds(6_000)).map(\.receiptID) == ["late"])
    }
}
