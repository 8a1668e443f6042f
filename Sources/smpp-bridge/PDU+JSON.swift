import SMPP

extension PDU {
    /// The PDU as the `pdu decode` tool prints it: header, then every body field under its reference name.
    func json(commandLength: Int) -> JSONValue {
        .object([
            ("command_length", .number(commandLength)),
            ("command_id", .string(hex32(commandID.rawValue))),
            ("command", .string(commandID.name)),
            ("command_status", commandStatus.json),
            ("sequence_number", .number(sequenceNumber)),
            ("body", body.json),
        ])
    }
}

extension CommandStatus {
    /// `{"value": …, "hex": …, "name": …, "class": …}`.
    var json: JSONValue {
        .object([
            ("value", .number(rawValue)),
            ("hex", .string(hex32(rawValue))),
            ("name", .string(name)),
            ("class", errorClass.map { .string($0.rawValue) } ?? .null),
        ])
    }
}

extension PDUBody {
    /// Every body field in wire order; header-only bodies are `{}`.
    var json: JSONValue {
        switch self {
        case .bindTransmitter(let bind), .bindReceiver(let bind), .bindTransceiver(let bind):
            return .object([
                ("system_id", .string(bind.systemID)),
                ("password", .string(bind.password)),
                ("system_type", .string(bind.systemType)),
                ("interface_version", .number(bind.interfaceVersion)),
            ] + address(bind.addressRange, ton: "addr_ton", npi: "addr_npi", name: "address_range"))
        case .bindTransmitterResp(let response), .bindReceiverResp(let response), .bindTransceiverResp(let response):
            return .object([("system_id", .string(response.systemID)), ("tlvs", tlvs(response.tlvs))])
        case .outbind(let outbind):
            return .object([("system_id", .string(outbind.systemID)), ("password", .string(outbind.password))])
        case .unbind, .unbindResp, .genericNack, .enquireLink, .enquireLinkResp, .cancelSMResp, .replaceSMResp:
            return .object([])
        case .submitSM(let sm):
            return shortMessageFields(sm)
        case .deliverSM(let sm):
            return shortMessageFields(sm)
        case .submitSMResp(let response):
            return .object([("message_id", .string(response.messageID)), ("tlvs", tlvs(response.tlvs))])
        case .deliverSMResp(let response):
            return .object([("message_id", .string(response.messageID)), ("tlvs", tlvs(response.tlvs))])
        case .dataSMResp(let response):
            return .object([("message_id", .string(response.messageID)), ("tlvs", tlvs(response.tlvs))])
        case .dataSM(let sm):
            return .object(
                [("service_type", .string(sm.serviceType))]
                    + address(sm.source, ton: "source_addr_ton", npi: "source_addr_npi", name: "source_addr")
                    + address(sm.destination, ton: "dest_addr_ton", npi: "dest_addr_npi", name: "destination_addr")
                    + [
                        ("esm_class", .number(sm.esmClass.rawValue)),
                        ("registered_delivery", .number(sm.registeredDelivery)),
                        ("data_coding", .number(sm.dataCoding)),
                        ("tlvs", tlvs(sm.tlvs)),
                        ("user_data", decodedUserData(
                            esmClass: sm.esmClass, dataCoding: sm.dataCoding, shortMessage: [], tlvs: sm.tlvs,
                            defaultAlphabet: .gsm7)),
                    ])
        case .querySM(let query):
            return .object(
                [("message_id", .string(query.messageID))]
                    + address(query.source, ton: "source_addr_ton", npi: "source_addr_npi", name: "source_addr"))
        case .querySMResp(let response):
            return .object([
                ("message_id", .string(response.messageID)),
                ("final_date", .string(response.finalDate)),
                ("message_state", .number(response.messageState)),
                ("message_state_name", MessageState.name(response.messageState).map { .string($0) } ?? .null),
                ("error_code", .number(response.errorCode)),
            ])
        case .cancelSM(let cancel):
            return .object(
                [("service_type", .string(cancel.serviceType)), ("message_id", .string(cancel.messageID))]
                    + address(cancel.source, ton: "source_addr_ton", npi: "source_addr_npi", name: "source_addr")
                    + address(cancel.destination, ton: "dest_addr_ton", npi: "dest_addr_npi", name: "destination_addr"))
        case .replaceSM(let replace):
            return .object(
                [("message_id", .string(replace.messageID))]
                    + address(replace.source, ton: "source_addr_ton", npi: "source_addr_npi", name: "source_addr")
                    + [
                        ("schedule_delivery_time", .string(replace.scheduleDeliveryTime)),
                        ("validity_period", .string(replace.validityPeriod)),
                        ("registered_delivery", .number(replace.registeredDelivery)),
                        ("sm_default_msg_id", .number(replace.smDefaultMessageID)),
                        ("sm_length", .number(replace.shortMessage.count)),
                        ("short_message", .string(hexString(replace.shortMessage))),
                    ])
        case .submitMulti(let multi):
            return submitMultiJSON(multi)
        case .submitMultiResp(let response):
            let entries: [JSONValue] = response.unsuccessful.map { entry in
                .object(
                    address(entry.address, ton: "dest_addr_ton", npi: "dest_addr_npi", name: "destination_addr")
                        + [("error_status_code", entry.errorStatus.json)])
            }
            return .object([
                ("message_id", .string(response.messageID)),
                ("no_unsuccess", .number(entries.count)),
                ("unsuccess_sme", .array(entries)),
                ("tlvs", tlvs(response.tlvs)),
            ])
        case .alertNotification(let alert):
            return .object(
                address(alert.source, ton: "source_addr_ton", npi: "source_addr_npi", name: "source_addr")
                    + address(alert.esme, ton: "esme_addr_ton", npi: "esme_addr_npi", name: "esme_addr")
                    + [("tlvs", tlvs(alert.tlvs))])
        case .unknown(_, let octets):
            return .object([("length", .number(octets.count)), ("octets", .string(hexString(octets)))])
        }
    }
}
