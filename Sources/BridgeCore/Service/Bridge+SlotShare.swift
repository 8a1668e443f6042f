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
        var subscribed = false
        var prefetch: UInt16?
        for await held in gate.heldSlotUpdates {
            guard !Task.isCancelled else { break }
            let submitting = BridgeStatus.submittingSlots(held, bindType: bindType).count
            do {
                if submitting == 0 {
                    guard subscribed else { continue }
                    // Hand back first: deliveries the broker sends before the cancel takes effect come back too.
                    let handedBack = parts.client.setHandingBack(true)
                    try await parts.consumer.cancel()
                    subscribed = false
                    status.withLockedValue { $0.consuming = false }
                    logger.notice(
                        "no session slot able to submit: stopped consuming; waiting requests handed back", metadata: [
                        "cluster.held_slots": "\(held.count)", "handed_back": "\(handedBack)",
                    ])
                    continue
                }
                parts.client.setHandingBack(false)
                let wanted = configuration.broker.effectivePrefetch(
                    sessions: submitting, window: configuration.smpp.window)
                if wanted != prefetch {
                    try await parts.consumer.setPrefetch(wanted)
                    prefetch = wanted
                }
                if !subscribed {
                    try await parts.consumer.resume()
                    subscribed = true
                    status.withLockedValue { $0.consuming = true }
                    logger.info("session slots held: consuming", metadata: [
                        "cluster.held_slots": "\(held.count)", "amqp.prefetch": "\(wanted)",
                    ])
                }
            } catch {
                // The consumer's connection is gone or closing: the next change (or reconnect) applies the state.
                logger.warning("could not follow the session slots on the consumer", metadata: ["error": "\(error)"])
            }
        }
    }
}
