import Metrics

/// The metrics of one instance's session-slot leasing (issue 9 item 4). Names:
/// `smpp_bridge_instance_info{instance}` (always 1: which instance this endpoint belongs to),
/// `smpp_bridge_cluster_slots_held`, `smpp_bridge_cluster_slot_claims_total{outcome}` (claimed: a free slot;
/// taken_over: another instance's expired lease; contended: another instance got it first),
/// `smpp_bridge_cluster_slot_takeovers_total`, `smpp_bridge_cluster_slot_losses_total{reason}` (renew_overdue,
/// taken, yielded), `smpp_bridge_cluster_rounds_total{outcome}` (ok, failed).
final class ClusterMetrics: Sendable {
    let slotsHeld: Gauge
    let claimed: Counter
    let takenOver: Counter
    let contended: Counter
    let takeovers: Counter
    let lossRenewOverdue: Counter
    let lossTaken: Counter
    let yielded: Counter
    let roundsOK: Counter
    let roundsFailed: Counter

    init(instanceID: String, factory: any MetricsFactory) {
        Gauge(label: "smpp_bridge_instance_info", dimensions: [("instance", instanceID)], factory: factory).record(1)
        slotsHeld = Gauge(label: "smpp_bridge_cluster_slots_held", dimensions: [], factory: factory)
        func claims(_ outcome: String) -> Counter {
            Counter(label: "smpp_bridge_cluster_slot_claims_total", dimensions: [("outcome", outcome)], factory: factory)
        }
        func losses(_ reason: String) -> Counter {
            Counter(label: "smpp_bridge_cluster_slot_losses_total", dimensions: [("reason", reason)], factory: factory)
        }
        func rounds(_ outcome: String) -> Counter {
            Counter(label: "smpp_bridge_cluster_rounds_total", dimensions: [("outcome", outcome)], factory: factory)
        }
        claimed = claims("claimed")
        takenOver = claims("taken_over")
        contended = claims("contended")
        takeovers = Counter(label: "smpp_bridge_cluster_slot_takeovers_total", dimensions: [], factory: factory)
        lossRenewOverdue = losses(SlotLeaseMachine.LossReason.renewOverdue.rawValue)
        lossTaken = losses(SlotLeaseMachine.LossReason.takenByAnother.rawValue)
        yielded = losses("yielded")
        roundsOK = rounds("ok")
        roundsFailed = rounds("failed")
    }
}
