import Testing

@testable import SMSCSimulator

@Suite struct OutcomeMixTests {
    @Test func parsesStatsAndWeights() throws {
        let mix = try OutcomeMix(parsing: "DELIVRD=90,UNDELIV=10")
        #expect(mix.entries == [
            .init(outcome: DeliveryOutcome(final: .delivered), weight: 90),
            .init(outcome: DeliveryOutcome(final: .undeliverable), weight: 10),
        ])
        #expect(mix.description == "DELIVRD=90,UNDELIV=10")
    }

    @Test func parsesEnrouteThenFinal() throws {
        let mix = try OutcomeMix(parsing: "enroute=1, ENROUTE+EXPIRED = 2,REJECTD=3")
        #expect(mix.entries.map(\.outcome) == [
            DeliveryOutcome(intermediate: .enroute, final: .delivered),
            DeliveryOutcome(intermediate: .enroute, final: .expired),
            DeliveryOutcome(final: .rejected),
        ])
        #expect(mix.entries[1].outcome.receipts == [.enroute, .expired])
    }

    @Test(arguments: ["", "DELIVRD", "DELIVRD=x", "FOO=1", "DELIVRD=0", "ENROUTE+ENROUTE=1", "DELIVRD=-1", "ENROUTE+ACCEPTD=1"])
    func rejectsInvalidSpellings(_ text: String) {
        #expect(throws: SimulatorConfigurationError.self) { try OutcomeMix(parsing: text) }
    }

    @Test func drawsInProportionWithASeed() throws {
        let mix = try OutcomeMix(parsing: "DELIVRD=90,UNDELIV=10")
        var random = SimulatorRandom(seed: 42)
        var undelivered = 0
        for _ in 0..<10_000 where mix.pick(using: &random).final == .undeliverable { undelivered += 1 }
        #expect((850...1150).contains(undelivered))
    }

    @Test func sameSeedSameSequence() throws {
        let mix = try OutcomeMix(parsing: "DELIVRD=50,UNDELIV=25,EXPIRED=25")
        var first = SimulatorRandom(seed: 7)
        var second = SimulatorRandom(seed: 7)
        let a = (0..<50).map { _ in mix.pick(using: &first) }
        let b = (0..<50).map { _ in mix.pick(using: &second) }
        #expect(a == b)
        #expect(Set(a.map(\.final)).count == 3)
    }

    @Test func zeroWeightIsNeverDrawn() throws {
        let mix = try OutcomeMix(parsing: "DELIVRD=0,REJECTD=5")
        var random = SimulatorRandom(seed: 1)
        #expect((0..<1000).allSatisfy { _ in mix.pick(using: &random).final == .rejected })
    }

    @Test func statsCarryStateAndErrors() {
        #expect(ReceiptStat.delivered.messageState == 2)
        #expect(ReceiptStat.undeliverable.messageState == 5)
        #expect(ReceiptStat.rejected.messageState == 8)
        #expect(ReceiptStat.enroute.messageState == 1)
        #expect(ReceiptStat.delivered.networkErrorCode == nil)
        #expect(ReceiptStat.delivered.errField == "000")
        #expect(ReceiptStat.undeliverable.networkErrorCode == [3, 0, 1])
        #expect(ReceiptStat.expired.errField == "027")
        #expect(!ReceiptStat.enroute.isFinal)
    }
}
