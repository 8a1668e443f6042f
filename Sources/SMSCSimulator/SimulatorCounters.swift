/// What the simulator has done since it started; printed on exit and every `--stats-interval`.
public struct SimulatorCounters: Sendable, Hashable, CustomStringConvertible {
    /// TCP connections accepted (plain and TLS).
    public var connections: UInt64 = 0
    /// TCP connections closed (by either side, for any reason).
    public var connectionsClosed: UInt64 = 0
    /// Binds accepted.
    public var bindsAccepted: UInt64 = 0
    /// Binds refused (credentials, session limit, or already bound).
    public var bindsRejected: UInt64 = 0
    /// Binds refused with ESME_RBINDFAIL by the `refuseFirstBinds` fault (also counted in `bindsRejected`).
    public var bindsRefusedByFault: UInt64 = 0
    /// Binds refused because the account already had `maxSessions` bound (also counted in `bindsRejected`).
    public var bindsRefusedSessionLimit: UInt64 = 0
    /// The most sessions one account had bound at the same time so far.
    public var peakBoundSessions: UInt64 = 0
    /// submit_sm received in a state that allows it.
    public var submitsReceived: UInt64 = 0
    /// submit_sm accepted (ESME_ROK, recorded).
    public var submitsAccepted: UInt64 = 0
    /// submit_sm answered ESME_RTHROTTLED.
    public var submitsThrottled: UInt64 = 0
    /// submit_sm answered ESME_RMSGQFUL.
    public var submitsQueueFull: UInt64 = 0
    /// submit_sm deliberately left unanswered.
    public var submitsUnanswered: UInt64 = 0
    /// submit_sm taken (recorded, receipts scheduled) but never answered (`acceptWithoutResponseRate`).
    public var submitsAcceptedUnanswered: UInt64 = 0
    /// Client submits whose sequence number was still awaiting the simulator's answer (a real SMSC refuses them).
    public var sequenceNumbersReused: UInt64 = 0
    /// Client submits beyond `maxOutstandingSubmits` awaiting an answer at once (a client's window overrun).
    public var windowOverruns: UInt64 = 0
    /// generic_nack sent as a fault.
    public var genericNacksInjected: UInt64 = 0
    /// Malformed PDUs sent as a fault.
    public var malformedSent: UInt64 = 0
    /// Requests answered with ESME_RINVBNDSTS (not allowed in the session's state).
    public var invalidBindState: UInt64 = 0
    /// generic_nack for unknown command ids or bad command lengths.
    public var protocolErrors: UInt64 = 0
    /// enquire_link received.
    public var enquireLinksReceived: UInt64 = 0
    /// enquire_link sent by the simulator (`enquireLinkIntervalMilliseconds`).
    public var enquireLinksSent: UInt64 = 0
    /// enquire_link_resp received from ESMEs.
    public var enquireLinkResponsesReceived: UInt64 = 0
    /// enquire_link deliberately left unanswered.
    public var enquireLinksIgnored: UInt64 = 0
    /// unbind received from ESMEs.
    public var unbindsReceived: UInt64 = 0
    /// unbind sent by the simulator as a fault.
    public var unbindsSent: UInt64 = 0
    /// Connections closed by a drop fault.
    public var connectionsDropped: UInt64 = 0
    /// Connections closed by the session_init timer.
    public var sessionInitTimeouts: UInt64 = 0
    /// Delivery receipts sent (each attempt counts).
    public var receiptsSent: UInt64 = 0
    /// Receipts sent on the submitting session before its submit_sm_resp (`receiptBeforeResponseRate`; also
    /// counted in `receiptsSent`).
    public var receiptsBeforeResponse: UInt64 = 0
    /// MO deliver_sm sent (each part and attempt counts).
    public var moSent: UInt64 = 0
    /// deliver_sm answered ESME_ROK.
    public var deliveriesAcknowledged: UInt64 = 0
    /// deliver_sm answered ESME_RX_T_APPN or unanswered, and scheduled again.
    public var deliveriesRetried: UInt64 = 0
    /// deliver_sm (or data_sm) answered ESME_RX_T_APPN by the ESME (also counted in `deliveriesRetried`).
    public var deliveriesTemporaryAppError: UInt64 = 0
    /// deliver_sm dropped after ESME_RX_P_APPN, ESME_RX_R_APPN, another error, or too many attempts.
    public var deliveriesDropped: UInt64 = 0
    /// Receipts or MO that found no bound RX/TRX session and were held for later.
    public var deliveriesWaiting: UInt64 = 0

    /// All zero.
    public init() {}

    /// `name=value` pairs on one line, in declaration order.
    public var description: String {
        let pairs: [(String, UInt64)] = [
            ("connections", connections), ("connections_closed", connectionsClosed),
            ("binds_accepted", bindsAccepted), ("binds_rejected", bindsRejected),
            ("binds_refused_by_fault", bindsRefusedByFault),
            ("binds_refused_session_limit", bindsRefusedSessionLimit), ("peak_bound_sessions", peakBoundSessions),
            ("submits_received", submitsReceived), ("submits_accepted", submitsAccepted),
            ("submits_throttled", submitsThrottled), ("submits_queue_full", submitsQueueFull),
            ("submits_unanswered", submitsUnanswered), ("submits_accepted_unanswered", submitsAcceptedUnanswered),
            ("sequence_numbers_reused", sequenceNumbersReused), ("window_overruns", windowOverruns),
            ("generic_nacks_injected", genericNacksInjected),
            ("malformed_sent", malformedSent), ("invalid_bind_state", invalidBindState),
            ("protocol_errors", protocolErrors), ("enquire_links_received", enquireLinksReceived),
            ("enquire_links_ignored", enquireLinksIgnored), ("enquire_links_sent", enquireLinksSent),
            ("enquire_link_responses_received", enquireLinkResponsesReceived), ("unbinds_received", unbindsReceived),
            ("unbinds_sent", unbindsSent), ("connections_dropped", connectionsDropped),
            ("session_init_timeouts", sessionInitTimeouts), ("receipts_sent", receiptsSent),
            ("receipts_before_response", receiptsBeforeResponse), ("mo_sent", moSent),
            ("deliveries_acknowledged", deliveriesAcknowledged), ("deliveries_retried", deliveriesRetried),
            ("deliveries_temporary_app_error", deliveriesTemporaryAppError),
            ("deliveries_dropped", deliveriesDropped), ("deliveries_waiting", deliveriesWaiting),
        ]
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    }
}
