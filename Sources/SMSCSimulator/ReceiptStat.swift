/// A delivery receipt's `stat:` word with its message_state value and the error the simulator reports for it
/// (reference/SMPP-3.4.md §6 and §7).
public enum ReceiptStat: String, Sendable, Hashable, CaseIterable {
    /// Delivered to the handset (message_state 2).
    case delivered = "DELIVRD"
    /// Validity ran out (3).
    case expired = "EXPIRED"
    /// Deleted (4).
    case deleted = "DELETED"
    /// Undeliverable (5).
    case undeliverable = "UNDELIV"
    /// Accepted (6).
    case accepted = "ACCEPTD"
    /// Unknown (7).
    case unknown = "UNKNOWN"
    /// Rejected (8).
    case rejected = "REJECTD"
    /// En route, an intermediate state (1).
    case enroute = "ENROUTE"

    /// The message_state TLV value (0x0427).
    public var messageState: UInt8 {
        switch self {
        case .enroute: return 1
        case .delivered: return 2
        case .expired: return 3
        case .deleted: return 4
        case .undeliverable: return 5
        case .accepted: return 6
        case .unknown: return 7
        case .rejected: return 8
        }
    }

    /// False for the states SMSCs use as intermediate (ENROUTE, ACCEPTD).
    public var isFinal: Bool { self != .enroute && self != .accepted }

    /// The GSM network error the simulator reports for a failed delivery, nil for success and intermediate states.
    /// 1 = unknown subscriber, 27 = absent subscriber, 11 = teleservice not provisioned, 36 = system failure.
    public var gsmErrorCode: UInt16? {
        switch self {
        case .delivered, .enroute, .accepted: return nil
        case .undeliverable: return 1
        case .expired: return 27
        case .rejected: return 11
        case .deleted: return 36
        case .unknown: return 36
        }
    }

    /// The receipt's `err:` field: the GSM error in 3 digits, `000` when there is none.
    public var errField: String {
        let code = Int(gsmErrorCode ?? 0) % 1000
        let digits = String(code)
        return String(repeating: "0", count: 3 - digits.count) + digits
    }

    /// The network_error_code TLV (0x0423) value: type 3 (GSM) and the error code, nil when there is none.
    public var networkErrorCode: [UInt8]? {
        guard let code = gsmErrorCode else { return nil }
        return [3, UInt8(code >> 8), UInt8(code & 0xFF)]
    }
}

/// What happens to one accepted message: an optional intermediate receipt, then the final one.
public struct DeliveryOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Sent first (ENROUTE), or nil for a single final receipt.
    public var intermediate: ReceiptStat?
    /// The final state.
    public var final: ReceiptStat

    /// Creates an outcome.
    public init(intermediate: ReceiptStat? = nil, final: ReceiptStat) {
        self.intermediate = intermediate
        self.final = final
    }

    /// The stats in the order their receipts are sent.
    public var receipts: [ReceiptStat] {
        if let intermediate { return [intermediate, final] }
        return [final]
    }

    /// `DELIVRD`, or `ENROUTE+DELIVRD` with an intermediate state (the `--dlr-outcomes` spelling).
    public var description: String {
        if let intermediate { return "\(intermediate.rawValue)+\(final.rawValue)" }
        return final.rawValue
    }
}
