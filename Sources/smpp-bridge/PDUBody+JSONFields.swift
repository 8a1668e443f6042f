import SMPP

/// The three members an address becomes: TON, NPI and the address string, under the given names.
func address(_ address: Address, ton: String, npi: String, name: String) -> [(String, JSONValue)] {
    [(ton, .number(address.ton)), (npi, .number(address.npi)), (name, .string(address.address))]
}

/// The fields submit_sm and deliver_sm share (reference §3), so one function prints both.
protocol ShortMessageFields {
    var serviceType: String { get }
    var source: Address { get }
    var destination: Address { get }
    var esmClass: ESMClass { get }
    var protocolID: UInt8 { get }
    var priorityFlag: UInt8 { get }
    var scheduleDeliveryTime: String { get }
    var validityPeriod: String { get }
    var registeredDelivery: UInt8 { get }
    var replaceIfPresent: UInt8 { get }
    var dataCoding: UInt8 { get }
    var smDefaultMessageID: UInt8 { get }
    var shortMessage: [UInt8] { get }
    var tlvs: [TLV] { get }
}

extension SubmitSM: ShortMessageFields {}
extension DeliverSM: ShortMessageFields {}

/// The submit_sm / deliver_sm layout, field by field.
func shortMessageFields(_ sm: some ShortMessageFields) -> JSONValue {
    .object(
        [("service_type", .string(sm.serviceType))]
            + address(sm.source, ton: "source_addr_ton", npi: "source_addr_npi", name: "source_addr")
            + address(sm.destination, ton: "dest_addr_ton", npi: "dest_addr_npi", name: "destination_addr")
            + [
                ("esm_class", .number(sm.esmClass.rawValue)),
                ("protocol_id", .number(sm.protocolID)),
                ("priority_flag", .number(sm.priorityFlag)),
                ("schedule_delivery_time", .string(sm.scheduleDeliveryTime)),
                ("validity_period", .string(sm.validityPeriod)),
                ("registered_delivery", .number(sm.registeredDelivery)),
                ("replace_if_present_flag", .number(sm.replaceIfPresent)),
                ("data_coding", .number(sm.dataCoding)),
                ("sm_default_msg_id", .number(sm.smDefaultMessageID)),
                ("sm_length", .number(sm.shortMessage.count)),
                ("short_message", .string(hexString(sm.shortMessage))),
                ("tlvs", tlvs(sm.tlvs)),
                ("user_data", decodedUserData(
                    esmClass: sm.esmClass, dataCoding: sm.dataCoding, shortMessage: sm.shortMessage, tlvs: sm.tlvs,
                    defaultAlphabet: .gsm7)),
            ])
}

/// submit_multi, field by field.
func submitMultiJSON(_ multi: SubmitMulti) -> JSONValue {
    let destinations: [JSONValue] = multi.destinations.map { destination in
        switch destination {
        case .sme(let target):
            .object(
                [("dest_flag", .int(1))]
                    + address(target, ton: "dest_addr_ton", npi: "dest_addr_npi", name: "destination_addr"))
        case .distributionList(let name):
            .object([("dest_flag", .int(2)), ("dl_name", .string(name))])
        }
    }
    return .object(
        [("service_type", .string(multi.serviceType))]
            + address(multi.source, ton: "source_addr_ton", npi: "source_addr_npi", name: "source_addr")
            + [
                ("number_of_dests", .number(destinations.count)),
                ("dest_address", .array(destinations)),
                ("esm_class", .number(multi.esmClass.rawValue)),
                ("protocol_id", .number(multi.protocolID)),
                ("priority_flag", .number(multi.priorityFlag)),
                ("schedule_delivery_time", .string(multi.scheduleDeliveryTime)),
                ("validity_period", .string(multi.validityPeriod)),
                ("registered_delivery", .number(multi.registeredDelivery)),
                ("replace_if_present_flag", .number(multi.replaceIfPresent)),
                ("data_coding", .number(multi.dataCoding)),
                ("sm_default_msg_id", .number(multi.smDefaultMessageID)),
                ("sm_length", .number(multi.shortMessage.count)),
                ("short_message", .string(hexString(multi.shortMessage))),
                ("tlvs", tlvs(multi.tlvs)),
            ])
}

/// TLVs in wire order: tag hex, name, length, value hex, and the typed value where the tag is known.
func tlvs(_ list: [TLV]) -> JSONValue {
    .array(list.map { tlv in
        var members: [(String, JSONValue)] = [
            ("tag", .string(hex16(tlv.tag.rawValue))),
            ("name", .string(tlv.tag.name)),
            ("length", .number(tlv.value.count)),
            ("value", .string(hexString(tlv.value))),
        ]
        if let typed = typedValue(tlv) { members.append(("typed", typed)) }
        return .object(members)
    })
}

/// The value of a known tag in its reference type, or `nil` when the tag is unknown or the length is wrong.
func typedValue(_ tlv: TLV) -> JSONValue? {
    switch tlv.tag {
    case .receiptedMessageID, .additionalStatusInfoText:
        return .string(tlv.cStringValue)
    case .networkErrorCode:
        guard let code = [tlv].networkErrorCode else { return nil }
        return .object([("network_type", .number(code.networkType)), ("error_code", .number(code.errorCode))])
    case .messageState:
        guard let state = [tlv].messageState else { return nil }
        return .object([("value", .number(state)), ("name", MessageState.name(state).map { .string($0) } ?? .null)])
    case .messagePayload, .sourceSubaddress, .destSubaddress, .callbackNum, .callbackNumAtag:
        return nil
    case .alertOnMessageDelivery:
        return tlv.value.isEmpty ? .bool(true) : nil
    default:
        guard tlv.tag.knownName != nil, let integer = tlv.integerValue else { return nil }
        return .number(integer)
    }
}

/// `0x` and four lower-case hex digits.
func hex16(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
}

/// `0x` and eight lower-case hex digits.
func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
