import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import RabbitMQ
import SMPP
import SMPPNIO
import Testing

/// Records what was published; fails while `failing` is set. While `connected` is false it behaves like the real
/// publisher during a reconnect: a message that may wait is kept and goes out later (recorded), but the caller's
/// wait ends in `publishTimedOut`; one that may not (`waitsForConnection: false`) fails at once, never sent.
final class RecordingPublisher: EventPublishing {
    let messages = NIOLockedValueBox<[OutgoingMessage]>([])
    let failing = NIOLockedValueBox(false)
    let connected = NIOLockedValueBox(true)
    var isConnected: Bool { connected.withLockedValue { $0 } }

    func publish(_ message: OutgoingMessage) async throws {
        if failing.withLockedValue({ $0 }) { throw AMQPError(code: .connectionLost, message: "test: broker down") }
        let connected = self.connected.withLockedValue { $0 }
        if !connected, !message.waitsForConnection {
            throw AMQPError(code: .notConnected, message: "test: no connection (not sent)")
        }
        messages.withLockedValue { $0.append(message) }
        if !connected { throw AMQPError(code: .publishTimedOut, message: "test: sent after the reconnect") }
    }

    var all: [OutgoingMessage] { messages.withLockedValue { $0 } }

    func json(_ index: Int) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(all[index].body)) as? [String: Any])
    }
}

/// Accepts every segment with message ids 1, 2, 3… (and counts the sends).
final class AcceptingSubmitter: SegmentSubmitter {
    let sent = NIOLockedValueBox<[SubmitSM]>([])
    func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
        let count = sent.withLockedValue { sent in
            sent.append(pdu)
            return sent.count
        }
        return .success(SubmitOutcome(
            commandStatus: .ok, messageID: String(format: "%08X", count), sessionIndex: 0, sequenceNumber: UInt32(count),
            latency: .zero))
    }
}

struct PipelineFixture {
    let store = InMemoryBridgeStore()
    let publisher = RecordingPublisher()
    let correlator = ReceiptCorrelator(hold: .milliseconds(10))
    let processor: OutboundProcessor

    init(submitter: some SegmentSubmitter = AcceptingSubmitter(), settings: OutboundPipelineSettings = .init(sourceAddress: "ACME")) {
        processor = OutboundProcessor(
            settings: settings, store: store, publisher: publisher, submitter: submitter,
            correlator: correlator, lateOutcomes: LateOutcomeBook(),
            metrics: BridgeMetrics(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func request(_ json: String, messageID: String? = nil, expiration: String? = nil) -> IncomingRequest {
        IncomingRequest(
            body: Array(json.utf8), properties: AMQPProperties(expiration: expiration, messageID: messageID),
            redelivered: false, receivedAt: Date())
    }
}

@Suite struct OutboundProcessorTests {
    @Test func aValidRequestIsSubmittedStoredPublishedThenAcked() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let settlement = await fixture.processor.process(
            fixture.request(#"{"id":"order-42","to":"+573001234567","text":"Hola","metadata":{"k":1}}"#))
        #expect(settlement == .ack)
        let message = try #require(fixture.publisher.all.first)
        #expect(message.exchange == "smpp.results" && message.routingKey == "submit.accepted")
        #expect(message.properties.correlationID == "order-42" && message.properties.type == "submit_result")
        #expect(message.properties.contentType == "application/json" && message.properties.deliveryMode == .persistent)
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "accepted" && json["request_id"] as? String == "order-42")
        #expect(json["message_ids"] as? [String] == ["00000001"] && json["encoding"] as? String == "gsm7")
        #expect((json["metadata"] as? [String: Any])?["k"] as? Int == 1)
        let pdu = try #require(submitter.sent.withLockedValue { $0.first })
        #expect(pdu.destination == Address(ton: 1, npi: 1, address: "573001234567"))
        #expect(pdu.source.address == "ACME" && pdu.source.ton == 5 && pdu.registeredDelivery == 1)
        guard case .completed(let stored)? = try await fixture.store.requestState(id: "order-42") else {
            Issue.record("not stored"); return
        }
        #expect(stored.body == message.body && stored.eventID == message.properties.messageID)
        let correlation = try await fixture.store.correlation(keys: ["1"])
        #expect(correlation?.requestID == "order-42" && correlation?.segment == 1)
    }

    /// An SMSC that accepts with an empty message_id: the result is accepted with no id, and no correlation is kept
    /// under the empty key (no receipt can name it; every such segment would overwrite the last one's).
    @Test func anAcceptanceWithoutAMessageIDKeepsNoCorrelation() async throws {
        struct EmptyIDSubmitter: SegmentSubmitter {
            func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
                .success(SubmitOutcome(commandStatus: .ok, messageID: "", sessionIndex: 0, sequenceNumber: 1, latency: .zero))
            }
        }
        let fixture = PipelineFixture(submitter: EmptyIDSubmitter())
        #expect(await fixture.processor.process(fixture.request(#"{"id":"no-id","to":"+15550001","text":"x"}"#)) == .ack)
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "accepted")
        #expect(json["message_ids"] as? [String] == [])
        #expect(try await fixture.store.correlation(keys: [""]) == nil)
    }

    @Test func aDuplicateIsRepublishedByteIdenticalWithTheSameEventIDAndNeverSubmittedAgain() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let body = #"{"id":"dup-1","to":"+15550001","text":"once"}"#
        #expect(await fixture.processor.process(fixture.request(body)) == .ack)
        #expect(await fixture.processor.process(fixture.request(body)) == .ack)
        let messages = fixture.publisher.all
        #expect(messages.count == 2 && submitter.sent.withLockedValue { $0.count } == 1)
        #expect(messages[0].body == messages[1].body)
        #expect(messages[0].properties.messageID == messages[1].properties.messageID)
        #expect(messages[0].properties.timestamp == messages[1].properties.timestamp)
    }

