import Foundation
import NIOCore
import SMPP
import Testing

@testable import SMSCSimulator

/// Receipts (outcomes, id bases, redelivery) and MO traffic on loopback.
@Suite(.timeLimit(.minutes(1))) struct LoopbackDeliveryTests {
    @Test func enrouteThenFinalInADifferentBase() async throws {
        try await withSimulator({
            $0.dlrOutcomes = try! OutcomeMix(parsing: "ENROUTE+UNDELIV=1")
            $0.messageIDFormat = .hex
            $0.receiptIDFormat = .dec
        }) { _, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.request(testSubmit())
            let response = try await client.nextPDU()
            let id = try #require(response.submitMessageID)
            let value = try #require(UInt64(id, radix: 16))
            let decimal = String(value)
            let first = try await client.nextPDU()
            try await client.answer(first)
            let second = try await client.nextPDU()
            try await client.answer(second)
            let firstText = String(decoding: first.deliverSM?.shortMessage ?? [], as: UTF8.self)
            let secondText = String(decoding: second.deliverSM?.shortMessage ?? [], as: UTF8.self)
            #expect(first.deliverSM?.tlvs.messageState == 1)
            #expect(first.deliverSM?.tlvs.receiptedMessageID == decimal)
            #expect(firstText.contains("id:\(decimal) "))
            #expect(firstText.contains("stat:ENROUTE"))
            #expect(second.deliverSM?.tlvs.messageState == 5)
            #expect(second.deliverSM?.tlvs.networkErrorCode == NetworkErrorCode(networkType: 3, errorCode: 1))
            #expect(secondText.contains("stat:UNDELIV err:001"))
            await client.close()
        }
    }

    @Test func receiptCanOvertakeItsSubmitResponse() async throws {
        try await withSimulator({ $0.faults.latency = .fixed(milliseconds: 300); $0.dlrDelayMilliseconds = 0 }) { _, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            let seq = try await client.request(testSubmit())
            let receipt = try await client.nextPDU()
            let response = try await client.nextPDU()
            #expect(response.sequenceNumber == seq)
            #expect(receipt.deliverSM?.tlvs.receiptedMessageID == response.submitMessageID)
            try await client.answer(receipt)
            await client.close()
        }
    }

    @Test func querySMReportsTheCurrentState() async throws {
        try await withSimulator({
            $0.dlrOutcomes = try! OutcomeMix(parsing: "REJECTD=1")
            // Long enough that the first query_sm lands before the receipt even on a starved machine (500 ms was
            // overtaken once while the whole suite ran on 2 cores); nextPDU waits up to 10 s for the receipt.
            $0.dlrDelayMilliseconds = 4_000
        }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.request(testSubmit())
            let id = try #require(try await client.nextPDU().submitMessageID)
            let early = try await client.request(.querySM(QuerySM(messageID: id, source: Address(ton: 5, npi: 0, address: "ACME"))))
            let enroute = try await client.nextPDU()
            #expect(enroute == PDU(.querySMResp(QuerySMResp(messageID: id, finalDate: "", messageState: 1, errorCode: 0)), sequenceNumber: early))
            let receipt = try await client.nextPDU()
            try await client.answer(receipt)
            let late = try await client.request(.querySM(QuerySM(messageID: id)))
            let final = try await client.nextPDU()
            guard case .querySMResp(let body) = final.body else {
                Issue.record("expected query_sm_resp, got \(final)")
                return
            }
            #expect(final.sequenceNumber == late && final.commandStatus == .ok)
            #expect(body.messageState == 8 && body.errorCode == 11)
            #expect(body.finalDate.count == 16 && body.finalDate.hasSuffix("000+"))
            let unknown = try await client.request(.querySM(QuerySM(messageID: "NOPE")))
            #expect(try await client.nextPDU() == PDU(.querySMResp(QuerySMResp()), sequenceNumber: unknown, commandStatus: .invalidMessageID))
            await client.close()
        }
    }

    @Test func receiptsGoToTheReceiverOfTheAccount() async throws {
        try await withSimulator { _, address in
            let transmitter = try await TestSMPPClient.connect(to: address, tls: false)
            let receiver = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await transmitter.bind(.transmitter)
            _ = try await receiver.bind(.receiver)
            try await transmitter.request(testSubmit())
            let id = try await transmitter.nextPDU().submitMessageID
            let receipt = try await receiver.nextPDU()
            #expect(receipt.deliverSM?.tlvs.receiptedMessageID == id)
            try await receiver.answer(receipt)
            await transmitter.close()
            await receiver.close()
        }
    }

    @Test func redeliversAfterTemporaryErrorAndDropsAfterRejection() async throws {
        try await withSimulator { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind()
            try await client.request(testSubmit())
            _ = try await client.nextPDU()
            let first = try await client.nextPDU()
            try await client.answer(first, status: .receiverTemporaryAppError)
            let again = try await client.nextPDU()
            #expect(again.deliverSM == first.deliverSM)
            #expect(again.sequenceNumber != first.sequenceNumber)
            try await client.answer(again, status: .receiverRejectedMessage)
            #expect(await simulator.waitForCounters { $0.deliveriesDropped == 1 })
            #expect(simulator.counters.deliveriesRetried == 1)
            let link = try await client.request(.enquireLink)
            #expect(try await client.nextPDU() == PDU(.enquireLinkResp, sequenceNumber: link))
            await client.close()
        }
    }

    @Test func receiptsWaitForAReceiver() async throws {
        try await withSimulator { simulator, address in
            let transmitter = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await transmitter.bind(.transmitter)
            try await transmitter.request(testSubmit())
            let id = try await transmitter.nextPDU().submitMessageID
            #expect(await simulator.waitForCounters { $0.deliveriesWaiting == 1 })
            let receiver = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await receiver.bind(.receiver)
            #expect(try await receiver.nextPDU().deliverSM?.tlvs.receiptedMessageID == id)
            await transmitter.close()
            await receiver.close()
        }
    }

    @Test func longMOArrivesOutOfOrder() async throws {
        try await withSimulator({ $0.moLongFraction = 1 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind(.receiver)
            simulator.generateMO()
            var parts: [DeliverSM] = []
            let first = try await client.nextPDU()
            let total = Int(try #require(first.deliverSM?.shortMessage[4]))
            parts.append(try #require(first.deliverSM))
            try await client.answer(first)
            while parts.count < total {
                let pdu = try await client.nextPDU()
                parts.append(try #require(pdu.deliverSM))
                try await client.answer(pdu)
            }
            let order = parts.map { Int($0.shortMessage[5]) }
            #expect(order != Array(1...total))
            #expect(order.sorted() == Array(1...total))
            #expect(parts.allSatisfy { $0.esmClass == .udhIndicator && $0.source.address == "573001234567" })
            await client.close()
        }
    }

    @Test func injectedMOAndRateDrivenMO() async throws {
        try await withSimulator({ $0.moRatePerSecond = 200; $0.moLongFraction = 0 }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind(.transceiver)
            for _ in 0..<3 {
                let pdu = try await client.nextPDU()
                let text = String(decoding: pdu.deliverSM?.shortMessage ?? [], as: UTF8.self)
                #expect(text.hasPrefix("MO "))
                try await client.answer(pdu)
            }
            await client.close()
        }
        try await withSimulator { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind(.receiver)
            let body = DeliverSM(source: Address(ton: 1, npi: 1, address: "5730099"), destination: Address(address: "123"),
                                 dataCoding: 8, shortMessage: [0x04, 0x1F])
            simulator.injectMO(body, account: "acme")
            #expect(try await client.nextPDU().deliverSM == body)
            await client.close()
        }
    }

    @Test func recordFileHoldsOneJSONLinePerAcceptedSubmit() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("smsc-sim-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withSimulator({ $0.recordPath = path }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind(.transmitter)
            for index in 0..<5 {
                try await client.request(testSubmit(text: "message \(index)", registeredDelivery: 0))
                _ = try await client.nextPDU()
            }
            await simulator.flushRecords()
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines == simulator.records().map(\.jsonLine))
            #expect(Set(simulator.records().map(\.messageID)).count == 5)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["account"] as? String == "acme")
            }
            await client.close()
        }
    }

    /// A record file that cannot be written (a full disk: /dev/full) is reported, not taken for complete.
    @Test func aFailedRecordWriteIsReported() async throws {
        try await withSimulator({ $0.recordPath = "/dev/full" }) { simulator, address in
            let client = try await TestSMPPClient.connect(to: address, tls: false)
            _ = try await client.bind(.transmitter)
            try await client.request(testSubmit(text: "lost line", registeredDelivery: 0))
            _ = try await client.nextPDU()
            await simulator.flushRecords()
            #expect(simulator.recordWriteError == ENOSPC)
            await client.close()
        }
    }
}
