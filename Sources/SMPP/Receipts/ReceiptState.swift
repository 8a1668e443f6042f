/// The state a delivery receipt reports (DESIGN §1.3 `state`, reference/SMPP-3.4.md §6 message_state).
public enum ReceiptState: String, Sendable, Hashable, CaseIterable {
    /// DELIVRD, message_state 2.
    case delivered
    /// EXPIRED, message_state 3.
    case expired
    /// DELETED, message_state 4.
    case deleted
    /// UNDELIV, message_state 5.
    case undeliverable
    /// ACCEPTD, message_state 6; intermediate in practice.
    case accepted
    /// UNKNOWN, message_state 7.
    case unknown
    /// REJECTD, message_state 8.
    case rejected
    /// ENROUTE, message_state 1; intermediate.
    case enroute

    /// Whether no further receipt is expected: false for `enroute` and `accepted`, which SMSCs use as intermediate
    /// states (reference §6), true for the rest.
    public var isFinal: Bool { self != .enroute && self != .accepted }

    /// The Appendix B stat word, e.g. `DELIVRD`.
    public var stat: String {
        switch self {
        case .delivered: "DELIVRD"
        case .expired: "EXPIRED"
        case .deleted: "DELETED"
        case .undeliverable: "UNDELIV"
        case .accepted: "ACCEPTD"
        case .unknown: "UNKNOWN"
        case .rejected: "REJECTD"
        case .enroute: "ENROUTE"
        }
    }

    /// The message_state value (TLV 0x0427, query_sm_resp).
    public var messageState: UInt8 {
        switch self {
        case .enroute: 1
        case .delivered: 2
        case .expired: 3
        case .deleted: 4
        case .undeliverable: 5
        case .accepted: 6
        case .unknown: 7
        case .rejected: 8
        }
    }

    /// The state for a message_state value 1–8; nil for 0, 9 (SMPP 5.0 only) and anything else.
    public init?(messageState: UInt8) {
        guard let state = Self.allCases.first(where: { $0.messageState == messageState }) else { return nil }
        self = state
    }

    /// The state for a stat word, case-insensitive. Besides the seven Appendix B words and ENROUTE it accepts
    /// spelled-out forms (DELIVERED, UNDELIVERABLE, REJECTED, …), FAILED as undeliverable, Kannel's buffered
    /// words (BUFFRED, BUFFERD, BUFFERED, ACKED) as enroute, EN_ROUTE / EN-ROUTE / EN ROUTE, and a known word cut
    /// short to five letters or more (DELIVER, ACCEPTE, REJECTE, ENROUT). Only truncations: a longer word that merely
    /// starts like one (DELIVERY_FAILED, DELIVERED_TO_NETWORK) is not read as it. nil for anything else.
    public init?(stat: String) {
        let word = String(stat.trimmingASCIIWhitespace().uppercased().unicodeScalars.filter {
            $0 != "_" && $0 != "-" && $0 != " "
        })
        switch word {
        case "DELIVRD", "DELIVERED", "DELIVRED": self = .delivered
        case "EXPIRED", "EXPIRD": self = .expired
        case "DELETED", "DELETD": self = .deleted
        case "UNDELIV", "UNDELIVERABLE", "UNDELIVERED", "UNDELIVD", "FAILED": self = .undeliverable
        case "ACCEPTD", "ACCEPTED": self = .accepted
        case "UNKNOWN", "UNKNWN": self = .unknown
        case "REJECTD", "REJECTED": self = .rejected
        case "ENROUTE", "BUFFRED", "BUFFERD", "BUFFERED", "ACKED": self = .enroute
        default:
            guard word.count >= 5,
                  let state = Self.fullWords.first(where: { $0.word.hasPrefix(word) })?.state else { return nil }
            self = state
        }
    }

    /// The words a truncated stat may be the start of. A start shared by words of two states (none today) would
    /// take the first.
    private static let fullWords: [(word: String, state: ReceiptState)] = [
        ("DELIVERED", .delivered), ("UNDELIVERABLE", .undeliverable), ("UNDELIVERED", .undeliverable),
        ("EXPIRED", .expired), ("DELETED", .deleted), ("ACCEPTED", .accepted), ("REJECTED", .rejected),
        ("ENROUTE", .enroute), ("UNKNOWN", .unknown), ("BUFFERED", .enroute),
    ]
}

extension String {
    /// The string without leading and trailing ASCII whitespace and NUL octets.
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\0" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
