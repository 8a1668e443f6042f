import BridgeCore
import Foundation
import NIOConcurrencyHelpers
import SMPP
import SMPPNIO
import Testing

extension OutboundProcessor {
    /// One delivery as ``Bridge`` runs it: on the callback path when the request qualifies, else `process` in this
    /// task. Also says which path it took.
    func handleLikeTheBridge(_ request: IncomingRequest) async -> (settlement: Settlement, callbacks: Bool) {
        switch start(request) {
        case .callbacks(let callbacks):
            let settlement = await withCheckedContinuation { continuation in
                callbacks.start { continuation.resume(returning: $0) }
            }
            return (settlement, true)
        case .task(let prepared):
            return (await process(request, prepared: prepared), false)
        }
    }
}

/// A submitter whose sends wait until the test answers them; a send can be withdrawn until the test marks it
/// written (as a session does when it writes the PDU).
final class HoldingSubmitter: SegmentSubmitter {
    typealias Completion = @Sendable (Result<SubmitOutcome, SMPPClientError>) -> Void
    private struct Held {
        var completion: Completion
        var written = false
    }
    private let held = NIOLockedValueBox<[Held]>([])
    let sends = NIOLockedValueBox(0)

    func submit(_ pdu: SubmitSM, tag: UInt64) async -> Result<SubmitOutcome, SMPPClientError> {
        await withCheckedContinuation { continuation in
            _ = startSubmit(pdu, tag: tag) { continuation.resume(returning: $0) }
        }
    }

    func startSubmit(_ pdu: SubmitSM, tag: UInt64, completion: @escaping Completion) -> @Sendable () -> Void {
        let index = held.withLockedValue { held in
            held.append(Held(completion: completion))
            return held.count - 1
        }
        sends.withLockedValue { $0 += 1 }
        return { [held] in
            let withdrawn = held.withLockedValue { held -> Completion? in
                guard !held[index].written else { return nil }
                held[index].written = true  // settled: a later answer does nothing
                return held[index].completion
            }
            withdrawn?(.failure(SMPPClientError(code: .cancelled)))
        }
    }

    /// Waits (bounded) until `count` sends were started.
    func waitForSends(_ count: Int) async throws {
        for _ in 0..<2_000 where sends.withLockedValue({ $0 }) < count { try await Task.sleep(for: .milliseconds(5)) }
        try #require(sends.withLockedValue { $0 } >= count)
    }

    /// Send `index` was written: it can no longer be withdrawn.
    func markWritten(_ index: Int) { held.withLockedValue { $0[index].written = true } }

    /// Answers send `index`.
    func answer(_ index: Int, _ result: Result<SubmitOutcome, SMPPClientError>) {
        let completion = held.withLockedValue { $0[index].completion }
        completion(result)
    }
}

/// The callback path (``CallbackOutboundRequest``) takes the common request — valid, one segment, no expiry, no
/// other delivery of its id in flight — through the same steps as `process`, with the same results; everything else
/// runs in a task. Fakes for every port (DESIGN §3).
@Suite struct OutboundCallbackPathTests {
    let fastRetry = OutboundPipelineSettings(
        sourceAddress: "ACME", retry: RetryPolicy(maxAttempts: 3, initialDelay: 0.005, maxDelay: 0.01, maxAge: 60))

    @Test func theCommonRequestIsSubmittedStoredPublishedThenAckedWithoutATask() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let (settlement, callbacks) = await fixture.processor.handleLikeTheBridge(
            fixture.request(#"{"id":"cb-1","to":"+573001234567","text":"Hola","metadata":{"k":1}}"#))
        #expect(settlement == .ack && callbacks)
        let message = try #require(fixture.publisher.all.first)
        #expect(message.routingKey == "submit.accepted" && message.properties.correlationID == "cb-1")
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "accepted" && json["message_ids"] as? [String] == ["00000001"])
        #expect(json["encoding"] as? String == "gsm7" && json["from"] as? String == "ACME")
        #expect((json["metadata"] as? [String: Any])?["k"] as? Int == 1)
        guard case .completed(let stored)? = try await fixture.store.requestState(id: "cb-1") else {
            Issue.record("not stored"); return
        }
        #expect(stored.body == message.body && stored.eventID == message.properties.messageID)
        #expect(try await fixture.store.correlation(keys: ["1"])?.requestID == "cb-1")
        #expect(submitter.sent.withLockedValue { $0.count } == 1)
    }

