import BridgeCore
import Foundation
import RabbitMQ
import Testing

extension SendRequestHostileInputTests {
    /// Beyond the decoder's seeds: long messages in the other concat modes, so mutations also reach segmentation.
    static let pipelineSeeds: [String] = seeds + [
        #"{"id":"long-1","to":"+573001234567","text":"\#(String(repeating: "Ext €{}[]~^|\\\\ chars ", count: 12))","concat":"udh16","dlr":false}"#,
        #"{"id":"long-2","to":"+573001234567","text":"\#(String(repeating: "Привет 😀 мир ", count: 12))","concat":"sar"}"#,
        #"{"id":"long-3","to":"12345","from":"+15550001","text":"\#(String(repeating: "payload ", count: 40))","concat":"payload","encoding":"ucs2"}"#,
    ]

    /// 10 000 mutated bodies (of six seeds) through the whole outbound pipeline (decoder, dedup, expiry, encoding,
    /// segmentation, submission, store, publish) with the in-memory fakes: each delivery is acked after exactly one
    /// message — a result naming its request (as the decoder judged it) or, without a usable id, the body
    /// dead-lettered unchanged. A body whose id came before is answered with the first result, byte for byte.
    @Test func tenThousandMutationsThroughThePipelineEndInOneResultOrDeadLetterEach() async throws {
        var random = SeededGenerator(seed: 0xB0D1_E5)
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        for seed in Self.pipelineSeeds {
            #expect(SendRequestDecoder.decode(body: Array(seed.utf8), messageID: nil, now: Date()).request != nil, "\(seed)")
        }
        var firstResult: [String: [UInt8]] = [:]
        var counts = (results: 0, rejected: 0, dead: 0, republished: 0)
        var statuses: [String: Int] = [:]
        for iteration in 0..<10_000 {
            // Each seed's id made unique, so most bodies are new requests rather than dedup hits.
            let seed = Self.pipelineSeeds[iteration % Self.pipelineSeeds.count]
                .replacingOccurrences(of: #""id":""#, with: #""id":"\#(iteration)-"#)
            let body = Self.mutate(Array(seed.utf8), using: &random)
            let messageID: String? = iteration % 3 == 0 ? "amqp-\(iteration)" : nil
            let decoded = SendRequestDecoder.decode(body: body, messageID: messageID, now: Date())
            let before = fixture.publisher.messages.withLockedValue { $0.count }
            let settlement = await fixture.processor.process(IncomingRequest(
                body: body, properties: AMQPProperties(messageID: messageID), redelivered: false, receivedAt: Date()))
            let published = fixture.publisher.messages.withLockedValue { Array($0[before...]) }
            #expect(settlement == .ack, "\(iteration): \(String(decoding: body, as: UTF8.self))")
            guard published.count == 1, let message = published.first else {
                Issue.record("\(iteration): \(published.count) messages for \(String(decoding: body, as: UTF8.self))")
                continue
            }
            let expectedID: String
            switch decoded {
            case .unidentifiable:
                counts.dead += 1
                #expect(message.exchange == "smpp.dead" && message.body == body)
                #expect(message.properties.headers["x-smpp-bridge-reason"] != nil)
                continue
            case .rejected(let rejection):
                expectedID = rejection.requestID
            case .valid(let request):
                expectedID = request.id
            }
            #expect(message.exchange == "smpp.results" && message.properties.correlationID == expectedID)
            if let first = firstResult[expectedID] {
                counts.republished += 1
                #expect(message.body == first, "\(iteration): the copy for \(expectedID) differs")
                continue
            }
            firstResult[expectedID] = message.body
            counts.results += 1
            let json = try #require(try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any])
            let status = json["status"] as? String ?? "?"
            statuses[status, default: 0] += 1
            #expect(json["request_id"] as? String == expectedID)
            #expect(message.routingKey == "submit.\(status)")
            if case .rejected(let rejection) = decoded {
                counts.rejected += 1
                #expect(status == "rejected")
                #expect((json["error"] as? [String: Any])?["field"] as? String == rejection.field)
            } else {
                #expect(["accepted", "rejected", "expired", "failed"].contains(status), "\(iteration): \(json)")
            }
        }
        // Every path occurs, so the mutations reach past the parser into submission.
        #expect(counts.dead > 100 && counts.rejected > 100 && statuses["accepted", default: 0] > 100, "\(counts) \(statuses)")
        #expect(counts.results + counts.dead + counts.republished == 10_000)
        #expect(submitter.sent.withLockedValue { $0.count } >= statuses["accepted", default: 0])
        print("hostile bodies through the pipeline: \(counts), first results by status \(statuses)")
    }
}
