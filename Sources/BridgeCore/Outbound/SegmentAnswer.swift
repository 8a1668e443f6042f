public import SMPP
public import SMPPNIO

/// What became of one send of one segment, as the outbound machine sees it.
public enum SegmentAnswer: Sendable, Hashable {
    /// The SMSC answered submit_sm_resp (or generic_nack) with this status; `messageID` is set on ESME_ROK.
    case response(status: CommandStatus, messageID: String)
    /// Sent, but no answer can be known (response timeout, session lost, unreadable response): the SMSC may have it.
    case unknown(reason: String)
    /// Never reached the SMSC and never will as asked (the PDU cannot be encoded): fail the segment.
    case unsendable(reason: String)
    /// Never sent: withdrawn because the request expired, or the client is shutting down.
    case withdrawn(reason: String)

    /// Classifies a submit's result from the SMPP client.
    public init(_ result: Result<SubmitOutcome, SMPPClientError>) {
        switch result {
        case .success(let outcome):
            self = .response(status: outcome.commandStatus, messageID: outcome.messageID)
        case .failure(let error):
            if error.isOutcomeUnknown {
                self = .unknown(reason: error.code.description)
            } else if error.code == .genericNack {
                // A generic_nack refuses the PDU whatever its status says: one claiming ESME_ROK (or none) is an
                // SMSC fault, retried as ESME_RSYSERR — never an accepted segment without a message_id.
                let status = error.commandStatus.map(CommandStatus.init(rawValue:)) ?? .systemError
                self = .response(status: status == .ok ? .systemError : status, messageID: "")
            } else if error.code == .encodingFailed || error.code == .noTransmitter {
                self = .unsendable(reason: error.description)
            } else {
                self = .withdrawn(reason: error.code.description)
            }
        }
    }
}
