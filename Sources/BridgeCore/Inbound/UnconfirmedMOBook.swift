import struct Foundation.Date
import NIOConcurrencyHelpers

/// The event ids of MO messages that may have reached the broker although it never confirmed them (the connection
/// went with the publish in flight, the broker nacked it, the confirm timed out). The SMSC was answered
/// ESME_RX_T_APPN and delivers the message again; that delivery is published under the remembered id, so a consumer
/// that got the first copy drops the second (DESIGN §3 inbound 2).
///
/// MO events otherwise get fresh ids: SMPP 3.4 gives MO no id, and two identical texts from one phone can be two
/// messages. Each entry is therefore used once: the next identical MO after a failed publish takes the id, later
/// ones get fresh ids again. Entries expire after ``retention`` and at most ``capacity`` are kept (oldest go
/// first); this instance's memory only — a redelivery that reaches another instance gets a fresh id.
final class UnconfirmedMOBook: Sendable {
    private struct Entry {
        var eventID: String
        var rememberedAt: Date
        var sequence: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Keys with the sequence they were remembered under, oldest first (a copy whose sequence is no longer its
        /// entry's — taken, or remembered again since — is skipped when evicting).
        var order: [(key: String, sequence: UInt64)] = []
        var head = 0
        var nextSequence: UInt64 = 0
    }

    /// How long an unconfirmed MO's id waits for the SMSC's redelivery (SMSC retry schedules run from seconds to
    /// hours; an hour covers the usual ones without holding an id for a message that is not coming again).
    static let retention: Double = 3600
    /// Most entries kept by default: a broker outage refuses every MO, but only those in flight when it went (sent,
    /// not confirmed) are remembered.
    static let defaultCapacity = 10_000

    /// Most entries kept.
    let capacity: Int
    private let state = NIOLockedValueBox(State())

    /// Creates an empty book keeping at most `capacity` entries.
    init(capacity: Int = UnconfirmedMOBook.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// The remembered id for `key` (forgotten now), or nil when there is none or it expired.
    func take(_ key: String, now: Date) -> String? {
        state.withLockedValue { state in
            guard let entry = state.entries.removeValue(forKey: key) else { return nil }
            return now.timeIntervalSince(entry.rememberedAt) <= Self.retention ? entry.eventID : nil
        }
    }

    /// Remembers `eventID` as possibly on the broker for the MO with `key`.
    func remember(_ key: String, eventID: String, now: Date) {
        let capacity = self.capacity
        state.withLockedValue { state in
            state.nextSequence += 1
            state.entries[key] = Entry(eventID: eventID, rememberedAt: now, sequence: state.nextSequence)
            state.order.append((key, state.nextSequence))
            while state.head < state.order.count {
                let oldest = state.order[state.head]
                guard let entry = state.entries[oldest.key], entry.sequence == oldest.sequence else {
                    state.head += 1  // taken or remembered again since: nothing to evict for this copy
                    continue
                }
                let expired = now.timeIntervalSince(entry.rememberedAt) > Self.retention
                guard expired || state.entries.count > capacity else { break }
                state.entries[oldest.key] = nil
                state.head += 1
            }
            if state.head > capacity || state.order.count - state.head > 4 * capacity {
                // Compact now and then (dropping copies of taken ids), so the array does not grow forever.
                let entries = state.entries
                state.order = state.order[state.head...].filter { entries[$0.key]?.sequence == $0.sequence }
                state.head = 0
            }
        }
    }

    /// How many ids are remembered (for tests).
    var count: Int { state.withLockedValue { $0.entries.count } }
}
