/// An SMPP address: type of number, numbering plan indicator, and the address characters.
public struct Address: Hashable, Sendable, CustomStringConvertible {
    /// TON, see ``TypeOfNumber``.
    public var ton: UInt8
    /// NPI, see ``NumberingPlan``.
    public var npi: UInt8
    /// The address (digits, or alphanumeric text for TON 5). Empty means "not given".
    public var address: String

    /// Creates an address; TON and NPI default to 0 (unknown).
    public init(ton: UInt8 = 0, npi: UInt8 = 0, address: String = "") {
        self.ton = ton
        self.npi = npi
        self.address = address
    }

    /// `ton/npi/address`.
    public var description: String { "\(ton)/\(npi)/\(address)" }
}

/// Type-of-number values (reference §6).
public enum TypeOfNumber {
    /// 0: unknown.
    public static let unknown: UInt8 = 0
    /// 1: international (E.164 without `+`).
    public static let international: UInt8 = 1
    /// 2: national.
    public static let national: UInt8 = 2
    /// 3: network-specific (short codes).
    public static let networkSpecific: UInt8 = 3
    /// 4: subscriber number.
    public static let subscriberNumber: UInt8 = 4
    /// 5: alphanumeric sender.
    public static let alphanumeric: UInt8 = 5
    /// 6: abbreviated.
    public static let abbreviated: UInt8 = 6
}

/// Numbering-plan-indicator values (reference §6).
public enum NumberingPlan {
    /// 0: unknown.
    public static let unknown: UInt8 = 0
    /// 1: ISDN (E.163/E.164).
    public static let isdn: UInt8 = 1
    /// 3: data (X.121).
    public static let data: UInt8 = 3
    /// 4: telex (F.69).
    public static let telex: UInt8 = 4
    /// 6: land mobile (E.212).
    public static let landMobile: UInt8 = 6
    /// 8: national.
    public static let national: UInt8 = 8
    /// 9: private.
    public static let `private`: UInt8 = 9
    /// 10: ERMES.
    public static let ermes: UInt8 = 10
    /// 14: Internet (IP).
    public static let internet: UInt8 = 14
    /// 18: WAP client id.
    public static let wapClientID: UInt8 = 18
}

/// registered_delivery values (reference §6). Test the bits; the field is a plain `UInt8`.
public enum RegisteredDelivery {
    /// Mask of bits 1–0, the SMSC receipt request.
    public static let receiptMask: UInt8 = 0x03
    /// No SMSC receipt.
    public static let none: UInt8 = 0x00
    /// SMSC receipt on success or failure.
    public static let onSuccessOrFailure: UInt8 = 0x01
    /// SMSC receipt on failure only.
    public static let onFailure: UInt8 = 0x02
    /// SME delivery acknowledgement requested (bit 2).
    public static let smeDeliveryAck: UInt8 = 0x04
    /// SME manual/user acknowledgement requested (bit 3).
    public static let smeManualAck: UInt8 = 0x08
    /// Intermediate notification requested (0x10; the 3.4 text says "bit 5" but means this bit).
    public static let intermediateNotification: UInt8 = 0x10
}

/// message_state values (reference §6), as used by query_sm_resp and TLV 0x0427.
public enum MessageState {
    /// 1 ENROUTE.
    public static let enroute: UInt8 = 1
    /// 2 DELIVERED.
    public static let delivered: UInt8 = 2
    /// 3 EXPIRED.
    public static let expired: UInt8 = 3
    /// 4 DELETED.
    public static let deleted: UInt8 = 4
    /// 5 UNDELIVERABLE.
    public static let undeliverable: UInt8 = 5
    /// 6 ACCEPTED.
    public static let accepted: UInt8 = 6
    /// 7 UNKNOWN.
    public static let unknown: UInt8 = 7
    /// 8 REJECTED.
    public static let rejected: UInt8 = 8

    /// The reference name (e.g. `DELIVERED`) of a state value, or `nil` for values outside 1–8.
    public static func name(_ state: UInt8) -> String? {
        switch state {
        case 1: "ENROUTE"
        case 2: "DELIVERED"
        case 3: "EXPIRED"
        case 4: "DELETED"
        case 5: "UNDELIVERABLE"
        case 6: "ACCEPTED"
        case 7: "UNKNOWN"
        case 8: "REJECTED"
        default: nil
        }
    }
}
