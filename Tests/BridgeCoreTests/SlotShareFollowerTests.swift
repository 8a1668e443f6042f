import Testing

@testable import BridgeCore

/// The consumer follows the session slots by what was asked, not by whether the broker's round trip succeeded: the
/// consumer keeps a failed call's intent for its next connection.
@Suite struct SlotShareFollowerTests {
    @Test func consumingFollowsTheSlotsAbleToSubmit() {
        var follower = SlotShareFollower()
        #expect(follower.steps(submittingSlots: 0, wantedPrefetch: 200) == [], "starts cancelled: nothing to stop")
        #expect(follower.steps(submittingSlots: 2, wantedPrefetch: 400) == [.setPrefetch(400), .resumeConsuming])
        #expect(follower.steps(submittingSlots: 2, wantedPrefetch: 400) == [])
        #expect(follower.steps(submittingSlots: 1, wantedPrefetch: 200) == [.setPrefetch(200)])
        #expect(follower.steps(submittingSlots: 0, wantedPrefetch: 200) == [.stopConsuming])
        #expect(follower.steps(submittingSlots: 0, wantedPrefetch: 200) == [])
    }

    /// The cancel's call failed (its connection went during it), but the consumer stays cancelled across the
    /// reconnect: when a slot comes back, consuming must be asked for again — before, a failed cancel left the
    /// bridge believing it still consumed, so it never resumed while holding slots.
    @Test func aSlotBackAfterAFailedCancelResumesConsuming() {
        var follower = SlotShareFollower()
        _ = follower.steps(submittingSlots: 1, wantedPrefetch: 200)
        #expect(follower.steps(submittingSlots: 0, wantedPrefetch: 200) == [.stopConsuming])  // its call fails
        #expect(!follower.consuming)
        #expect(follower.steps(submittingSlots: 1, wantedPrefetch: 200) == [.resumeConsuming])
    }
}
