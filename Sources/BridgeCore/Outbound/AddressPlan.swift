public import SMPP

/// How request addresses become SMPP addresses (DESIGN §1.2 `to`/`from`, §1.4 `smpp.source.ton|npi` and
/// `smpp.destination.ton|npi`).
///
/// Automatic rules, used for each of TON and NPI that is not configured:
/// - destination: `+` and digits, or digits alone → international, TON 1 / NPI 1 (ISDN).
/// - source: `+` and digits → TON 1 / NPI 1; digits alone, at most 8 of them → a short code, TON 3 (network
///   specific) / NPI 0; more than 8 digits → TON 1 / NPI 1; anything else (letters, spaces…) → alphanumeric,
///   TON 5 / NPI 0.
///
/// The leading `+` of a number is never sent: SMPP addresses carry digits only. An alphanumeric sender is sent as
/// written. A configured TON or NPI replaces the automatic one alone; the other part stays automatic.
public struct AddressPlan: Sendable, Hashable {
    /// `smpp.source.ton`; nil = automatic.
    public var sourceTON: UInt8?
    /// `smpp.source.npi`; nil = automatic.
    public var sourceNPI: UInt8?
    /// `smpp.destination.ton`; nil = automatic.
    public var destinationTON: UInt8?
    /// `smpp.destination.npi`; nil = automatic.
    public var destinationNPI: UInt8?

    /// Creates a plan; each value left nil is chosen automatically per address.
    public init(sourceTON: UInt8? = nil, sourceNPI: UInt8? = nil, destinationTON: UInt8? = nil, destinationNPI: UInt8? = nil) {
        self.sourceTON = sourceTON
        self.sourceNPI = sourceNPI
        self.destinationTON = destinationTON
        self.destinationNPI = destinationNPI
    }

    /// The SMPP destination for a request's `to`: `"+573001234567"` → 1/1/`573001234567`.
    public func destination(_ to: String) -> Address {
        let (digits, _) = Self.number(to)
        return Address(
            ton: destinationTON ?? TypeOfNumber.international, npi: destinationNPI ?? NumberingPlan.isdn,
            address: digits ?? to)
    }

    /// The SMPP source for a request's `from` (or `smpp.source.addr`): `"ACME"` → 5/0/`ACME`, `"12345"` →
    /// 3/0/`12345`, `"+573001234567"` → 1/1/`573001234567`.
    public func source(_ from: String) -> Address {
        let (digits, hadPlus) = Self.number(from)
        let automatic: (ton: UInt8, npi: UInt8)
        switch digits {
        case nil:
            automatic = (TypeOfNumber.alphanumeric, NumberingPlan.unknown)
        case let digits? where !hadPlus && digits.utf8.count <= 8:
            automatic = (TypeOfNumber.networkSpecific, NumberingPlan.unknown)
        case .some:
            automatic = (TypeOfNumber.international, NumberingPlan.isdn)
        }
        return Address(ton: sourceTON ?? automatic.ton, npi: sourceNPI ?? automatic.npi, address: digits ?? from)
    }

    /// The digits of `+digits` or `digits` (nil when the text is anything else) and whether a `+` led.
    /// The inverse of ``destination(_:)`` for events: an SMPP address with TON 1 (international) and digits reads
    /// `+` and the digits, as a request's `to` is written (DESIGN §1.3), so a reply can use it as is; anything else
    /// (a `+` already there included) as the SMSC sent it.
    public static func requestForm(of address: Address) -> String {
        guard address.ton == TypeOfNumber.international else { return address.address }
        let (digits, hadPlus) = number(address.address)
        guard let digits, !hadPlus else { return address.address }
        return "+" + digits
    }

    /// `text` without the `+` of a number in ``requestForm(of:)``'s form (`+` and digits); anything else as it is.
    public static func withoutPlus(_ text: String) -> String {
        let (digits, hadPlus) = number(text)
        guard let digits, hadPlus else { return text }
        return digits
    }

    private static func number(_ text: String) -> (digits: String?, hadPlus: Bool) {
        let hadPlus = text.utf8.first == UInt8(ascii: "+")
        let digits = hadPlus ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return (nil, hadPlus)
        }
        return (String(decoding: digits, as: UTF8.self), hadPlus)
    }
}
