import NIOCore
import SMPP
import Testing

@testable import SMSCSimulator

/// Random and hostile frames never bring the simulator down: after them a fresh session binds and submits.
@Suite(.timeLimit(.minutes(1))) struct LoopbackHostileInputTests {
    @Test func randomFramesThenAHealthySession() async throws {
        try await withSimulator { simulator, address in
            var random = SimulatorRandom(seed: 2026)
            let commandIDs: [UInt32] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x09, 0x0B, 0x15, 0x21, 0x102, 0x103,
                                        0x8000_0005, 0x8000_0000, 0x8000_0015, 0x7777]
            for connection in 0..<20 {
                let client = try await TestSMPPClient.connect(to: address, tls: false)
                if connection % 2 == 0 { _ = try await client.bind() }
                var bytes: [UInt8] = []
                for _ in 0..<30 {
                    let bodyLength = Int(random.next() % 80)
                    let body = (0..<bodyLength).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    let id = commandIDs[Int(random.next() % UInt64(commandIDs.count))]
                    for value in [UInt32(16 + bodyLength), id, UInt32(truncatingIfNeeded: random.next() % 3), UInt32(random.next() % 1000)] {
                        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
                    }
                    bytes += body
                }
                try? await client.sendRaw(bytes)
                await client.close()
            }
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            #expect(try await client.bind(.transmitter).commandStatus == .ok)
            try await client.request(testSubmit(registeredDelivery: 0))
            #expect(try await client.nextPDU().submitMessageID != nil)
            // Child channels live on several event loops: wait for every accept and close to be counted.
            #expect(await simulator.waitForCounters { $0.connections == 21 && $0.connectionsClosed == 20 })
            await client.close()
        }
    }
}
