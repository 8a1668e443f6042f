/// Every fault the simulator can inject; the defaults inject none.
public struct SimulatorFaults: Sendable, Hashable {
    /// Delay before each response (`--latency`, `--latency-max`).
    public var latency: LatencyDistribution = .none
    /// Fraction of submit_sm answered ESME_RTHROTTLED (`--throttle-rate`).
    public var throttleRate: Double = 0
    /// Fraction of submit_sm answered ESME_RMSGQFUL (`--queue-full-rate`).
    public var queueFullRate: Double = 0
    /// Fraction of submit_sm never answered (`--no-response-rate`): not taken either, no record, no receipt.
    public var noResponseRate: Double = 0
    /// Fraction of submit_sm taken — recorded, its receipts scheduled — but never answered, as when a
    /// submit_sm_resp is lost on the way (`--accept-without-response-rate`): a client that sends it again puts a
    /// second copy at the SMSC.
    public var acceptWithoutResponseRate: Double = 0
    /// Fraction of submit_sm answered with generic_nack ESME_RSYSERR instead of submit_sm_resp
    /// (`--generic-nack-rate`).
    public var genericNackRate: Double = 0
    /// Fraction of submit_sm answered with a malformed submit_sm_resp: a valid header whose message_id has no
    /// terminating NUL (`--malformed-rate`).
    public var malformedRate: Double = 0
    /// Handle the first N PDUs of each connection normally, then close it when PDU N+1 arrives, without
    /// answering that one (`--drop-after`); nil = never.
    public var dropAfterPDUs: Int? = nil
    /// Fraction of received PDUs on which the connection is closed instead of answered (`--drop-rate`).
    public var dropRate: Double = 0
    /// Never answer enquire_link (`--ignore-enquire-link`).
    public var ignoreEnquireLink: Bool = false
    /// Send unbind this many milliseconds after a bind succeeds (`--send-unbind-after S`); nil = never.
    public var sendUnbindAfterMilliseconds: Int64? = nil
    /// Apply the submit fractions (throttle, queue-full, no-response, generic-nack, malformed) only on the first N
    /// connections the simulator accepts; later ones accept every submit. nil = every connection. Lets a test make
    /// one session of a client throttled or stalled while its others work.
    public var submitFaultConnections: Int? = nil
    /// Refuse the first N bind requests the simulator receives (counted across every connection and account) with
    /// ESME_RBINDFAIL, before the credentials are checked (`--refuse-binds`); 0 = never. Lets a test keep a client
    /// unbound for a while and then let it in.
    public var refuseFirstBinds: Int = 0
    /// Fraction of accepted submit_sm whose first delivery receipt is sent on the same session *before* the
    /// submit_sm_resp (`--receipt-before-response-rate`). Applies only on a transceiver session and to a message
    /// that gets a receipt; the receipt replaces the first scheduled one, so the message still gets one receipt per
    /// state.
    public var receiptBeforeResponseRate: Double = 0

    /// These faults as seen by connection number `connection` (1-based, in accept order): without the submit
    /// fractions when ``submitFaultConnections`` leaves it out.
    public func forConnection(_ connection: UInt64) -> SimulatorFaults {
        guard let limit = submitFaultConnections, connection > UInt64(max(0, limit)) else { return self }
        var faults = self
        faults.throttleRate = 0
        faults.queueFullRate = 0
        faults.noResponseRate = 0
        faults.acceptWithoutResponseRate = 0
        faults.genericNackRate = 0
        faults.malformedRate = 0
        return faults
    }

    /// No faults.
    public init() {}

