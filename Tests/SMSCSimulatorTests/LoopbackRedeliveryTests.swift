import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SMPP
import Testing

@testable import SMSCSimulator

/// Deliveries that outlive their session, attempt limits, data_sm, and the Service-shaped `run()`.
@Suite(.timeLimit(.minutes(1))) struct LoopbackRedeliveryTests {
    @Test func receiptLostWithItsSessionGoesToAnotherReceiver() async throws {
        try await withSimulator { simulator, address in
            let transmitter = try await TestSMPPClient.connect(to: address, tls: false)
            let first = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await transmitter.bind(.transmitter)
            _ = try await first.bind(.receiver)
            try await transmitter.request(testSubmit())
            let id = try await transmitter.nextPDU().submitMessageID
            let unanswered = try await first.nextPDU()
            #expect(unanswered.deliverSM?.tlvs.receiptedMessageID == id)
            await first.close()
            #expect(await simulator.waitForCounters { $0.deliveriesRetried == 1 })
            let second = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await second.bind(.receiver)
            let again = try await second.nextPDU()
            #expect(again.deliverSM == unanswered.deliverSM)
            try await second.answer(again)
            #expect(await simulator.waitForCounters { $0.deliveriesAcknowledged == 1 })
            await transmitter.close()
            await second.close()
        }
    }

    @Test func deliveryIsDroppedAfterMaxAttempts() async throws {
        try await withSimulator({ $0.maxDeliveryAttempts = 3; $0.redeliveryDelayMilliseconds = 10 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.request(testSubmit())
            _ = try await client.nextPDU()
            for _ in 0..<3 {
                let receipt = try await client.nextPDU()
                #expect(receipt.deliverSM != nil)
                try await client.answer(receipt, status: .receiverTemporaryAppError)
            }
            #expect(await simulator.waitForCounters { $0.deliveriesDropped == 1 })
            #expect(simulator.counters.receiptsSent == 3)
            #expect(simulator.counters.deliveriesRetried == 2)
            await client.close()
        }
    }

    @Test func dataSMIsAcceptedAndRecorded() async throws {
        try await withSimulator { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind(.transmitter)
            let payload = Array(repeating: UInt8(ascii: "x"), count: 400)
            let seq = try await client.request(.dataSM(DataSM(
                source: Address(ton: 5, npi: 0, address: "ACME"), destination: Address(ton: 1, npi: 1, address: "5730011"),
                registeredDelivery: 0, dataCoding: 4, tlvs: [.messagePayload(payload)])))
            let response = try await client.nextPDU()
            guard case .dataSMResp(let body) = response.body else {
                Issue.record("expected data_sm_resp, got \(response)")
                return
            }
            #expect(response.sequenceNumber == seq && response.commandStatus == .ok)
            #expect(simulator.records().map(\.messageID) == [body.messageID])
            #expect(simulator.records().first?.payload == payload)
            #expect(simulator.records().first?.dataCoding == 4)
            await client.close()
        }
    }

    @Test func runStopsWhenItsTaskIsCancelled() async throws {
        let configuration = SMSCSimulatorConfiguration(accounts: [SimulatorAccount(systemID: "acme", password: "secret")])
        let simulator = SMSCSimulator(configuration: configuration, group: MultiThreadedEventLoopGroup.singleton)
        let started = NIOLockedValueBox<SocketAddress?>(nil)
        let ready = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Void.self)
        let task = Task {
            try await simulator.run { addresses in
                started.withLockedValue { $0 = addresses.plain }
                ready.succeed()
            }
        }
        try await ready.futureResult.get()
        let address = try #require(started.withLockedValue { $0 })
        let client = try await TestSMPPClient.connect(to: address, tls: false)
        #expect(try await client.bind().commandStatus == .ok)
        await #expect(throws: (any Error).self) { try await simulator.start() }
        task.cancel()
        try await task.value
        try await client.expectClosed()
        await #expect(throws: (any Error).self) { try await TestSMPPClient.connect(to: address, tls: false) }
        #expect(simulator.counters.bindsAccepted == 1)
    }
}

@Suite(.timeLimit(.minutes(1))) struct WaitingDeliveryTests {
    @Test func waitingReceiptsAreCappedOldestFirst() async throws {
        try await withSimulator({ $0.maxWaitingDeliveries = 2 }) { simulator, address in
            let transmitter = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await transmitter.bind(.transmitter)
            var ids: [String?] = []
            for _ in 0..<3 {
                try await transmitter.request(testSubmit())
                ids.append(try await transmitter.nextPDU().submitMessageID)
            }
            #expect(await simulator.waitForCounters { $0.deliveriesWaiting == 3 && $0.deliveriesDropped == 1 })
            let receiver = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await receiver.bind(.receiver)
            let first = try await receiver.nextPDU()
            let second = try await receiver.nextPDU()
            #expect([first, second].map { $0.deliverSM?.tlvs.receiptedMessageID } == Array(ids.dropFirst()))
            await transmitter.close()
            await receiver.close()
        }
    }
}
