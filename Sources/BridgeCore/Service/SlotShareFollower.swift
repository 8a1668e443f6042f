/// What the consumer is asked to do as the session slots this instance holds change (issue 9's session budget): stop
/// consuming when no slot can submit, consume again when one can, and follow the prefetch those slots want. Pure
/// state; ``Bridge/followSlotShare(_:gate:)`` applies the steps to the AMQP consumer.
///
/// It tracks what was asked, not whether the broker's round trip succeeded: the consumer keeps the intent of a
/// cancel, resume or prefetch change across reconnects even when the call itself fails (the connection went during
/// it), so a failed call is already in effect from the next connection on and must not be asked again — nor, worse,
/// leave a later change unasked (a failed cancel taken as "still consuming" would never resume).
struct SlotShareFollower: Sendable {
    /// One request to the consumer.
    enum Step: Equatable, Sendable {
        /// Hand back waiting requests, then basic.cancel.
        case stopConsuming
        /// Change the prefetch.
        case setPrefetch(UInt16)
        /// basic.consume again.
        case resumeConsuming
    }

    /// Whether consuming was last asked for (the consumer starts cancelled under a session budget).
    private(set) var consuming = false
    private(set) var prefetch: UInt16?

    /// The steps for `submittingSlots` slots able to submit, which want `wantedPrefetch`; recorded as asked.
    mutating func steps(submittingSlots: Int, wantedPrefetch: UInt16) -> [Step] {
        guard submittingSlots > 0 else {
            guard consuming else { return [] }
            consuming = false
            return [.stopConsuming]
        }
        var steps: [Step] = []
        if wantedPrefetch != prefetch {
            prefetch = wantedPrefetch
            steps.append(.setPrefetch(wantedPrefetch))
        }
        if !consuming {
            consuming = true
            steps.append(.resumeConsuming)
        }
        return steps
    }
}
