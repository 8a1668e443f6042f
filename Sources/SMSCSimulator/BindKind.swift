import SMPP

/// The three ways an ESME binds, and what each may do (reference §2).
enum BindKind: String, Sendable, Hashable {
    case transmitter, receiver, transceiver

    /// The kind a bind request asks for, nil for any other PDU.
    init?(_ body: PDUBody) {
        switch body {
        case .bindTransmitter: self = .transmitter
        case .bindReceiver: self = .receiver
        case .bindTransceiver: self = .transceiver
        default: return nil
        }
    }

    /// May send submit_sm, data_sm, query_sm, cancel_sm, replace_sm, submit_multi.
    var canSubmit: Bool { self != .receiver }
    /// May be sent deliver_sm (receipts and MO).
    var canReceive: Bool { self != .transmitter }

    /// The bind response body for this kind.
    func response(_ body: BindResponse) -> PDUBody {
        switch self {
        case .transmitter: return .bindTransmitterResp(body)
        case .receiver: return .bindReceiverResp(body)
        case .transceiver: return .bindTransceiverResp(body)
        }
    }
}

extension PDUBody {
    /// The body-less response to this request, for answering it with an error status; nil for responses and for
    /// requests that have no response (outbind, alert_notification, unknown ids).
    var emptyResponse: PDUBody? {
        switch self {
        case .bindTransmitter: return .bindTransmitterResp(BindResponse())
        case .bindReceiver: return .bindReceiverResp(BindResponse())
        case .bindTransceiver: return .bindTransceiverResp(BindResponse())
        case .unbind: return .unbindResp
        case .enquireLink: return .enquireLinkResp
        case .submitSM: return .submitSMResp(SubmitSMResp())
        case .deliverSM: return .deliverSMResp(DeliverSMResp())
        case .dataSM: return .dataSMResp(DataSMResp())
        case .querySM: return .querySMResp(QuerySMResp())
        case .cancelSM: return .cancelSMResp
        case .replaceSM: return .replaceSMResp
        case .submitMulti: return .submitMultiResp(SubmitMultiResp())
        default: return nil
        }
    }
}
