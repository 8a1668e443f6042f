/// esm_class (reference §6): messaging mode (bits 1–0), message type (bits 5–2), UDHI (bit 6), reply path (bit 7).
///
/// Test bits with the helpers; SMSCs send receipts as 0x04 or 0x44, for example, so comparing whole bytes is wrong.
public struct ESMClass: OptionSet, Hashable, Sendable {
    /// The octet as it appears on the wire.
    public var rawValue: UInt8

    /// Creates an esm_class from its wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Datagram mode (0x01).
    public static let datagramMode = ESMClass(rawValue: 0x01)
    /// Forward (transaction) mode (0x02).
    public static let forwardMode = ESMClass(rawValue: 0x02)
    /// Store-and-forward mode (0x03).
    public static let storeAndForwardMode = ESMClass(rawValue: 0x03)
    /// SMSC delivery receipt, SMSC→ESME (0x04).
    public static let deliveryReceipt = ESMClass(rawValue: 0x04)
    /// ESME/SME delivery acknowledgement (0x08).
    public static let deliveryAcknowledgement = ESMClass(rawValue: 0x08)
    /// ESME/SME manual or user acknowledgement (0x10).
    public static let manualAcknowledgement = ESMClass(rawValue: 0x10)
    /// Intermediate delivery notification, SMSC→ESME (0x20).
    public static let intermediateNotification = ESMClass(rawValue: 0x20)
    /// UDHI: short_message starts with a user data header (0x40).
    public static let udhIndicator = ESMClass(rawValue: 0x40)
    /// GSM reply path (0x80).
    public static let replyPath = ESMClass(rawValue: 0x80)

    /// Bits 1–0.
    public var messagingMode: UInt8 { rawValue & 0x03 }
    /// Bits 5–2, still in place (0x04 receipt, 0x20 intermediate notification, …).
    public var messageType: UInt8 { rawValue & 0x3C }
    /// Whether the receipt bit (0x04) or the intermediate-notification bit (0x20) is set (DESIGN §3 inbound 1).
    /// Reserved message types with either bit (0x0C, 0x24, 0x3C, …) count as receipts.
    public var isReceipt: Bool { rawValue & 0x24 != 0 }
    /// Whether the message type is an SME delivery acknowledgement (0x08), an SME manual/user acknowledgement
    /// (0x10) or a conversation abort (0x18) — a handset's or application's acknowledgement, not a person's
    /// message and not an SMSC receipt (TDMA/CDMA networks; asked for with registered_delivery bits 2–3, though an
    /// SMSC may send them unasked).
    public var isSMEAcknowledgement: Bool { messageType != 0 && !isReceipt }
    /// The message type's name for logs and headers: `mo`, `delivery_receipt`, `intermediate_notification`,
    /// `sme_delivery_acknowledgement`, `sme_manual_acknowledgement`, `conversation_abort`, or `reserved_0xNN`.
    public var messageTypeName: String {
        switch messageType {
        case 0x00: "mo"
        case 0x04: "delivery_receipt"
        case 0x08: "sme_delivery_acknowledgement"
        case 0x10: "sme_manual_acknowledgement"
        case 0x18: "conversation_abort"
        case 0x20: "intermediate_notification"
        default: "reserved_0x" + (messageType < 0x10 ? "0" : "") + String(messageType, radix: 16, uppercase: true)
        }
    }
    /// Whether the UDHI bit (0x40) is set.
    public var hasUDH: Bool { rawValue & 0x40 != 0 }
}