    @Test func onlyTheCommonRequestTakesTheCallbackPath() async throws {
        let fixture = PipelineFixture()
        let long = String(repeating: "x", count: 200)
        let cases: [(String, String?, Bool)] = [
            (#"{"id":"p-1","to":"+1555","text":"short"}"#, nil, true),
            (#"{"id":"p-2","to":"+1555","text":"\#(long)"}"#, nil, false),
            (#"{"id":"p-3","to":"+1555","text":"x","expires_at":"2099-01-01T00:00:00Z"}"#, nil, false),
            (#"{"id":"p-4","to":"+1555","text":"x"}"#, "60000", false),
            (#"{"id":"p-5","to":"+1555","text":"x","priority":9}"#, nil, false),
            ("not json", nil, false),
        ]
        for (body, expiration, expected) in cases {
            let (settlement, callbacks) = await fixture.processor.handleLikeTheBridge(
                fixture.request(body, expiration: expiration))
            #expect(settlement == .ack)
            #expect(callbacks == expected, "\(body)")
        }
        let statuses = try (0..<5).map { try fixture.publisher.json($0)["status"] as? String }
        #expect(statuses == ["accepted", "accepted", "accepted", "accepted", "rejected"])
    }

    @Test func concurrentCopiesOfOneRequestAreSubmittedOnceWhicheverPathTheyTake() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let request = fixture.request(#"{"id":"same-cb","to":"+15550001","text":"x"}"#)
        await withTaskGroup(of: Settlement.self) { group in
            for _ in 0..<8 { group.addTask { await fixture.processor.handleLikeTheBridge(request).settlement } }
            for await settlement in group { #expect(settlement == .ack) }
        }
        #expect(submitter.sent.withLockedValue { $0.count } == 1)
        #expect(fixture.publisher.all.count == 8 && Set(fixture.publisher.all.map(\.body)).count == 1)
    }

    @Test func aRequestAlreadyCompletedIsRepublishedAndNotSubmittedAgain() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let body = #"{"id":"dup-cb","to":"+15550001","text":"once"}"#
        #expect(await fixture.processor.handleLikeTheBridge(fixture.request(body)) == (.ack, true))
        #expect(await fixture.processor.handleLikeTheBridge(fixture.request(body)) == (.ack, true))
        let messages = fixture.publisher.all
        #expect(messages.count == 2 && submitter.sent.withLockedValue { $0.count } == 1)
        #expect(messages[0].body == messages[1].body && messages[0].properties.messageID == messages[1].properties.messageID)
    }

    @Test func aRequestFoundInFlightIsResubmittedFlaggedPossibleDuplicate() async throws {
        let fixture = PipelineFixture()
        try await fixture.store.markInFlight(id: "crashed", at: Date(timeIntervalSince1970: 1_000))
        let (settlement, callbacks) = await fixture.processor.handleLikeTheBridge(
            fixture.request(#"{"id":"crashed","to":"+1555","text":"x"}"#))
        #expect(settlement == .ack && callbacks)
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "accepted" && json["possible_duplicate"] as? Bool == true)
    }

    @Test func aThrottledSendIsRetriedAfterItsBackoff() async throws {
        // "x" is GSM 0x78: the scripted submitter keys its answers by the first octet.
        let submitter = ScriptedSubmitter([0x78: [ScriptedSubmitter.status(.throttled), ScriptedSubmitter.ok("B2")]])
        let fixture = PipelineFixture(submitter: submitter, settings: fastRetry)
        let (settlement, callbacks) = await fixture.processor.handleLikeTheBridge(
            fixture.request(#"{"id":"retry-cb","to":"+1555","text":"x"}"#))
        #expect(settlement == .ack && callbacks)
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "accepted" && json["attempts"] as? Int == 2)
        #expect(json["message_ids"] as? [String] == ["B2"])
        #expect(submitter.sent.withLockedValue { $0.count } == 2)
    }

    @Test func aPermanentStatusFailsTheRequest() async throws {
        let submitter = ScriptedSubmitter([0x78: [ScriptedSubmitter.status(.invalidDestinationAddress)]])
        let fixture = PipelineFixture(submitter: submitter, settings: fastRetry)
        #expect(await fixture.processor.handleLikeTheBridge(
            fixture.request(#"{"id":"bad-dest","to":"+1555","text":"x"}"#)) == (.ack, true))
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "failed")
        #expect((json["error"] as? [String: Any])?["command_status"] as? Int == 0x0B)
    }

    @Test func aStoreThatCannotBeginRequeuesAndSendsNothing() async throws {
        let submitter = AcceptingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        await fixture.store.close()
        #expect(await fixture.processor.handleLikeTheBridge(
            fixture.request(#"{"id":"closed","to":"+1555","text":"x"}"#)) == (.requeue, true))
        #expect(submitter.sent.withLockedValue { $0.isEmpty } && fixture.publisher.all.isEmpty)
    }

    @Test func aStoreThatCannotCompleteRequeuesAndPublishesNothing() async throws {
        let submitter = HoldingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let handled = Task { await fixture.processor.handleLikeTheBridge(fixture.request(#"{"id":"lost-store","to":"+1555","text":"x"}"#)) }
        try await submitter.waitForSends(1)
        await fixture.store.close()
        submitter.answer(0, ScriptedSubmitter.ok("M1")!)
        #expect(await handled.value == (.requeue, true))
        #expect(fixture.publisher.all.isEmpty)
    }

    @Test func aResultTheBrokerDoesNotConfirmRequeuesWithTheOutcomeStored() async throws {
        let fixture = PipelineFixture()
        fixture.publisher.failing.withLockedValue { $0 = true }
        #expect(await fixture.processor.handleLikeTheBridge(
            fixture.request(#"{"id":"no-confirm","to":"+1555","text":"x"}"#)) == (.requeue, true))
        guard case .completed? = try await fixture.store.requestState(id: "no-confirm") else {
            Issue.record("the outcome must be stored before the publish"); return
        }
        // The redelivery republishes the stored result instead of submitting again.
        fixture.publisher.failing.withLockedValue { $0 = false }
        #expect(await fixture.processor.handleLikeTheBridge(
            fixture.request(#"{"id":"no-confirm","to":"+1555","text":"x"}"#)) == (.ack, true))
        #expect(try fixture.publisher.json(0)["status"] as? String == "accepted")
    }

    /// Starts request `id` on the callback path; returns it and where its settlement lands.
    private func startOnCallbackPath(
        _ fixture: PipelineFixture, id: String
    ) throws -> (CallbackOutboundRequest, NIOLockedValueBox<Settlement?>) {
        guard case .callbacks(let callbacks) = fixture.processor.start(
            fixture.request(#"{"id":"\#(id)","to":"+1555","text":"x"}"#))
        else { throw CallbackPathError.notTaken }
        let settled = NIOLockedValueBox<Settlement?>(nil)
        callbacks.start { settlement in settled.withLockedValue { $0 = settlement } }
        return (callbacks, settled)
    }

    private enum CallbackPathError: Error { case notTaken }

    /// Waits (bounded) for the settlement.
    private func settlement(_ settled: NIOLockedValueBox<Settlement?>) async throws -> Settlement? {
        for _ in 0..<2_000 where settled.withLockedValue({ $0 }) == nil { try await Task.sleep(for: .milliseconds(5)) }
        return settled.withLockedValue { $0 }
    }

    @Test func shutdownBeforeTheSendIsWrittenWithdrawsItAndForgetsTheMark() async throws {
        let submitter = HoldingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let (callbacks, settled) = try startOnCallbackPath(fixture, id: "stopped")
        try await submitter.waitForSends(1)
        callbacks.cancel()
        #expect(try await settlement(settled) == .requeue)
        #expect(try await fixture.store.requestState(id: "stopped") == nil)
        #expect(fixture.publisher.all.isEmpty)
    }

    @Test func shutdownAfterTheSendWasWrittenStillPublishesItsOutcome() async throws {
        let submitter = HoldingSubmitter()
        let fixture = PipelineFixture(submitter: submitter)
        let (callbacks, settled) = try startOnCallbackPath(fixture, id: "written")
        try await submitter.waitForSends(1)
        submitter.markWritten(0)
        callbacks.cancel()
        submitter.answer(0, ScriptedSubmitter.ok("W1")!)
        #expect(try await settlement(settled) == .ack)
        let json = try fixture.publisher.json(0)
        #expect(json["status"] as? String == "accepted" && json["message_ids"] as? [String] == ["W1"])
    }
}
