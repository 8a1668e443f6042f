import BridgeCore
import Foundation
import SMPP
import SMSCSimulator
import Testing

@Suite(.serialized, .oneEndToEndSuiteAtATime, .enabled(if: E2EBroker.available, E2EBroker.skipReason))
struct BridgeEndToEndTests {
    /// A mix of alphabets, long messages in every concat mode, invalid requests and one without any id, through
    /// RabbitMQ, the bridge and the TLS simulator: exactly one result per request, every accepted segment at the
    /// simulator exactly once and byte-correct, every receipt published with its request.
    @Test func mixedTrafficEndsWithOneResultPerRequestAndEveryReceipt() async throws {
        let harness = try await BridgeHarness.start()
        var expected: [String: String] = [:]  // id → status
        var texts: [String: (text: String, concat: String)] = [:]
        let samples = ["Hola mundo", "Precio: 10€ {oferta} [hoy]", "Привет, мир", "Emoji 😀🎉", "ÆØÅ æøå ß"]
        let concats = ["udh8", "udh16", "sar", "payload"]
        let count = 400
        for index in 0..<count {
            let id = "req-\(index)"
            switch index % 10 {
            case 9:
                try await harness.send(#"{"id":"\#(id)","to":"+573001","text":"x","priority":7}"#)
                expected[id] = "rejected"
            case 8:
                let text = String(repeating: samples[index % samples.count] + " ", count: 25)
                let concat = concats[index % concats.count]
                texts[id] = (text, concat)
                try await harness.send(#"{"id":"\#(id)","to":"+57300\#(index)","text":"\#(text)","concat":"\#(concat)"}"#)
                expected[id] = "accepted"
            default:
                let text = samples[index % samples.count]
                texts[id] = (text, "")
                try await harness.send(#"{"id":"\#(id)","to":"+57300\#(index)","text":"\#(text)","metadata":{"n":\#(index)}}"#)
                expected[id] = "accepted"
            }
        }
        try await harness.send("not json", messageID: nil)
        let acceptedSegments = NSCountedSet()
        let events = try await harness.collect(timeout: .seconds(120)) { events in
            let results = events.filter { $0.type == "submit_result" }.count
            let receipts = events.filter { $0.type == "delivery_receipt" }.count
            return results >= count && receipts >= 1 && receipts >= expectedReceipts(events)
        }
        let results = events.filter { $0.type == "submit_result" }
        #expect(results.count == count)
        #expect(Dictionary(grouping: results, by: { $0.requestID ?? "" }).values.allSatisfy { $0.count == 1 })
        for result in results {
            let id = try #require(result.requestID)
            #expect(result.json["status"] as? String == expected[id], "\(id): \(result.json)")
            for segment in result.json["segments"] as? [[String: Any]] ?? [] {
                if let messageID = segment["message_id"] as? String { acceptedSegments.add(messageID) }
            }
        }
        // Every receipt matched to its request; one per accepted segment.
        let receipts = events.filter { $0.type == "delivery_receipt" }
        #expect(receipts.count == acceptedSegments.count)
        #expect(receipts.allSatisfy { $0.json["matched"] as? Bool == true && $0.requestID != nil })
        // At the simulator: each accepted segment exactly once.
        let records = harness.simulator.records()
        #expect(records.count == acceptedSegments.count)
        #expect(Set(records.map(\.messageID)).count == records.count)
        // Byte-correct: the long messages reassemble to their text at the simulator.
        for (id, sent) in texts where !sent.concat.isEmpty {
            let index = Int(id.dropFirst(4))!
            let parts = records.filter { $0.destinationAddress == "57300\(index)" }
            let sorted = parts.sorted { ($0.concatenation?.part ?? 1) < ($1.concatenation?.part ?? 1) }
            let joined = sorted.flatMap { record -> [UInt8] in
                if record.payload.isEmpty, let payload = record.tlvs.first(where: { $0.tag == TLVTag.messagePayload }) {
                    return payload.value
                }
                return record.payload
            }
            let decoded = SMSText.decode(joined, dataCoding: sorted.first?.dataCoding ?? 0).text
            #expect(decoded == sent.text, "\(id) \(sent.concat)")
        }
        try await harness.stop()
    }
}

/// One receipt per accepted segment (the simulator sends DELIVRD for each).
private func expectedReceipts(_ events: [Event]) -> Int {
    events.filter { $0.type == "submit_result" }.reduce(0) { sum, event in
        sum + ((event.json["message_ids"] as? [String])?.count ?? 0)
    }
}
