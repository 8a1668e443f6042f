/// The body of a PDU, one case per SMPP 3.4 operation (reference §2), plus ``unknown(_:_:)`` for any other
/// command id so the session can answer generic_nack instead of failing.
public enum PDUBody: Hashable, Sendable {
    /// bind_transmitter.
    case bindTransmitter(BindRequest)
    /// bind_receiver.
    case bindReceiver(BindRequest)
    /// bind_transceiver.
    case bindTransceiver(BindRequest)
    /// bind_transmitter_resp.
    case bindTransmitterResp(BindResponse)
    /// bind_receiver_resp.
    case bindReceiverResp(BindResponse)
    /// bind_transceiver_resp.
    case bindTransceiverResp(BindResponse)
    /// outbind.
    case outbind(Outbind)
    /// unbind (header only).
    case unbind
    /// unbind_resp (header only).
    case unbindResp
    /// generic_nack (header only).
    case genericNack
    /// enquire_link (header only).
    case enquireLink
    /// enquire_link_resp (header only).
    case enquireLinkResp
    /// submit_sm.
    case submitSM(SubmitSM)
    /// submit_sm_resp.
    case submitSMResp(SubmitSMResp)
    /// deliver_sm.
    case deliverSM(DeliverSM)
    /// deliver_sm_resp.
    case deliverSMResp(DeliverSMResp)
    /// data_sm.
    case dataSM(DataSM)
    /// data_sm_resp.
    case dataSMResp(DataSMResp)
    /// query_sm.
    case querySM(QuerySM)
    /// query_sm_resp.
    case querySMResp(QuerySMResp)
    /// cancel_sm.
    case cancelSM(CancelSM)
    /// cancel_sm_resp (header only).
    case cancelSMResp
    /// replace_sm.
    case replaceSM(ReplaceSM)
    /// replace_sm_resp (header only).
    case replaceSMResp
    /// submit_multi.
    case submitMulti(SubmitMulti)
    /// submit_multi_resp.
    case submitMultiResp(SubmitMultiResp)
    /// alert_notification.
    case alertNotification(AlertNotification)
    /// Any other command id, with its body octets as received. Encoding writes them back unchanged.
    case unknown(CommandID, [UInt8])

    /// The command id this body is sent with.
    public var commandID: CommandID {
        switch self {
        case .bindTransmitter: .bindTransmitter
        case .bindReceiver: .bindReceiver
        case .bindTransceiver: .bindTransceiver
        case .bindTransmitterResp: .bindTransmitterResp
        case .bindReceiverResp: .bindReceiverResp
        case .bindTransceiverResp: .bindTransceiverResp
        case .outbind: .outbind
        case .unbind: .unbind
        case .unbindResp: .unbindResp
        case .genericNack: .genericNack
        case .enquireLink: .enquireLink
        case .enquireLinkResp: .enquireLinkResp
        case .submitSM: .submitSM
        case .submitSMResp: .submitSMResp
        case .deliverSM: .deliverSM
        case .deliverSMResp: .deliverSMResp
        case .dataSM: .dataSM
        case .dataSMResp: .dataSMResp
        case .querySM: .querySM
        case .querySMResp: .querySMResp
        case .cancelSM: .cancelSM
        case .cancelSMResp: .cancelSMResp
        case .replaceSM: .replaceSM
        case .replaceSMResp: .replaceSMResp
        case .submitMulti: .submitMulti
        case .submitMultiResp: .submitMultiResp
        case .alertNotification: .alertNotification
        case .unknown(let id, _): id
        }
    }

    /// Whether this is a response whose fields are all empty: with a non-zero status such a response is encoded
    /// header only, as SMPP 3.4 prescribes ("the body is not returned if command_status is non-zero").
    var isEmptyResponse: Bool {
        switch self {
        case .bindTransmitterResp(let body), .bindReceiverResp(let body), .bindTransceiverResp(let body):
            body.isEmpty
        case .submitSMResp(let body): body.isEmpty
        case .deliverSMResp(let body): body.isEmpty
        case .dataSMResp(let body): body.isEmpty
        case .querySMResp(let body): body.isEmpty
        case .submitMultiResp(let body): body.isEmpty
        default: false
        }
    }
}
