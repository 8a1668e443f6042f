import Logging
import SMPPNIO

extension Bridge {
    /// With the session budget (issue 9): the consumer subscribes only while this instance holds a session slot able
    /// to submit, and its prefetch follows those slots (sessions × window × 2, unless `amqp.prefetch` is set). A
    /// standby instance then holds no requests, and the broker hands each instance work in proportion to its
    /// sessions. Requests received before the last slot went stay with this instance until they finish (a slot
    /// comes back), expire or are handed back at shutdown. Ends when cancelled or when the gate stops.
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
                    try await parts.consumer.cancel()
                    subscribed = false
                    status.withLockedValue { $0.consuming = false }
                    logger.notice("no session slot able to submit: stopped consuming (basic.cancel)", metadata: [
                        "cluster.held_slots": "\(held.count)",
                    ])
                    continue
                }
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
