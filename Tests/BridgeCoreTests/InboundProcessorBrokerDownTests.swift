import BridgeCore
import Foundation
import SMPP
import Testing

@Suite struct InboundProcessorBrokerDownTests {
    /// While the broker is unreachable, a deliver_sm is answered ESME_RX_T_APPN at once and no publish is left
    /// queued behind the answer: the SMSC delivers it again, and only that delivery is published (no copy with
    /// another event id).
    @Test func aDeliverSMWhileThePublisherIsDisconnectedIsRefusedWithoutAQueuedPublish() async throws {
        let fixture = InboundFixture()
        fixture.publisher.connected.withLockedValue { $0 = false }
        let mo = InboundFixture.mo(Array("Hola".utf8))
        #expect(await fixture.processor.process(mo) == .receiverTemporaryAppError)
        #expect(await fixture.processor.process(InboundFixture.receipt("5F3A9C01")) == .receiverTemporaryAppError)
        #expect(fixture.publisher.all.isEmpty, "nothing left to go out after the answer")
        fixture.publisher.connected.withLockedValue { $0 = true }
        #expect(await fixture.processor.process(mo) == .ok)
        #expect(fixture.publisher.all.count == 1)
        #expect(try fixture.publisher.json(0)["text"] as? String == "Hola")
    }

    /// A receipt no memory matches while the broker is down is refused at once, not after its store lookup and hold
    /// (here 60 s; the bound below leaves a wide margin for a slow machine).
    @Test func aReceiptWhileTheBrokerIsDownIsRefusedWithoutItsHold() async {
        let fixture = InboundFixture(hold: .seconds(60))
        fixture.publisher.connected.withLockedValue { $0 = false }
        let started = ContinuousClock.now
        #expect(await fixture.processor.process(InboundFixture.receipt("UNKNOWN-1")) == .receiverTemporaryAppError)
        #expect(ContinuousClock.now - started < .seconds(30), "answered after the hold")
        #expect(fixture.publisher.all.isEmpty)
    }
}
