import Logging
import SMPPNIO

extension Bridge {
    /// With the session budget (issue 9): the consumer subscribes only while this instance holds a session slot able
    /// to submit, and its prefetch follows those slots (sessions × window × 2, unless `amqp.prefetch` is set). A
    /// standby instance then holds no requests, and the broker hands each instance work in proportion to its
    /// sessions. When the last slot goes, the requests waiting for a session (never sent) are handed back to the
    /// queue with their in-flight marks forgotten, and so is every one still arriving, until a slot is held again:
    /// another instance submits them, unflagged. Ends when cancelled or when the gate stops.
    func followSlotShare(_ parts: BridgeParts, gate: ClusterSlotGate) async {
        let bindType = parts.client.configuration.bindType
        var follower = SlotShareFollower()
        for await held in gate.heldSlotUpdates {
            guard !Task.isCancelled else { break }
            let submitting = BridgeStatus.submittingSlots(held, bindType: bindType).count
            if submitting > 0 { parts.client.setHandingBack(false) }
            let wanted = configuration.broker.effectivePrefetch(sessions: max(1, submitting), window: configuration.smpp.window)
            for step in follower.steps(submittingSlots: submitting, wantedPrefetch: wanted) {
                await apply(step, parts, held: held.count)
            }
        }
    }

    /// Asks the consumer for `step`. A call that fails (the consumer's connection is gone or closing) still takes
    /// effect on the next connection (``SlotShareFollower``), so the status follows what was asked.
    private func apply(_ step: SlotShareFollower.Step, _ parts: BridgeParts, held: Int) async {
        do {
            switch step {
            case .stopConsuming:
                // Hand back first: deliveries the broker sends before the cancel takes effect come back too.
                let handedBack = parts.client.setHandingBack(true)
                status.withLockedValue { $0.consuming = false }
                logger.notice(
                    "no session slot able to submit: stopped consuming; waiting requests handed back", metadata: [
                        "cluster.held_slots": "\(held)", "handed_back": "\(handedBack)",
                    ])
                try await parts.consumer.cancel()
            case .setPrefetch(let prefetch):
                try await parts.consumer.setPrefetch(prefetch)
            case .resumeConsuming:
                status.withLockedValue { $0.consuming = true }
                logger.info("session slots held: consuming", metadata: ["cluster.held_slots": "\(held)"])
                try await parts.consumer.resume()
            }
        } catch {
            logger.warning("consumer call failed; it applies on the next connection", metadata: [
                "step": "\(step)", "error": "\(error)",
            ])
        }
    }
}