    /// Checks that every fraction is within 0…1 and the submit fractions add up to at most 1.
    public func validate() throws(SimulatorConfigurationError) {
        let fractions: [(String, Double)] = [
            ("--throttle-rate", throttleRate), ("--queue-full-rate", queueFullRate),
            ("--no-response-rate", noResponseRate), ("--accept-without-response-rate", acceptWithoutResponseRate),
            ("--generic-nack-rate", genericNackRate),
            ("--malformed-rate", malformedRate), ("--drop-rate", dropRate),
            ("--receipt-before-response-rate", receiptBeforeResponseRate),
        ]
        for (option, value) in fractions where !(value >= 0 && value <= 1) {
            throw SimulatorConfigurationError(
                code: .invalidRate, option: option, value: "\(value)", reason: "must be a fraction 0…1")
        }
        let submitTotal =
            throttleRate + queueFullRate + noResponseRate + acceptWithoutResponseRate + genericNackRate + malformedRate
        if submitTotal > 1 + 1e-9 {
            throw SimulatorConfigurationError(
                code: .inconsistent, option: "--throttle-rate", value: "\(submitTotal)",
                reason: "throttle, queue-full, no-response, accept-without-response, generic-nack and malformed rates add "
                    + "up to more than 1")
        }
        if let dropAfterPDUs, dropAfterPDUs < 1 {
            throw SimulatorConfigurationError(
                code: .invalidRate, option: "--drop-after", value: "\(dropAfterPDUs)", reason: "must be ≥ 1")
        }
        if refuseFirstBinds < 0 {
            throw SimulatorConfigurationError(
                code: .invalidRate, option: "--refuse-binds", value: "\(refuseFirstBinds)", reason: "must be ≥ 0")
        }
        if let sendUnbindAfterMilliseconds, !(0...86_400_000).contains(sendUnbindAfterMilliseconds) {
            throw SimulatorConfigurationError(
                code: .invalidRate, option: "--send-unbind-after", value: "\(sendUnbindAfterMilliseconds)",
                reason: "must be 0…86400 seconds")
        }
        switch latency {
        case .none: break
        case .fixed(let value), .uniform(_, let value):
            if value > 86_400_000 {
                throw SimulatorConfigurationError(
                    code: .invalidLatency, option: "--latency", value: "\(value)", reason: "must be at most 86400000 ms")
            }
        }
    }
}

/// How the simulator treats one submit_sm, drawn from the fault fractions.
public enum SubmitFault: Sendable, Hashable {
    /// Accept it: submit_sm_resp ESME_ROK with a new message id, record it, schedule its receipts.
    case accept
    /// Answer submit_sm_resp ESME_RTHROTTLED (0x58), no message id.
    case throttle
    /// Answer submit_sm_resp ESME_RMSGQFUL (0x14), no message id.
    case queueFull
    /// Never answer, nor take it.
    case noResponse
    /// Take it (record, receipts) but never answer.
    case acceptWithoutResponse
    /// Answer generic_nack ESME_RSYSERR with the submit's sequence number.
    case genericNack
    /// Answer a submit_sm_resp whose body is malformed.
    case malformed
}

extension SimulatorFaults {
    /// Draws the treatment of one submit_sm: a single uniform draw split into consecutive ranges, so the
    /// fractions are exact and exclusive (no-response, generic-nack, malformed, throttle, queue-full,
    /// accept-without-response, then accept).
    public func submitFault(using random: inout SimulatorRandom) -> SubmitFault {
        let total =
            noResponseRate + genericNackRate + malformedRate + throttleRate + queueFullRate + acceptWithoutResponseRate
        guard total > 0 else { return .accept }
        let draw = random.unit()
        var bound = noResponseRate
        if draw < bound { return .noResponse }
        bound += genericNackRate
        if draw < bound { return .genericNack }
        bound += malformedRate
        if draw < bound { return .malformed }
        bound += throttleRate
        if draw < bound { return .throttle }
        bound += queueFullRate
        if draw < bound { return .queueFull }
        // Last of the faults, so seeded runs without it keep the ranges they had.
        bound += acceptWithoutResponseRate
        if draw < bound { return .acceptWithoutResponse }
        return .accept
    }

    /// Whether the connection should be closed on receiving its `count`-th PDU (1-based) instead of handling it.
    public func shouldDrop(receivedPDUs count: Int, using random: inout SimulatorRandom) -> Bool {
        if let dropAfterPDUs, count > dropAfterPDUs { return true }
        return random.chance(dropRate)
    }
}
