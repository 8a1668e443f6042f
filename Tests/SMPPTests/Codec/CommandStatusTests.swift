import SMPP
import Testing

@Suite struct CommandStatusTests {
    @Test func namesAndClassesFromTheReference() {
        let expectations: [(CommandStatus, UInt32, String, CommandStatus.ErrorClass?)] = [
            (.ok, 0x00, "ESME_ROK", nil),
            (.invalidMessageLength, 0x01, "ESME_RINVMSGLEN", .permanent),
            (.invalidCommandLength, 0x02, "ESME_RINVCMDLEN", .permanent),
            (.invalidCommandID, 0x03, "ESME_RINVCMDID", .permanent),
            (.invalidBindStatus, 0x04, "ESME_RINVBNDSTS", .session),
            (.alreadyBound, 0x05, "ESME_RALYBND", .session),
            (.systemError, 0x08, "ESME_RSYSERR", .transient),
            (.invalidDestinationAddress, 0x0B, "ESME_RINVDSTADR", .permanent),
            (.bindFailed, 0x0D, "ESME_RBINDFAIL", .session),
            (.invalidPassword, 0x0E, "ESME_RINVPASWD", .session),
            (.invalidSystemID, 0x0F, "ESME_RINVSYSID", .session),
            (.messageQueueFull, 0x14, "ESME_RMSGQFUL", .transient),
            (.throttled, 0x58, "ESME_RTHROTTLED", .transient),
            (.invalidScheduledDeliveryTime, 0x61, "ESME_RINVSCHED", .permanent),
            (.receiverTemporaryAppError, 0x64, "ESME_RX_T_APPN", .transient),
            (.receiverPermanentAppError, 0x65, "ESME_RX_P_APPN", .permanent),
            (.receiverRejectedMessage, 0x66, "ESME_RX_R_APPN", .permanent),
            (.invalidOptionalParameterStream, 0xC0, "ESME_RINVOPTPARSTREAM", .permanent),
            (.deliveryFailure, 0xFE, "ESME_RDELIVERYFAILURE", .permanent),
            (.unknownError, 0xFF, "ESME_RUNKNOWNERR", .permanent),
        ]
        for (status, raw, name, errorClass) in expectations {
            #expect(status.rawValue == raw)
            #expect(status.name == name)
            #expect(status.errorClass == errorClass, "\(name)")
        }
    }

    @Test func everyNamedStatusIsDistinctAndNamed() {
        #expect(CommandStatus.allNamed.count == 48)
        #expect(Set(CommandStatus.allNamed).count == 48)
        for status in CommandStatus.allNamed {
            #expect(status.name.hasPrefix("ESME_R"))
            #expect(!status.meaning.isEmpty)
        }
        // Exactly the four transient codes Kannel requeues (reference §4).
        let transient = CommandStatus.allNamed.filter { $0.errorClass == .transient }.map(\.rawValue)
        #expect(transient == [0x08, 0x14, 0x58, 0x64])
        let session = CommandStatus.allNamed.filter { $0.errorClass == .session }.map(\.rawValue)
        #expect(session == [0x04, 0x05, 0x0D, 0x0E, 0x0F])
    }

    @Test func unnamedValuesStayRepresentable() {
        #expect(CommandStatus(rawValue: 0x09).name == "0x00000009")
        #expect(CommandStatus(rawValue: 0x09).errorClass == .permanent)
        #expect(CommandStatus(rawValue: 0x401).name == "VENDOR_0x00000401")
        #expect(CommandStatus(rawValue: 0x401).isVendorSpecific)
        #expect(CommandStatus(rawValue: 0x401).errorClass == .permanent)
        #expect(!CommandStatus(rawValue: 0x500).isVendorSpecific)
        #expect(CommandStatus(rawValue: 0xFFFF_FFFF).name == "0xffffffff")
        #expect(CommandStatus.throttled.description == "ESME_RTHROTTLED (0x00000058)")
    }
}
