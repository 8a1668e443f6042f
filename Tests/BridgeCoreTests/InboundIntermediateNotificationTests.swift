import BridgeCore
import Foundation
import SMPP
import Testing

/// An intermediate delivery notification (esm_class 0x20) says the message is still on its way: without a stat the
/// bridge can read, it is published `enroute`, not final — a consumer waiting for the final receipt keeps waiting.
@Suite struct InboundIntermediateNotificationTests {
    private static func notification(stat: String, esm: ESMClass) -> InboundShortMessage {
        InboundShortMessage(
            source: Address(ton: 1, npi: 1, address: "573001234567"), destination: Address(ton: 5, address: "ACME"),
            esmClass: esm, dataCoding: 0, shortMessage: Array("id:77 sub:001 dlvrd:000 stat:\(stat) err:000".utf8),
            tlvs: [])
    }

    @Test func anUnreadableIntermediateNotificationIsEnroute() async throws {
        let fixture = InboundFixture()
        #expect(await fixture.processor.process(Self.notification(stat: "QUEUED", esm: .intermediateNotification)) == .ok)
        let json = try fixture.publisher.json(0)
        #expect(json["state"] as? String == "enroute" && json["final"] as? Bool == false)
        #expect(json["stat"] as? String == "QUEUED", "the SMSC's word is kept")
    }

    @Test func anUnreadableReceiptIsStillUnknownAndFinal() async throws {
        let fixture = InboundFixture()
        #expect(await fixture.processor.process(Self.notification(stat: "QUEUED", esm: .deliveryReceipt)) == .ok)
        let json = try fixture.publisher.json(0)
        #expect(json["state"] as? String == "unknown" && json["final"] as? Bool == true)
    }
}
