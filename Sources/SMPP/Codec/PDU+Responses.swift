extension PDUBody {
    /// The body of the response to a request with `commandID`, every field empty: bind_*_resp with no system_id,
    /// submit_sm_resp with no message_id, unbind_resp, … For an unknown request id it is generic_nack (answer
    /// with ``CommandStatus/invalidCommandID``). `nil` for responses, outbind and alert_notification, which are
    /// never answered.
    public static func emptyResponse(to commandID: CommandID) -> PDUBody? {
        switch commandID {
        case .bindTransmitter: .bindTransmitterResp(BindResponse())
        case .bindReceiver: .bindReceiverResp(BindResponse())
        case .bindTransceiver: .bindTransceiverResp(BindResponse())
        case .submitSM: .submitSMResp(SubmitSMResp())
        case .deliverSM: .deliverSMResp(DeliverSMResp())
        case .dataSM: .dataSMResp(DataSMResp())
        case .querySM: .querySMResp(QuerySMResp())
        case .cancelSM: .cancelSMResp
        case .replaceSM: .replaceSMResp
        case .submitMulti: .submitMultiResp(SubmitMultiResp())
        case .unbind: .unbindResp
        case .enquireLink: .enquireLinkResp
        case .outbind, .alertNotification: nil
        default: commandID.isResponse ? nil : .genericNack
        }
    }
}

extension PDU {
    /// The response to this request with `status` and the request's sequence number; `body` defaults to
    /// ``PDUBody/emptyResponse(to:)``, so an error status encodes header only. `nil` when this PDU is never
    /// answered (a response, outbind, alert_notification).
    public func response(status: CommandStatus = .ok, body: PDUBody? = nil) -> PDU? {
        guard let responseBody = body ?? PDUBody.emptyResponse(to: commandID) else { return nil }
        return PDU(responseBody, sequenceNumber: sequenceNumber, commandStatus: status)
    }

    /// generic_nack with `status` for `sequenceNumber`.
    public static func genericNack(sequenceNumber: UInt32, status: CommandStatus) -> PDU {
        PDU(.genericNack, sequenceNumber: sequenceNumber, commandStatus: status)
    }

    /// The generic_nack answering a PDU that failed to decode: the error's sequence number (0 when the header
    /// was unreadable, as jsmpp does for ESME_RINVCMDLEN) and its ``SMPPDecodeError/Code/suggestedStatus``.
    public static func genericNack(for error: SMPPDecodeError) -> PDU {
        genericNack(
            sequenceNumber: error.code == .invalidCommandLength ? 0 : error.sequenceNumber ?? 0,
            status: error.code.suggestedStatus)
    }
}
