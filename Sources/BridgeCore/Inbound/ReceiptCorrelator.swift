import NIOConcurrencyHelpers

/// Matches receipts to submitted segments (DESIGN §3 inbound 1), including receipts that beat their
/// submit_sm_resp or their request's commit.
///
/// Accepted segments are known here from the moment their submit_sm_resp arrives (``segmentAccepted(_:)``) until
/// the store has committed them (``committed(_:)``); after that the store answers. A receipt found in neither is held
/// for up to `hold` for a segment to be accepted under one of its keys, then reported unmatched — never dropped.
public final class ReceiptCorrelator: Sendable {
    private enum Slot {
        /// Registered, store lookup under way.
        case reserved(keys: [String])
        /// A segment was accepted under one of the keys before the receipt started waiting.
        case resolved(ReceiptCorrelation)
        /// Waiting for a segment or the end of the hold.
        case waiting(keys: [String], CheckedContinuation<ReceiptCorrelation?, Never>)

        var keys: [String] {
            switch self {
            case .reserved(let keys), .waiting(let keys, _): keys
            case .resolved: []
            }
        }
    }

    private struct State {
        var pending: [String: ReceiptCorrelation] = [:]
        var slots: [UInt64: Slot] = [:]
        var nextSlot: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())
    /// How long a receipt waits for its submit.
    public let hold: Duration

    /// Creates a correlator.
    public init(hold: Duration) { self.hold = hold }

    /// A segment was accepted: receipts for it match from now on, and held ones are released.
    public func segmentAccepted(_ correlation: ReceiptCorrelation) {
        let released = state.withLockedValue { state -> [CheckedContinuation<ReceiptCorrelation?, Never>] in
            for key in correlation.keys { state.pending[key] = correlation }
            var released: [CheckedContinuation<ReceiptCorrelation?, Never>] = []
            for (id, slot) in state.slots where slot.keys.contains(where: correlation.keys.contains) {
                switch slot {
                case .reserved: state.slots[id] = .resolved(correlation)
                case .waiting(_, let continuation):
                    state.slots[id] = nil
                    released.append(continuation)
                case .resolved: break
                }
            }
            return released
        }
        for continuation in released { continuation.resume(returning: correlation) }
    }

    /// The store now holds these correlations; forget them here.
    public func committed(_ correlations: [ReceiptCorrelation]) {
        state.withLockedValue { state in
            for correlation in correlations {
                for key in correlation.keys {
                    guard let held = state.pending[key], held.requestID == correlation.requestID,
                          held.segment == correlation.segment, held.messageID == correlation.messageID else { continue }
                    state.pending[key] = nil
                }
            }
        }
    }

    /// How many keys wait for their commit (for tests and metrics).
    public var pendingCount: Int { state.withLockedValue { $0.pending.count } }

    /// How many receipts are held right now.
    public var heldCount: Int { state.withLockedValue { $0.slots.count } }

    /// The correlation for a receipt with these keys: from accepted-but-uncommitted segments, else `lookup` (the
    /// store), else whatever is accepted within the hold; nil when nothing turns up.
    public func correlate(
        keys: [String], lookup: () async throws -> ReceiptCorrelation?
    ) async throws -> ReceiptCorrelation? {
        // Registered before the store is asked, so a segment accepted in between is not missed.
        let registration = state.withLockedValue { state -> (found: ReceiptCorrelation?, slot: UInt64) in
            for key in keys { if let found = state.pending[key] { return (found, 0) } }
            state.nextSlot += 1
            state.slots[state.nextSlot] = .reserved(keys: keys)
            return (nil, state.nextSlot)
        }
        if let found = registration.found { return found }
        let slot = registration.slot
        let stored: ReceiptCorrelation?
        do {
            stored = try await lookup()
        } catch {
            state.withLockedValue { $0.slots[slot] = nil }
            throw error
        }
        if let stored {
            state.withLockedValue { $0.slots[slot] = nil }
            return stored
        }
        return await withCheckedContinuation { continuation in
            let early = state.withLockedValue { state -> ReceiptCorrelation?? in
                switch state.slots[slot] {
                case .resolved(let correlation)?:
                    state.slots[slot] = nil
                    return .some(correlation)
                case .reserved(let keys)?:
                    state.slots[slot] = .waiting(keys: keys, continuation)
                    return .none
                default:
                    return .some(nil)
                }
            }
            if let early {
                continuation.resume(returning: early)
                return
            }
            let hold = self.hold
            Task {
                try? await Task.sleep(for: hold)
                self.endHold(slot)
            }
        }
    }

    private func endHold(_ slot: UInt64) {
        let continuation = state.withLockedValue { state -> CheckedContinuation<ReceiptCorrelation?, Never>? in
            guard case .waiting(_, let continuation)? = state.slots[slot] else { return nil }
            state.slots[slot] = nil
            return continuation
        }
        continuation?.resume(returning: nil)
    }
}
