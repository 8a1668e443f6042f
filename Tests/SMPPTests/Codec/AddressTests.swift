import SMPP
import Testing

@Suite struct AddressTests {
    @Test func constantsFromReferenceSection6() {
        let tons = [
            TypeOfNumber.unknown, TypeOfNumber.international, TypeOfNumber.national, TypeOfNumber.networkSpecific,
            TypeOfNumber.subscriberNumber, TypeOfNumber.alphanumeric, TypeOfNumber.abbreviated,
        ]
        #expect(tons == [0, 1, 2, 3, 4, 5, 6])
        #expect([NumberingPlan.unknown, NumberingPlan.isdn, NumberingPlan.data, NumberingPlan.telex,
            NumberingPlan.landMobile, NumberingPlan.national, NumberingPlan.private, NumberingPlan.ermes,
            NumberingPlan.internet, NumberingPlan.wapClientID] == [0, 1, 3, 4, 6, 8, 9, 10, 14, 18])
        #expect(RegisteredDelivery.onSuccessOrFailure == 1 && RegisteredDelivery.intermediateNotification == 0x10)
        #expect(Address(ton: 1, npi: 1, address: "57300").description == "1/1/57300")
        #expect(Address() == Address(ton: 0, npi: 0, address: ""))
    }

    @Test func messageStateNames() {
        #expect((1...8).map { MessageState.name(UInt8($0)) ?? "" } == [
            "ENROUTE", "DELIVERED", "EXPIRED", "DELETED", "UNDELIVERABLE", "ACCEPTED", "UNKNOWN", "REJECTED",
        ])
        #expect(MessageState.name(0) == nil && MessageState.name(9) == nil)
        #expect(MessageState.delivered == 2 && MessageState.rejected == 8)
    }
}
