extension PDUBody {
    /// Decodes the body that follows a header with `commandID`.
    static func decode(from reader: inout BodyReader) throws(SMPPDecodeError) -> PDUBody {
        // A switch on the raw value compiles to a jump table; the static lets would be compared one by one.
        switch reader.commandID.rawValue {
        case 0x0000_0001: return .bindReceiver(try BindRequest.decode(from: &reader))
        case 0x0000_0002: return .bindTransmitter(try BindRequest.decode(from: &reader))
        case 0x0000_0009: return .bindTransceiver(try BindRequest.decode(from: &reader))
        case 0x8000_0001: return .bindReceiverResp(try BindResponse.decode(from: &reader))
        case 0x8000_0002: return .bindTransmitterResp(try BindResponse.decode(from: &reader))
        case 0x8000_0009: return .bindTransceiverResp(try BindResponse.decode(from: &reader))
        case 0x0000_000B: return .outbind(try Outbind.decode(from: &reader))
        case 0x0000_0004: return .submitSM(try SubmitSM.decode(from: &reader))
        case 0x8000_0004: return .submitSMResp(try SubmitSMResp.decode(from: &reader))
        case 0x0000_0005: return .deliverSM(try DeliverSM.decode(from: &reader))
        case 0x8000_0005: return .deliverSMResp(try DeliverSMResp.decode(from: &reader))
        case 0x0000_0103: return .dataSM(try DataSM.decode(from: &reader))
        case 0x8000_0103: return .dataSMResp(try DataSMResp.decode(from: &reader))
        case 0x0000_0003: return .querySM(try QuerySM.decode(from: &reader))
        case 0x8000_0003: return .querySMResp(try QuerySMResp.decode(from: &reader))
        case 0x0000_0008: return .cancelSM(try CancelSM.decode(from: &reader))
        case 0x0000_0007: return .replaceSM(try ReplaceSM.decode(from: &reader))
        case 0x0000_0021: return .submitMulti(try SubmitMulti.decode(from: &reader))
        case 0x8000_0021: return .submitMultiResp(try SubmitMultiResp.decode(from: &reader))
        case 0x0000_0102: return .alertNotification(try AlertNotification.decode(from: &reader))
        case 0x0000_0006: try reader.expectEnd(); return .unbind
        case 0x8000_0006: try reader.expectEnd(); return .unbindResp
        case 0x8000_0000: try reader.expectEnd(); return .genericNack
        case 0x0000_0015: try reader.expectEnd(); return .enquireLink
        case 0x8000_0015: try reader.expectEnd(); return .enquireLinkResp
        case 0x8000_0008: try reader.expectEnd(); return .cancelSMResp
        case 0x8000_0007: try reader.expectEnd(); return .replaceSMResp
        default:
            return .unknown(reader.commandID, reader.readRemaining())
        }
    }

    /// Writes the body (without header).
    func encode(into buffer: inout WireWriter) throws(SMPPEncodeError) {
        switch self {
        case .bindTransmitter(let body), .bindReceiver(let body), .bindTransceiver(let body):
            try body.encode(into: &buffer)
        case .bindTransmitterResp(let body), .bindReceiverResp(let body), .bindTransceiverResp(let body):
            try body.encode(into: &buffer)
        case .outbind(let body): try body.encode(into: &buffer)
        case .submitSM(let body): try body.encode(into: &buffer)
        case .submitSMResp(let body): try body.encode(into: &buffer)
        case .deliverSM(let body): try body.encode(into: &buffer)
        case .deliverSMResp(let body): try body.encode(into: &buffer)
        case .dataSM(let body): try body.encode(into: &buffer)
        case .dataSMResp(let body): try body.encode(into: &buffer)
        case .querySM(let body): try body.encode(into: &buffer)
        case .querySMResp(let body): try body.encode(into: &buffer)
        case .cancelSM(let body): try body.encode(into: &buffer)
        case .replaceSM(let body): try body.encode(into: &buffer)
        case .submitMulti(let body): try body.encode(into: &buffer)
        case .submitMultiResp(let body): try body.encode(into: &buffer)
        case .alertNotification(let body): try body.encode(into: &buffer)
        case .unknown(_, let octets): buffer.writeBytes(octets)
        case .unbind, .unbindResp, .genericNack, .enquireLink, .enquireLinkResp, .cancelSMResp, .replaceSMResp:
            break
        }
    }
}
