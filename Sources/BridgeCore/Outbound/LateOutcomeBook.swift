public import struct Foundation.Date
import NIOConcurrencyHelpers

/// Remembers which request and segment each submit tag belongs to, so a submit_sm_resp that arrives after its
/// timeout (issue: late outcomes) can still be recorded for receipt correlation. Entries live `retention` long,
/// measured on a monotonic clock: a step of the wall clock neither drops them early nor keeps them for ever.
public final class LateOutcomeBook: Sendable {
    /// What a tag stands for: the correlation the segment would get once its message_id is known.
    public struct Entry: Sendable, Hashable {
        /// The request id.
        public var requestID: String
        /// 1-based segment index.
        public var segment: Int
        /// Segment count.
        public var segments: Int
        /// Destination as requested.
        public var to: String
        /// Sender as submitted.
        public var from: String
        /// Request metadata bytes.
        public var metadata: [UInt8]?
        /// When the send ended unknown (wall clock; informational, the book's retention does not use it).
        public var registeredAt: Date

        /// Creates an entry.
        public init(requestID: String, segment: Int, segments: Int, to: String, from: String, metadata: [UInt8]?,
                    registeredAt: Date) {
            self.requestID = requestID
            self.segment = segment
            self.segments = segments
            self.to = to
            self.from = from
            self.metadata = metadata
            self.registeredAt = registeredAt
        }
    }

    private struct State {
        var nextTag: UInt64 = 1
        var entries: [UInt64: (entry: Entry, rememberedAt: ContinuousClock.Instant, acceptances: LateAcceptances?)] = [:]
        var lastPrune: ContinuousClock.Instant?
    }

    private let state = NIOLockedValueBox(State())
    /// How long a tag is remembered, in seconds.
    public let retention: Double
    private let clock: @Sendable () -> ContinuousClock.Instant

    /// Creates a book remembering tags for `retention` seconds of `clock` (tests pass their own).
    public init(retention: Double = 600, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.retention = retention
        self.clock = clock
    }

    /// Allocates `count` consecutive tags (one per segment of a request). Nothing is stored yet: only a send that
    /// ends without a knowable outcome can be answered late, and only those are remembered (``remember(_:_:)``).
    public func allocate(_ count: Int) -> [UInt64] {
        state.withLockedValue { state in
            let base = state.nextTag
            state.nextTag &+= UInt64(max(1, count))
            return (0..<UInt64(max(1, count))).map { base &+ $0 }
        }
    }

    /// Remembers what `tag` stands for, because its send ended without a knowable outcome; `acceptances` is its
    /// request's inbox for a late ESME_ROK (``lateAcceptance(tag:messageID:)``), while the request may resubmit.
    public func remember(_ tag: UInt64, _ entry: Entry, acceptances: LateAcceptances? = nil) {
        let now = clock()
        let retention = Duration.seconds(self.retention)
        state.withLockedValue { state in
            if state.lastPrune.map({ now - $0 > retention / 10 }) ?? true {
                state.entries = state.entries.filter { now - $0.value.rememberedAt < retention }
                state.lastPrune = now
            }
            state.entries[tag] = (entry, now, acceptances)
        }
    }

    /// The entry of `tag`, if still remembered.
    public func entry(for tag: UInt64) -> Entry? {
        state.withLockedValue { $0.entries[tag]?.entry }
    }

    /// The send of `tag` was accepted after all (a late ESME_ROK with `messageID`): tells its request, which calls
    /// off the resubmit of that segment if it has not gone out yet.
    public func lateAcceptance(tag: UInt64, messageID: String) {
        guard let (entry, _, acceptances) = state.withLockedValue({ $0.entries[tag] }), let acceptances else { return }
        acceptances.accept(index: entry.segment - 1, messageID: messageID)
    }

    /// How many tags are remembered.
    public var count: Int { state.withLockedValue { $0.entries.count } }
}