    @Test func concurrentCopiesOfOneRequestAreSubmittedOnce() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let request = fixture.request(#"{"id":"same","to":"+15550001","text":"x"}"#)
        await withTaskGroup(of: Settlement.self) { group in
            for _ in 0..<8 { group.addTask { await fixture.processor.process(request) } }
            for await settlement in group { #expect(settlement == .ack) }
        }
        #expect(submitter.sent.withLockedValue { $0.count } == 1)
        #expect(Set(fixture.publisher.all.map(\.body)).count == 1)
    }

    @Test func anInvalidFieldIsRejectedNamingItAndNothingIsSent() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        #expect(await fixture.processor.process(fixture.request(#"{"id":"bad","to":"+1555","text":"x","priority":9}"#)) == .ack)
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "rejected")
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["code"] as? String == "INVALID_REQUEST" && error["field"] as? String == "priority")
        #expect(fixture.publisher.all[0].routingKey == "submit.rejected")
        #expect(submitter.sent.withLockedValue { $0.isEmpty })
    }

    @Test func aRequestWithoutFromAndWithoutASourceAddressIsRejected() async throws {
        let fixture = PipelineFixture(settings: .init(sourceAddress: nil))
        #expect(await fixture.processor.process(fixture.request(#"{"id":"nofrom","to":"+1555","text":"x"}"#)) == .ack)
        let error = try #require(try fixture.publisher.json(0)["error"] as? [String: Any])
        #expect(error["field"] as? String == "from")
    }

    @Test func aBodyWithoutAUsableIDIsDeadLetteredWithTheReason() async throws {
        let fixture = PipelineFixture()
        #expect(await fixture.processor.process(fixture.request("not json at all")) == .ack)
        let message = try #require(fixture.publisher.all.first)
        #expect(message.exchange == "smpp.dead" && message.body == Array("not json at all".utf8))
        guard case .string(let reason)? = message.properties.headers["x-smpp-bridge-reason"] else {
            Issue.record("no reason header"); return
        }
        #expect(!reason.isEmpty)
    }

    /// The dead letter keeps the request's properties except `expiration` (it would expire out of smpp.dead) and
    /// `user_id` (the broker refuses a publish whose user_id is not the bridge's login: requeued for ever), which
    /// move to headers.
    @Test func aDeadLetterCarriesNoExpirationOrForeignUserID() async throws {
        let fixture = PipelineFixture()
        var request = fixture.request("not json at all", messageID: nil, expiration: "60000")
        request.properties.userID = "another-service"
        request.properties.appID = "billing"
        #expect(await fixture.processor.process(request) == .ack)
        let message = try #require(fixture.publisher.all.first)
        #expect(message.exchange == "smpp.dead")
        #expect(message.properties.expiration == nil && message.properties.userID == nil)
        #expect(message.properties.appID == "billing", "the other properties are kept")
        #expect(message.properties.headers["x-smpp-bridge-original-expiration"] == .string("60000"))
        #expect(message.properties.headers["x-smpp-bridge-original-user-id"] == .string("another-service"))
    }

    @Test func theAMQPMessageIDServesAsTheIDWhenTheBodyHasNone() async throws {
        let fixture = PipelineFixture()
        #expect(await fixture.processor.process(fixture.request(#"{"to":"+1555","text":"x"}"#, messageID: "amqp-id")) == .ack)
        #expect(try fixture.publisher.json(0)["request_id"] as? String == "amqp-id")
    }

    @Test func expiredRequestsAreNeverSubmitted() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        #expect(await fixture.processor.process(fixture.request(
            #"{"id":"e1","to":"+1555","text":"x","expires_at":"2020-01-01T00:00:00Z"}"#)) == .ack)
        var old = fixture.request(#"{"id":"e2","to":"+1555","text":"x"}"#, expiration: "1000")
        old.properties.timestamp = Date().addingTimeInterval(-10)
        #expect(await fixture.processor.process(old) == .ack)
        #expect(try fixture.publisher.json(0)["status"] as? String == "expired")
        #expect(try fixture.publisher.json(1)["status"] as? String == "expired")
        #expect(submitter.sent.withLockedValue { $0.isEmpty })
    }

    /// The AMQP expiration: `0` ("now or never") is met by the delivery; a fresh message whose whole-second timestamp
    /// lies up to a second before its publish is not taken for an old one; a timestamp of 0 is none; a producer clock
    /// ahead gives no extra time.
    @Test func theAMQPExpirationIsReadAsTheBrokerMeansIt() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let nowOrNever = fixture.request(#"{"id":"x0","to":"+1555","text":"x"}"#, expiration: "0")
        #expect(nowOrNever.amqpExpiry == nil)
        #expect(await fixture.processor.process(nowOrNever) == .ack)
        var fresh = fixture.request(#"{"id":"x1","to":"+1555","text":"x"}"#, expiration: "500")
        // Published at .890 and received at .900 of one second: its timestamp is that second, 900 ms earlier.
        fresh.receivedAt = Date(timeIntervalSince1970: 1_800_000_000.9)
        fresh.properties.timestamp = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try #require(fresh.amqpExpiry) > fresh.receivedAt)
        var unset = fixture.request(#"{"id":"x2","to":"+1555","text":"x"}"#, expiration: "1000")
        unset.properties.timestamp = Date(timeIntervalSince1970: 0)
        #expect(unset.amqpExpiry == unset.receivedAt.addingTimeInterval(1))
        var ahead = fixture.request(#"{"id":"x3","to":"+1555","text":"x"}"#, expiration: "1000")
        ahead.properties.timestamp = ahead.receivedAt.addingTimeInterval(3600)
        #expect(ahead.amqpExpiry == ahead.receivedAt.addingTimeInterval(1))
        #expect(try fixture.publisher.json(0)["status"] as? String == "accepted")
        #expect(submitter.sent.withLockedValue { $0.count } == 1)
    }

    @Test func aRequestFoundInFlightIsResubmittedFlaggedOrReportedUnknown() async throws {
        let resubmitting = PipelineFixture()
        try await resubmitting.store.markInFlight(id: "crash-1", at: Date())
        #expect(await resubmitting.processor.process(resubmitting.request(#"{"id":"crash-1","to":"+1555","text":"x"}"#)) == .ack)
        let flagged = try resubmitting.publisher.json(0)
        #expect(flagged["status"] as? String == "accepted" && flagged["possible_duplicate"] as? Bool == true)

        let submitter = AcceptingSubmitter()
        let reporting = PipelineFixture(
            submitter: submitter, settings: .init(sourceAddress: "ACME", retry: RetryPolicy(resubmitUnknown: false)))
        try await reporting.store.markInFlight(id: "crash-2", at: Date())
        #expect(await reporting.processor.process(reporting.request(#"{"id":"crash-2","to":"+1555","text":"x"}"#)) == .ack)
        let unknown = try reporting.publisher.json(0)
        #expect(unknown["status"] as? String == "unknown" && unknown["possible_duplicate"] as? Bool == true)
        #expect(submitter.sent.withLockedValue { $0.isEmpty })
    }

    /// A request found in flight whose expiry passed meanwhile is not `expired` (never submitted): the delivery that
    /// marked it may have reached the SMSC. Failed (resubmit) or unknown (report), `OUTCOME_UNKNOWN`, flagged, not sent.
    @Test(arguments: [true, false])
    func aRequestFoundInFlightThatExpiredIsOfUnknownOutcome(resubmit: Bool) async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(
            submitter: submitter, settings: .init(sourceAddress: "ACME", retry: RetryPolicy(resubmitUnknown: resubmit)))
        try await fixture.store.markInFlight(id: "otp-7", at: Date().addingTimeInterval(-30))
        #expect(await fixture.processor.process(fixture.request(
            #"{"id":"otp-7","to":"+1555","text":"x","expires_at":"2020-01-01T00:00:00Z"}"#)) == .ack)
        let result = try fixture.publisher.json(0)
        #expect(result["status"] as? String == (resubmit ? "failed" : "unknown"))
        #expect((result["error"] as? [String: Any])?["code"] as? String == "OUTCOME_UNKNOWN")
        #expect(result["possible_duplicate"] as? Bool == true)
        #expect(submitter.sent.withLockedValue { $0.isEmpty })
    }

    /// A request found in flight that is refused now (the configuration or the checks changed since the delivery
    /// that marked it) may have reached the SMSC then: its `rejected` result is flagged, at decode and at build.
    @Test func aRequestFoundInFlightAndRefusedNowIsFlagged() async throws {
        let fixture = PipelineFixture(settings: .init(sourceAddress: nil))
        try await fixture.store.markInFlight(id: "was-sent", at: Date())
        try await fixture.store.markInFlight(id: "was-valid", at: Date())
        #expect(await fixture.processor.process(fixture.request(#"{"id":"was-sent","to":"+1555","text":"x"}"#)) == .ack)
        #expect(await fixture.processor.process(fixture.request(#"{"id":"was-valid","to":"+1555","text":"x","priority":9}"#)) == .ack)
        #expect(await fixture.processor.process(fixture.request(#"{"id":"new","to":"+1555","text":"x","priority":9}"#)) == .ack)
        let results = try (0..<3).map { try fixture.publisher.json($0) }
        #expect(results.map { $0["status"] as? String } == ["rejected", "rejected", "rejected"])
        #expect(results.map { $0["possible_duplicate"] as? Bool } == [true, true, false])
        #expect(results.map { ($0["error"] as? [String: Any])?["field"] as? String } == ["from", "priority", "priority"])
    }

    /// A `udh` whose UDHL covers fewer octets than were given is refused: the octets beyond it would vanish, since
    /// the header is written again from its elements.
    @Test func aUDHWithOctetsBeyondItsLengthIsRejected() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        // 05 00 03 0A 02 01 FF: a six-octet concatenation header and one octet more.
        let body = #"{"id":"udh-extra","to":"+1555","binary":"QQ==","udh":"BQADCgIB/w=="}"#
        #expect(await fixture.processor.process(fixture.request(body)) == .ack)
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "rejected")
        #expect((json["error"] as? [String: Any])?["field"] as? String == "udh")
        #expect(submitter.sent.withLockedValue { $0.isEmpty })
    }

    @Test func anUnconfirmedResultRequeuesAndTheRedeliveryRepublishesTheStoredOne() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let request = fixture.request(#"{"id":"p1","to":"+1555","text":"x"}"#)
        fixture.publisher.failing.withLockedValue { $0 = true }
        #expect(await fixture.processor.process(request) == .requeue)
        fixture.publisher.failing.withLockedValue { $0 = false }
        #expect(await fixture.processor.process(request) == .ack)
        #expect(submitter.sent.withLockedValue { $0.count } == 1)
        guard case .completed(let stored)? = try await fixture.store.requestState(id: "p1") else { Issue.record("no outcome"); return }
        #expect(fixture.publisher.all.first?.properties.messageID == stored.eventID)
    }

    @Test(arguments: ["udh8", "udh16", "sar", "payload"])
    func aLongMessageIsAcceptedOnlyWithEverySegment(concat: String) async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let text = String(repeating: "0123456789", count: 40)
        #expect(await fixture.processor.process(fixture.request(
            #"{"id":"long-\#(concat)","to":"+1555","text":"\#(text)","concat":"\#(concat)"}"#)) == .ack)
        let json = try fixture.publisher.json(0)
        let expected = concat == "payload" ? 1 : 3
        #expect((json["segments"] as? [[String: Any]])?.count == expected)
        #expect((json["message_ids"] as? [String])?.count == expected)
        #expect(submitter.sent.withLockedValue { $0.count } == expected)
        // Segments go out concurrently, so ids 1…n map to the segments in any order; each segment once.
        var segments: [Int] = []
        for id in 1...expected {
            let correlation = try await fixture.store.correlation(keys: ["\(id)"])
            #expect(correlation?.segments == expected && correlation?.requestID == "long-\(concat)")
            if let segment = correlation?.segment { segments.append(segment) }
        }
        #expect(segments.sorted() == Array(1...expected))
    }

    @Test func aLongMessageWithOneRefusedSegmentFailsWithEachSegmentsStatus() async throws {
        /// Refuses part 2 of a UDH-8 concatenated message (UDH 05 00 03 ref total index).
        final class RefusingSecondPart: SegmentSubmitter {
            func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
                let part = pdu.shortMessage.count > 5 ? pdu.shortMessage[5] : 0
                return .success(SubmitOutcome(
                    commandStatus: part == 2 ? .invalidDestinationAddress : .ok, messageID: part == 2 ? "" : "ID\(part)",
                    sessionIndex: 0, sequenceNumber: 1, latency: .zero))
            }
        }
        let fixture = PipelineFixture(submitter: RefusingSecondPart())
        let text = String(repeating: "x", count: 200)
        #expect(await fixture.processor.process(fixture.request(#"{"id":"lf","to":"+1555","text":"\#(text)"}"#)) == .ack)
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "failed")
        let segments = try #require(json["segments"] as? [[String: Any]])
        #expect(segments.map { $0["command_status"] as? Int } == [0, 11])
        #expect((json["error"] as? [String: Any])?["code"] as? String == "ESME_RINVDSTADR")
        // The accepted part is still correlated: its receipt must find the request.
        #expect(try await fixture.store.correlation(keys: ["ID1"])?.requestID == "lf")
    }

    @Test func hostileBodiesNeverCrashAndAlwaysEndInAResultOrADeadLetter() async throws {
        let fixture = PipelineFixture()
        let seeds = [
            #"{"id":"h","to":"+573001234567","text":"Hola {mundo} €","dlr":true,"metadata":{"a":[1,2,{"b":null}]}}"#,
            #"{"id":"h","to":"12345","binary":"AAEC","data_coding":4,"udh":"BQADAQIB","tlvs":{"1403":"4142"}}"#,
            #"{"id":"h","to":"+1","text":"😀😀😀","encoding":"ucs2","concat":"sar","expires_at":"2099-01-01T00:00:00Z"}"#,
        ]
        var random = SeededRandom(seed: 0xB41D6E)
        for round in 0..<10_000 {
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0...Int.random(in: 0...4, using: &random) {
                guard !bytes.isEmpty else { break }
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0...3, using: &random) {
                case 0: bytes[index] ^= UInt8(1 << Int.random(in: 0...7, using: &random))
                case 1: bytes.removeSubrange(index...)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
                default: bytes.remove(at: index)
                }
            }
            // Unique ids so dedup does not hide later rounds.
            let body = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: #""id":"h""#, with: #""id":"h\#(round)""#)
            let settlement = await fixture.processor.process(IncomingRequest(
                body: Array(body.utf8), properties: AMQPProperties(), redelivered: false, receivedAt: Date()))
            #expect(settlement == .ack)
        }
        let published = fixture.publisher.all
        #expect(published.count == 10_000)
        #expect(published.allSatisfy { $0.exchange == "smpp.results" || $0.exchange == "smpp.dead" })
    }
}

