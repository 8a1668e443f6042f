@testable import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing

/// An in-memory store whose next `failures` completions (and next `beginFailures` begins) fail as a store that lost
/// its file or server would; with `landing`, a failed write took effect all the same (the connection was lost while
/// its commit went through: the caller cannot tell). Every other call goes to the in-memory store.
final class CompletionFailingStore: BridgeStore {
    let inner = InMemoryBridgeStore()
    /// How many completions still fail.
    let failures: NIOLockedValueBox<Int>
    /// How many begins still fail.
    let beginFailures: NIOLockedValueBox<Int>
    /// Whether a failed write took effect.
    let landing: Bool
    /// Completions asked for so far, failed ones included.
    let completeCalls = NIOLockedValueBox(0)

    init(failures: Int, beginFailures: Int = 0, landing: Bool = false) {
        self.failures = NIOLockedValueBox(failures)
        self.beginFailures = NIOLockedValueBox(beginFailures)
        self.landing = landing
    }

    private static let failure = BridgeStoreError(code: .writeFailed, location: "test", detail: "disk I/O error")

    private static func takeOne(_ left: NIOLockedValueBox<Int>) -> Bool {
        left.withLockedValue { left in
            guard left > 0 else { return false }
            left -= 1
            return true
        }
    }

    private func nextCompletionFails() -> Bool {
        completeCalls.withLockedValue { $0 += 1 }
        return Self.takeOne(failures)
    }

    func complete(_ completion: RequestCompletion) async throws(BridgeStoreError) -> StoredRequestState? {
        guard nextCompletionFails() else { return try await inner.complete(completion) }
        if landing { try await inner.complete(completion) }
        throw Self.failure
    }

    func complete(
        _ completion: RequestCompletion, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        guard nextCompletionFails() else { return inner.complete(completion, then: then) }
        guard landing else { return then(.failure(Self.failure)) }
        inner.complete(completion) { _ in then(.failure(Self.failure)) }
    }

    func requestState(id: String) async throws(BridgeStoreError) -> StoredRequestState? {
        try await inner.requestState(id: id)
    }
    func markInFlight(id: String, at: Date) async throws(BridgeStoreError) { try await inner.markInFlight(id: id, at: at) }
    func beginRequest(id: String, at: Date) async throws(BridgeStoreError) -> StoredRequestState? {
        guard Self.takeOne(beginFailures) else { return try await inner.beginRequest(id: id, at: at) }
        if landing { _ = try await inner.beginRequest(id: id, at: at) }
        throw Self.failure
    }
    func beginRequest(
        id: String, at: Date, then: @escaping @Sendable (Result<StoredRequestState?, BridgeStoreError>) -> Void
    ) {
        guard Self.takeOne(beginFailures) else { return inner.beginRequest(id: id, at: at, then: then) }
        guard landing else { return then(.failure(Self.failure)) }
        inner.beginRequest(id: id, at: at) { _ in then(.failure(Self.failure)) }
    }
    func releaseInFlight(id: String, markedAt: Date) async throws(BridgeStoreError) {
        try await inner.releaseInFlight(id: id, markedAt: markedAt)
    }
    func restoreInFlight(id: String, markedAt: Date, marks: Int) async throws(BridgeStoreError) {
        try await inner.restoreInFlight(id: id, markedAt: markedAt, marks: marks)
    }
    func addCorrelations(_ correlations: [ReceiptCorrelation]) async throws(BridgeStoreError) {
        try await inner.addCorrelations(correlations)
    }
    func correlation(keys: [String]) async throws(BridgeStoreError) -> ReceiptCorrelation? {
        try await inner.correlation(keys: keys)
    }
    func addMOPart(_ part: StoredMOPart) async throws(BridgeStoreError) -> [StoredMOPart] { try await inner.addMOPart(part) }
    func moGroup(key: String) async throws(BridgeStoreError) -> [StoredMOPart] { try await inner.moGroup(key: key) }
    func removeMOParts(_ parts: [StoredMOPart], forgetting id: RememberedMOID?) async throws(BridgeStoreError) {
        try await inner.removeMOParts(parts, forgetting: id)
    }
    func moGroups(firstReceivedBefore cutoff: Date) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        try await inner.moGroups(firstReceivedBefore: cutoff)
    }
    func claimMOGroups(
        firstReceivedBefore cutoff: Date, claimedUntil: Date, now: Date
    ) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        try await inner.claimMOGroups(firstReceivedBefore: cutoff, claimedUntil: claimedUntil, now: now)
    }
    func rememberUnconfirmedMO(key: String, eventID: String, at: Date) async throws(BridgeStoreError) {
        try await inner.rememberUnconfirmedMO(key: key, eventID: eventID, at: at)
    }
    func takeUnconfirmedMO(key: String, notBefore: Date) async throws(BridgeStoreError) -> String? {
        try await inner.takeUnconfirmedMO(key: key, notBefore: notBefore)
    }
    func purge(olderThan cutoff: Date, inFlightOlderThan markCutoff: Date) async throws(BridgeStoreError) -> Int {
        try await inner.purge(olderThan: cutoff, inFlightOlderThan: markCutoff)
    }
    func close() async { await inner.close() }
}

