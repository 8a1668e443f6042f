import SMPP

/// A seeded, reproducible random generator (SplitMix64) for the random and hostile codec tests.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func byte() -> UInt8 { UInt8.random(in: 0...255, using: &self) }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }
}

/// Random field values within the wire limits, for decode(encode(x)) == x.
extension SplitMix64 {
    /// A C-Octet String of at most `max - 1` characters: mostly ASCII, sometimes Latin-1 above 0x7F.
    mutating func cString(max: Int) -> String {
        let count = int(0...Swift.max(0, max - 1))
        var scalars = String.UnicodeScalarView()
        for _ in 0..<count {
            let value = chance(90) ? UInt8(int(0x20...0x7E)) : UInt8(int(0x01...0xFF))
            scalars.append(Unicode.Scalar(value))
        }
        return String(scalars)
    }

    mutating func address(max: Int) -> Address { Address(ton: byte(), npi: byte(), address: cString(max: max)) }

    mutating func time() -> String {
        switch int(0...2) {
        case 0: return ""
        case 1: return SMPPTime.relative(seconds: int(0...10_000_000)).string
        default: return SMPPTime.absolute(unixSeconds: Int64(int(946_684_800...4_102_444_799))).string
        }
    }

    mutating func tlvs() -> [TLV] {
        (0..<int(0...4)).map { _ in
            switch int(0...5) {
            case 0: .sarMsgRefNum(UInt16(truncatingIfNeeded: next()))
            case 1: .receiptedMessageID(cString(max: 65))
            case 2: .messagePayload(bytes(int(0...600)))
            case 3:
                .networkErrorCode(NetworkErrorCode(networkType: byte(), errorCode: UInt16(truncatingIfNeeded: next())))
            default: TLV(tag: TLVTag(rawValue: UInt16(truncatingIfNeeded: next())), value: bytes(int(0...40)))
            }
        }
    }

    mutating func status() -> CommandStatus {
        if chance(70) { return .ok }
        return CommandStatus(rawValue: chance(50) ? UInt32(int(0...0x4FF)) : UInt32(truncatingIfNeeded: next()))
    }

    /// A random, valid PDU of any of the 27 known kinds or an unknown command id.
    mutating func pdu() -> PDU {
        let sequence = UInt32(truncatingIfNeeded: next())
        let body: PDUBody
        switch int(0...27) {
        case 0...2:
            let bind = BindRequest(
                systemID: cString(max: 16), password: cString(max: 9), systemType: cString(max: 13),
                interfaceVersion: byte(), addressRange: address(max: 41))
            body = [PDUBody.bindTransmitter(bind), .bindReceiver(bind), .bindTransceiver(bind)][int(0...2)]
        case 3...5:
            let response = BindResponse(systemID: cString(max: 16), tlvs: tlvs())
            body = [PDUBody.bindTransmitterResp(response), .bindReceiverResp(response), .bindTransceiverResp(response)][
                int(0...2)]
        case 6: body = .outbind(Outbind(systemID: cString(max: 16), password: cString(max: 9)))
        case 7: body = [PDUBody.unbind, .unbindResp, .genericNack, .enquireLink, .enquireLinkResp][int(0...4)]
        case 8...10:
            let submit = SubmitSM(
                serviceType: cString(max: 6), source: address(max: 21), destination: address(max: 21),
                esmClass: ESMClass(rawValue: byte()), protocolID: byte(), priorityFlag: byte(),
                scheduleDeliveryTime: time(), validityPeriod: time(), registeredDelivery: byte(),
                replaceIfPresent: byte(), dataCoding: byte(), smDefaultMessageID: byte(),
                shortMessage: bytes(int(0...254)), tlvs: tlvs())
            body = .submitSM(submit)
        case 11: body = .submitSMResp(SubmitSMResp(messageID: cString(max: 65), tlvs: tlvs()))
        case 12...14:
            body = .deliverSM(DeliverSM(
                serviceType: cString(max: 6), source: address(max: 21), destination: address(max: 21),
                esmClass: ESMClass(rawValue: byte()), protocolID: byte(), priorityFlag: byte(),
                scheduleDeliveryTime: time(), validityPeriod: time(), registeredDelivery: byte(),
                replaceIfPresent: byte(), dataCoding: byte(), smDefaultMessageID: byte(),
                shortMessage: bytes(int(0...254)), tlvs: tlvs()))
        case 15: body = .deliverSMResp(DeliverSMResp(messageID: cString(max: 65), tlvs: tlvs()))
        case 16:
            body = .dataSM(DataSM(
                serviceType: cString(max: 6), source: address(max: 65), destination: address(max: 65),
                esmClass: ESMClass(rawValue: byte()), registeredDelivery: byte(), dataCoding: byte(), tlvs: tlvs()))
        case 17: body = .dataSMResp(DataSMResp(messageID: cString(max: 65), tlvs: tlvs()))
        case 18: body = .querySM(QuerySM(messageID: cString(max: 65), source: address(max: 21)))
        case 19:
            body = .querySMResp(QuerySMResp(
                messageID: cString(max: 65), finalDate: time(), messageState: byte(), errorCode: byte()))
        case 20:
            body = .cancelSM(CancelSM(
                serviceType: cString(max: 6), messageID: cString(max: 65), source: address(max: 21),
                destination: address(max: 21)))
        case 21: body = [PDUBody.cancelSMResp, .replaceSMResp][int(0...1)]
        case 22:
            body = .replaceSM(ReplaceSM(
                messageID: cString(max: 65), source: address(max: 21), scheduleDeliveryTime: time(),
                validityPeriod: time(), registeredDelivery: byte(), smDefaultMessageID: byte(),
                shortMessage: bytes(int(0...254))))
        case 23:
            let destinations: [SubmitMulti.Destination] = (0..<int(0...12)).map { _ in
                chance(70) ? .sme(address(max: 21)) : .distributionList(cString(max: 21))
            }
            body = .submitMulti(SubmitMulti(
                serviceType: cString(max: 6), source: address(max: 21), destinations: destinations,
                esmClass: ESMClass(rawValue: byte()), protocolID: byte(), priorityFlag: byte(),
                scheduleDeliveryTime: time(), validityPeriod: time(), registeredDelivery: byte(),
                replaceIfPresent: byte(), dataCoding: byte(), smDefaultMessageID: byte(),
                shortMessage: bytes(int(0...254)), tlvs: tlvs()))
        case 24:
            let failures = (0..<int(0...6)).map { _ in
                SubmitMultiResp.UnsuccessfulSME(address: address(max: 21), errorStatus: status())
            }
            body = .submitMultiResp(SubmitMultiResp(messageID: cString(max: 65), unsuccessful: failures, tlvs: tlvs()))
        case 25:
            body = .alertNotification(AlertNotification(source: address(max: 65), esme: address(max: 65), tlvs: tlvs()))
        default:
            var raw = UInt32(truncatingIfNeeded: next())
            while CommandID(rawValue: raw).isKnown { raw &+= 1 }
            body = .unknown(CommandID(rawValue: raw), bytes(int(0...100)))
        }
        return PDU(body, sequenceNumber: sequence, commandStatus: body.commandID.isResponse ? status() : .ok)
    }
}