/// SplitMix64: a seeded generator so the hostile inputs are the same on every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension OutboundProcessorTests {
    /// A request whose submission was interrupted `smpp.max_attempts` times (every delivery marked it in flight and
    /// stopped: a crash loop on a classic queue, which counts no redeliveries) is not submitted again: failed,
    /// OUTCOME_UNKNOWN, flagged. One interrupted fewer times is resubmitted, flagged.
    @Test(arguments: [2, 3, 4])
    func aRequestInterruptedTooOftenIsNotSubmittedAgain(interruptions: Int) async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)  // max_attempts 3
        for index in 0..<interruptions {
            _ = try await fixture.store.beginRequest(id: "loop", at: Date().addingTimeInterval(Double(index) - 10))
        }
        let settlement = await fixture.processor.process(fixture.request(#"{"id":"loop","to":"+1555","text":"x"}"#))
        #expect(settlement == .ack)
        let json = try fixture.publisher.json(0)
        #expect(json["possible_duplicate"] as? Bool == true)
        let error = json["error"] as? [String: Any]
        if interruptions >= 3 {
            #expect(submitter.sent.withLockedValue { $0.count } == 0)
            #expect(json["status"] as? String == "failed")
            #expect(error?["code"] as? String == "OUTCOME_UNKNOWN")
        } else {
            #expect(submitter.sent.withLockedValue { $0.count } == 1)
            #expect(json["status"] as? String == "accepted")
        }
    }
}
