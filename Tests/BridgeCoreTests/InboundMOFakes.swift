import BridgeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import SMPP
import Testing

/// A time the test sets: the processor's `now`.
final class ManualTime: Sendable {
    private let current = NIOLockedValueBox(Date(timeIntervalSinceReferenceDate: 800_000_000))

    var now: Date { current.withLockedValue { $0 } }

    func advance(by seconds: TimeInterval) { current.withLockedValue { $0.addTimeInterval(seconds) } }
}

/// An ``InMemoryBridgeStore`` with faults a test switches on: the timeout sweep's claim returns its groups only once
/// the test resumes it (so parts can arrive between the sweep's read and its publish), removals of MO parts fail,
/// and correlation writes fail.
final class MOFaultStore: BridgeStore {
    let inner = InMemoryBridgeStore()
    /// How many removals of MO parts fail from now on.
    let failingRemovals = NIOLockedValueBox(0)
    /// How many correlation writes (`addCorrelations`) fail from now on.
    let failingCorrelationWrites = NIOLockedValueBox(0)
    /// While set, correlation writes wait (a slow commit).
    let holdingCorrelationWrites = NIOLockedValueBox(false)
    /// How many reads of remembered MO ids and marks (`takeUnconfirmedMO`) fail from now on, after
    /// `passingTakes` more have passed.
    let failingTakes = NIOLockedValueBox(0)
    let passingTakes = NIOLockedValueBox(0)
    private let pausesClaims: Bool
    private let (claims, claimed) = AsyncStream<Void>.makeStream()
    private let (resumptions, resumed) = AsyncStream<Void>.makeStream()

    init(pausingClaims: Bool = false) { self.pausesClaims = pausingClaims }

    /// Returns once a sweep holds its claimed groups and waits for ``resumeSweep()``.
    func sweepClaimed() async {
        for await _ in claims { return }
    }

    /// Lets the waiting sweep go on.
    func resumeSweep() { resumed.yield() }

    func claimMOGroups(
        firstReceivedBefore cutoff: Date, claimedUntil: Date, now: Date
    ) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        let groups = try await inner.claimMOGroups(firstReceivedBefore: cutoff, claimedUntil: claimedUntil, now: now)
        if pausesClaims {
            claimed.yield()
            for await _ in resumptions { break }
        }
        return groups
    }

    func removeMOParts(_ parts: [StoredMOPart], forgetting id: RememberedMOID?) async throws(BridgeStoreError) {
        let fails = failingRemovals.withLockedValue { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fails { throw BridgeStoreError(code: .writeFailed, location: "test", detail: "test: removal fails") }
        try await inner.removeMOParts(parts, forgetting: id)
    }

    func moGroup(key: String) async throws(BridgeStoreError) -> [StoredMOPart] {
        try await inner.moGroup(key: key)
    }

    func requestState(id: String) async throws(BridgeStoreError) -> StoredRequestState? {
        try await inner.requestState(id: id)
    }

    func markInFlight(id: String, at: Date) async throws(BridgeStoreError) {
        try await inner.markInFlight(id: id, at: at)
    }

    func beginRequest(id: String, at: Date) async throws(BridgeStoreError) -> StoredRequestState? {
        try await inner.beginRequest(id: id, at: at)
    }

    func releaseInFlight(id: String, markedAt: Date) async throws(BridgeStoreError) {
        try await inner.releaseInFlight(id: id, markedAt: markedAt)
    }
    func restoreInFlight(id: String, markedAt: Date, marks: Int) async throws(BridgeStoreError) {
        try await inner.restoreInFlight(id: id, markedAt: markedAt, marks: marks)
    }

    func complete(_ completion: RequestCompletion) async throws(BridgeStoreError) -> StoredRequestState? {
        try await inner.complete(completion)
    }

    func addCorrelations(_ correlations: [ReceiptCorrelation]) async throws(BridgeStoreError) {
        while holdingCorrelationWrites.withLockedValue({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
        let fails = failingCorrelationWrites.withLockedValue { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fails { throw BridgeStoreError(code: .writeFailed, location: "test", detail: "test: write fails") }
        try await inner.addCorrelations(correlations)
    }

    func correlation(keys: [String]) async throws(BridgeStoreError) -> ReceiptCorrelation? {
        try await inner.correlation(keys: keys)
    }

    func addMOPart(_ part: StoredMOPart) async throws(BridgeStoreError) -> [StoredMOPart] {
        try await inner.addMOPart(part)
    }

    func moGroups(firstReceivedBefore cutoff: Date) async throws(BridgeStoreError) -> [[StoredMOPart]] {
        try await inner.moGroups(firstReceivedBefore: cutoff)
    }

    func rememberUnconfirmedMO(key: String, eventID: String, at: Date) async throws(BridgeStoreError) {
        try await inner.rememberUnconfirmedMO(key: key, eventID: eventID, at: at)
    }

    func takeUnconfirmedMO(key: String, notBefore: Date) async throws(BridgeStoreError) -> String? {
        let passes = passingTakes.withLockedValue { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        let fails = !passes && failingTakes.withLockedValue { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fails { throw BridgeStoreError(code: .readFailed, location: "test", detail: "test: read fails") }
        return try await inner.takeUnconfirmedMO(key: key, notBefore: notBefore)
    }

    func purge(olderThan cutoff: Date, inFlightOlderThan markCutoff: Date) async throws(BridgeStoreError) -> Int {
        try await inner.purge(olderThan: cutoff, inFlightOlderThan: markCutoff)
    }

    func close() async { await inner.close() }
}

/// Long-MO parts and a processor over a store, a publisher and a time the test controls.
enum LongMO {
    /// Part `index` of `total` with reference 0x2A (UDH, 8-bit reference) and `text` in the GSM default alphabet.
    static func part(_ index: UInt8, of total: UInt8, _ text: String) -> InboundShortMessage {
        InboundFixture.mo([0x05, 0x00, 0x03, 0x2A, total, index] + Array(text.utf8), esm: .udhIndicator)
    }

    /// A processor with a 60 s reassembly timeout and no republishing.
    static func processor(
        store: any BridgeStore, publisher: some EventPublishing, time: ManualTime
    ) -> InboundProcessor {
        InboundProcessor(
            settings: InboundPipelineSettings(moReassemblyTimeout: 60, republishWindow: 0), store: store,
            publisher: publisher, correlator: ReceiptCorrelator(hold: .milliseconds(10)), metrics: BridgeMetrics(),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), now: { time.now })
    }

    /// The JSON of a published MO.
    static func json(_ message: OutgoingMessage) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(message.body)) as? [String: Any] ?? [:]
    }

    /// Lets the reassembly timeout pass and sweeps; expects the sweep's publish to repeat the first one — the same
    /// event, byte for byte under the same id, for a consumer to drop — and nothing of the group left stored.
    static func expectSweptAsTheFirstEvent(
        _ processor: InboundProcessor, store: any BridgeStore, publisher: LosingPublisher, time: ManualTime
    ) async throws {
        time.advance(by: 61)
        await processor.sweepIncompleteMO()
        let attempts = publisher.attempts.withLockedValue { $0 }
        try #require(attempts.count == 2)
        #expect(attempts[1].properties.messageID == attempts[0].properties.messageID)
        #expect(attempts[1].body == attempts[0].body)
        #expect(try await store.moGroups(firstReceivedBefore: .distantFuture).isEmpty)
    }
}