/// A store that cannot take a known outcome for a while does not cost the outcome: the delivery is held and the
/// write tried again, so the SMS is not submitted a second time by a redelivery (DESIGN §3 "Order of completion").
/// Only a cancelled request (shutdown) or a closed store hands the delivery back.
@Suite struct OutboundCompletionRetryTests {
    let settings = OutboundPipelineSettings(
        sourceAddress: "ACME", completionRetryDelay: .milliseconds(5), completionRetryMaxDelay: .milliseconds(20))

    func processor(
        _ store: CompletionFailingStore, _ submitter: some SegmentSubmitter, _ publisher: RecordingPublisher,
        settings: OutboundPipelineSettings? = nil
    ) -> OutboundProcessor {
        OutboundProcessor(
            settings: settings ?? self.settings, store: store, publisher: publisher, submitter: submitter,
            correlator: ReceiptCorrelator(hold: .milliseconds(10)), lateOutcomes: LateOutcomeBook(),
            metrics: BridgeMetrics(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func request(_ id: String) -> IncomingRequest {
        IncomingRequest(
            body: Array(#"{"id":"\#(id)","to":"+1555","text":"x"}"#.utf8), properties: .init(), redelivered: false,
            receivedAt: Date())
    }

    /// Each path (callback, task) with a store whose first completions fail: one send, one result, one ack.
    @Test(arguments: [true, false])
    func aKnownOutcomeIsStoredOnceTheStoreTakesItAgain(callbacks: Bool) async throws {
        let store = CompletionFailingStore(failures: 3)
        let submitter = AcceptingSubmitter()
        let publisher = RecordingPublisher()
        let processor = processor(store, submitter, publisher)
        let id = callbacks ? "held-cb" : "held-task"
        let settlement: Settlement
        if callbacks {
            let handled = await processor.handleLikeTheBridge(request(id))
            #expect(handled.callbacks)
            settlement = handled.settlement
        } else {
            settlement = await processor.process(request(id))
        }
        #expect(settlement == .ack)
        #expect(submitter.sent.withLockedValue { $0.count } == 1)
        #expect(store.completeCalls.withLockedValue { $0 } == 4)
        try #require(publisher.all.count == 1)
        #expect(try publisher.json(0)["status"] as? String == "accepted")
        guard case .completed(let stored)? = try await store.requestState(id: id) else {
            Issue.record("the outcome must be stored"); return
        }
        #expect(stored.body == publisher.all[0].body && stored.eventID == publisher.all[0].properties.messageID)
    }

    /// Shutdown cancels a request whose store keeps failing: it is handed back, its mark kept (it was sent).
    @Test(.timeLimit(.minutes(1)), arguments: [true, false])
    func aCancelledRequestStopsTryingAndIsHandedBackWithItsMark(callbacks: Bool) async throws {
        let store = CompletionFailingStore(failures: .max)
        let publisher = RecordingPublisher()
        let processor = processor(store, AcceptingSubmitter(), publisher)
        let (settlements, settled) = AsyncStream<Settlement>.makeStream()
        let cancel: @Sendable () -> Void
        if callbacks {
            guard case .callbacks(let callbackRequest) = processor.start(request("stuck")) else {
                Issue.record("not on the callback path"); return
            }
            callbackRequest.start { settled.yield($0) }
            cancel = callbackRequest.cancel
        } else {
            let task = Task { settled.yield(await processor.process(request("stuck"))) }
            cancel = { task.cancel() }
        }
        for _ in 0..<2_000 where store.completeCalls.withLockedValue({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(5)) }
        try #require(store.completeCalls.withLockedValue { $0 } >= 2)
        cancel()
        var iterator = settlements.makeAsyncIterator()
        #expect(await iterator.next() == .requeue)
        #expect(publisher.all.isEmpty)
        guard case .inFlight? = try await store.requestState(id: "stuck") else {
            Issue.record("a request that was sent keeps its mark"); return
        }
    }

    /// The default schedule that DESIGN §3 "Order of completion" states.
    @Test func theWaitsDoubleFromOneSecondUpToFive() {
        let processor = processor(
            CompletionFailingStore(failures: 0), AcceptingSubmitter(), RecordingPublisher(),
            settings: OutboundPipelineSettings(sourceAddress: "ACME"))
        #expect((1...6).map { processor.completionRetryDelay(afterFailures: $0) }
            == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5), .seconds(5)])
    }
}
