import Testing

@testable import SMSCSimulator

@Suite struct FaultDecisionTests {
    /// `submitFaultConnections` confines the submit fractions to the first N connections; other faults stay.
    @Test func submitFaultsOnlyOnTheFirstConnections() {
        var faults = SimulatorFaults()
        faults.throttleRate = 1
        faults.dropRate = 0.5
        faults.submitFaultConnections = 2
        #expect(faults.forConnection(1) == faults)
        #expect(faults.forConnection(2) == faults)
        let later = faults.forConnection(3)
        #expect(later.throttleRate == 0 && later.dropRate == 0.5)
        var random = SimulatorRandom(seed: 1)
        #expect(later.submitFault(using: &random) == .accept)
        faults.submitFaultConnections = nil
        #expect(faults.forConnection(99) == faults)
    }

    @Test func noFaultsAcceptEverything() {
        var random = SimulatorRandom(seed: 1)
        let faults = SimulatorFaults()
        #expect((0..<1000).allSatisfy { _ in faults.submitFault(using: &random) == .accept })
        #expect((1...1000).allSatisfy { !faults.shouldDrop(receivedPDUs: $0, using: &random) })
    }

    @Test func certainFaults() {
        var random = SimulatorRandom(seed: 1)
        var faults = SimulatorFaults()
        faults.throttleRate = 1
        #expect(faults.submitFault(using: &random) == .throttle)
        faults.throttleRate = 0
        faults.queueFullRate = 1
        #expect(faults.submitFault(using: &random) == .queueFull)
        faults.queueFullRate = 0
        faults.noResponseRate = 1
        #expect(faults.submitFault(using: &random) == .noResponse)
        faults.noResponseRate = 0
        faults.genericNackRate = 1
        #expect(faults.submitFault(using: &random) == .genericNack)
        faults.genericNackRate = 0
        faults.malformedRate = 1
        #expect(faults.submitFault(using: &random) == .malformed)
        faults.malformedRate = 0
        faults.acceptWithoutResponseRate = 1
        #expect(faults.submitFault(using: &random) == .acceptWithoutResponse)
    }

    /// The fault added last takes the range after the others: a seeded run without it draws exactly as before.
    @Test func acceptWithoutResponseLeavesTheOtherRangesAsTheyWere() {
        var faults = SimulatorFaults()
        faults.throttleRate = 0.2
        faults.noResponseRate = 0.05
        var with = faults
        with.acceptWithoutResponseRate = 0.1
        var plain = SimulatorRandom(seed: 5)
        var seeded = SimulatorRandom(seed: 5)
        for _ in 0..<5_000 {
            let before = faults.submitFault(using: &plain)
            let after = with.submitFault(using: &seeded)
            #expect(after == before || (before == .accept && after == .acceptWithoutResponse))
        }
    }

    @Test func mixedFractionsAreExclusiveAndProportional() {
        var random = SimulatorRandom(seed: 99)
        var faults = SimulatorFaults()
        faults.throttleRate = 0.2
        faults.queueFullRate = 0.1
        faults.noResponseRate = 0.05
        var tally: [SubmitFault: Int] = [:]
        for _ in 0..<20_000 { tally[faults.submitFault(using: &random), default: 0] += 1 }
        #expect((3600...4400).contains(tally[.throttle, default: 0]))
        #expect((1700...2300).contains(tally[.queueFull, default: 0]))
        #expect((800...1200).contains(tally[.noResponse, default: 0]))
        #expect(tally[.genericNack] == nil && tally[.malformed] == nil)
    }

    @Test func dropAfterHandlesTheFirstNPDUs() {
        var random = SimulatorRandom(seed: 1)
        var faults = SimulatorFaults()
        faults.dropAfterPDUs = 3
        #expect(!faults.shouldDrop(receivedPDUs: 3, using: &random))
        #expect(faults.shouldDrop(receivedPDUs: 4, using: &random))
        faults.dropAfterPDUs = nil
        faults.dropRate = 0.5
        let drops = (1...1000).filter { faults.shouldDrop(receivedPDUs: $0, using: &random) }.count
        #expect((400...600).contains(drops))
    }
}
