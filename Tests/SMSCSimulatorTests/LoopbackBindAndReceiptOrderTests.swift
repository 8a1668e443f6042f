import NIOCore
import SMPP
import Testing

@testable import SMSCSimulator

/// The faults the bridge's end-to-end tests lean on: binds refused for a while, a receipt that overtakes its
/// submit_sm_resp, and the count of deliver_sm answered ESME_RX_T_APPN, each observed on the wire by a raw client.
@Suite(.timeLimit(.minutes(1))) struct LoopbackBindAndReceiptOrderTests {
    @Test func theFirstBindsAreRefusedThenCredentialsDecide() async throws {
        try await withSimulator({ $0.faults.refuseFirstBinds = 3 }) { simulator, address in
            // Three connections, one bind each: every one refused ESME_RBINDFAIL, even with the right password.
            for _ in 0..<3 {
                let client = try await TestSMPPClient.connect(to: address, tls: false)
                let response = try await client.bind()
                #expect(response.commandStatus == .bindFailed)
                await client.close()
            }
            let wrong = try await TestSMPPClient.connect(to: address, tls: false)
            #expect(try await wrong.bind(password: "nope").commandStatus == .invalidPassword)
            await wrong.close()
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            #expect(try await client.bind().commandStatus == .ok)
            let counters = simulator.counters
            #expect(counters.bindsRefusedByFault == 3)
            #expect(counters.bindsRejected == 4)
            #expect(counters.bindsAccepted == 1)
            await client.close()
        }
    }

    @Test func refusedBindsMustNotBeNegative() throws {
        var configuration = SMSCSimulatorConfiguration(accounts: [SimulatorAccount(systemID: "a", password: "b")])
        configuration.faults.refuseFirstBinds = -1
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
        configuration.faults.refuseFirstBinds = 0
        configuration.faults.receiptBeforeResponseRate = 1.5
        #expect(throws: SimulatorConfigurationError.self) { try configuration.validate() }
    }

    @Test func theReceiptComesBeforeTheSubmitResponseOnATransceiver() async throws {
        try await withSimulator({ $0.faults.receiptBeforeResponseRate = 1 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            let seq = try await client.request(testSubmit())
            let receipt = try await client.nextPDU()
            let body = try #require(receipt.deliverSM)
            #expect(body.esmClass.isReceipt)
            let response = try await client.nextPDU()
            guard case .submitSMResp(let resp) = response.body else {
                Issue.record("expected submit_sm_resp, got \(response)")
                return
            }
            #expect(response.sequenceNumber == seq)
            #expect(String(decoding: body.shortMessage, as: UTF8.self).contains("id:\(resp.messageID) "))
            try await client.answer(receipt)
            #expect(await simulator.waitForCounters { $0.deliveriesAcknowledged == 1 })
            // The early receipt replaced the scheduled one: nothing else comes.
            let link = try await client.request(.enquireLink)
            #expect(try await client.nextPDU() == PDU(.enquireLinkResp, sequenceNumber: link))
            let counters = simulator.counters
            #expect(counters.receiptsSent == 1)
            #expect(counters.receiptsBeforeResponse == 1)
            await client.close()
        }
    }

    @Test func aTransmitterGetsItsResponseFirstAndTheReceiptElsewhere() async throws {
        try await withSimulator({ $0.faults.receiptBeforeResponseRate = 1 }) { simulator, address in
            let transmitter = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await transmitter.bind(.transmitter)
            let receiver = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await receiver.bind(.receiver)
            let seq = try await transmitter.request(testSubmit())
            let response = try await transmitter.nextPDU()
            #expect(response.sequenceNumber == seq)
            #expect(response.commandStatus == .ok)
            let receipt = try await receiver.nextPDU()
            #expect(receipt.deliverSM?.esmClass.isReceipt == true)
            try await receiver.answer(receipt)
            #expect(await simulator.waitForCounters { $0.deliveriesAcknowledged == 1 })
            #expect(simulator.counters.receiptsBeforeResponse == 0)
            await transmitter.close()
            await receiver.close()
        }
    }

    @Test func temporaryAppErrorsAreCounted() async throws {
        try await withSimulator { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.request(testSubmit())
            _ = try await client.nextPDU()
            let first = try await client.nextPDU()
            try await client.answer(first, status: .receiverTemporaryAppError)
            let again = try await client.nextPDU()
            #expect(again.deliverSM == first.deliverSM)
            try await client.answer(again, status: .receiverTemporaryAppError)
            let third = try await client.nextPDU()
            try await client.answer(third)
            #expect(await simulator.waitForCounters { $0.deliveriesAcknowledged == 1 })
            let counters = simulator.counters
            #expect(counters.deliveriesTemporaryAppError == 2)
            #expect(counters.deliveriesRetried == 2)
            await client.close()
        }
    }
}
