import Testing

@testable import SMSCSimulator

@Suite struct MOGeneratorTests {
    @Test func shortMessagesAreSinglePlainParts() {
        var generator = MOGenerator(longFraction: 0)
        var random = SimulatorRandom(seed: 5)
        let parts = generator.next(using: &random)
        #expect(parts.count == 1)
        #expect(parts[0].esmClass == 0)
        #expect(String(decoding: parts[0].shortMessage, as: UTF8.self) == "MO 1 hello from the simulator")
    }

    @Test func longMessagesArriveOutOfOrderAndReassemble() {
        var generator = MOGenerator(longFraction: 1)
        var random = SimulatorRandom(seed: 5)
        for _ in 0..<20 {
            let parts = generator.next(using: &random)
            #expect((2...4).contains(parts.count))
            let numbers = parts.map { Int($0.shortMessage[5]) }
            #expect(numbers != Array(1...parts.count))
            #expect(numbers.sorted() == Array(1...parts.count))
            #expect(Set(parts.map { $0.shortMessage[3] }).count == 1)
            for part in parts {
                #expect(part.esmClass == 0x40)
                #expect(Array(part.shortMessage[0..<3]) == [0x05, 0x00, 0x03])
                #expect(Int(part.shortMessage[4]) == parts.count)
                #expect(part.shortMessage.count <= 6 + MOGenerator.partCapacity)
            }
            let text = parts.sorted { $0.shortMessage[5] < $1.shortMessage[5] }.flatMap { $0.shortMessage.dropFirst(6) }
            #expect(text.count == MOGenerator.partCapacity * (parts.count - 1) + 40)
            #expect(text.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x40 && $0 != 0x24 })
        }
    }
}
