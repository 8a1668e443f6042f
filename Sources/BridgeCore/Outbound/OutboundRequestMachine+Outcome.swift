import SMPP

/// How a request ended, before it becomes a `submit_result` event (DESIGN §1.3).
public struct RequestOutcome: Sendable, Hashable {
    /// The result status (never `rejected`: that is decided before submission).
    public enum Status: String, Sendable, Hashable {
        case accepted, failed, expired, unknown
    }

    /// Why a request did not end `accepted`.
    public struct Failure: Sendable, Hashable {
        /// The SMPP status name (e.g. `ESME_RINVDSTADR`) or a bridge code (`EXPIRED`, `OUTCOME_UNKNOWN`).
        public var code: String
        /// The SMPP status, when the SMSC gave one.
        public var commandStatus: UInt32?
        /// One line for people.
        public var message: String
    }

    /// The status.
    public var status: Status
    /// Every segment, in order (as the result event lists them).
    public var segments: [SubmitResultEvent.Segment]
    /// Every send of every segment (the result's `attempts`).
    public var attempts: Int
    /// True when the SMSC may hold more than one copy of some segment.
    public var possibleDuplicate: Bool
    /// Why it did not end `accepted`; nil when it did.
    public var failure: Failure?

    /// The accepted segments' message_ids, in segment order.
    public var messageIDs: [String] { segments.compactMap(\.messageID) }
}

extension SubmitResultEvent.ErrorInfo {
    /// Code of a `failed` result whose request could not be turned into a sendable PDU.
    public static let unsendable = "UNSENDABLE"
}

extension OutboundRequestMachine {
    /// Whether `segment` makes the result `possible_duplicate` (DESIGN §3 "Unknown outcomes"): a send of it ended
    /// unknown and it was sent again — or, under `resubmit`, it was not accepted after all (its unknown copy may be
    /// at the SMSC whatever ended it: the attempts or age, the expiry, or another segment failing for good first). A
    /// late acceptance of its only send leaves it unflagged.
    private func endsPossiblyDuplicated(_ segment: Segment) -> Bool {
        guard segment.hadUnknownOutcome else { return false }
        if segment.attempts > 1 { return true }
        if case .accepted = segment.state { return false }
        return policy.resubmitUnknown
    }

    /// The decision once every segment is settled.
    func outcome() -> Action {
        let reports = segments.enumerated().map { offset, segment in
            var messageID: String?
            // An SMSC that accepts with an empty message_id gave none (no receipt can name it).
            if case .accepted(let id) = segment.state, !id.isEmpty { messageID = id }
            return SubmitResultEvent.Segment(
                index: offset + 1, messageID: messageID, commandStatus: segment.lastStatus?.rawValue,
                attempts: segment.attempts)
        }
        let duplicate = recoveredInFlight || segments.contains(where: endsPossiblyDuplicated)
        var result = RequestOutcome(
            status: .accepted, segments: reports, attempts: segments.reduce(0) { $0 + $1.attempts },
            possibleDuplicate: duplicate, failure: nil)
        if let failure = firstFailure() {
            result.status = .failed
            result.failure = failure
            return .finish(result)
        }
        if segments.contains(where: { $0.state == .skipped }) { return .requeue }
        if let unknown = firstUnknown() {
            // `report` asked for it; under `resubmit` the attempts, the age or the expiry ended a segment whose
            // outcome is unknown: failed, flagged (whatever the other segments got: this is what the caller must know).
            result.status = policy.resubmitUnknown ? .failed : .unknown
            result.possibleDuplicate = duplicate
            result.failure = RequestOutcome.Failure(
                code: SubmitResultEvent.ErrorInfo.outcomeUnknown, commandStatus: nil,
                message: "no response from the SMSC (\(unknown)); it may or may not have the message")
            return .finish(result)
        }
        if segments.contains(where: { $0.state == .expired }) {
            let anyAccepted = segments.contains { if case .accepted = $0.state { true } else { false } }
            result.status = anyAccepted ? .failed : .expired
            result.failure = RequestOutcome.Failure(
                code: SubmitResultEvent.ErrorInfo.expired, commandStatus: nil,
                message: anyAccepted ? "expired before every segment was sent" : "expired before it could be sent")
            return .finish(result)
        }
        return .finish(result)
    }

    private func firstFailure() -> RequestOutcome.Failure? {
        for segment in segments {
            guard case .failed(let status, let reason) = segment.state else { continue }
            guard let status else {
                return RequestOutcome.Failure(code: SubmitResultEvent.ErrorInfo.unsendable, commandStatus: nil, message: reason)
            }
            if RetryPolicy.isTransient(status) {
                return RequestOutcome.Failure(
                    code: SubmitResultEvent.ErrorInfo.retriesExhausted, commandStatus: status.rawValue,
                    message: "\(status.name) after \(segment.attempts) attempt(s); retries exhausted")
            }
            return RequestOutcome.Failure(
                code: SubmitResultEvent.ErrorInfo.statusCode(status), commandStatus: status.rawValue,
                message: "\(status.name): \(status.meaning)")
        }
        return nil
    }

    private func firstUnknown() -> String? {
        for segment in segments {
            if case .unknown(let reason) = segment.state { return reason }
        }
        return nil
    }
}
