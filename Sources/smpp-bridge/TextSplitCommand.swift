import ArgumentParser
import Foundation
import SMPP

/// `smpp-bridge text …`: operator tools for message text.
struct TextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Message text tools.",
        subcommands: [TextSplitCommand.self]
    )
}

/// `smpp-bridge text split`: shows how a text is encoded and split into submit_sm parts.
struct TextSplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Print, as JSON, the encoding, data_coding and submit_sm parts a text becomes."
    )

    @Option(name: .long, help: "The message text (required).")
    var text: String?

    @Option(name: .long, help: "auto, gsm7, ucs2, latin1 or ascii.")
    var encoding: String = TextEncoding.auto.rawValue

    @Option(name: .long, help: "udh8, udh16, sar or payload.")
    var concat: String = ConcatenationMethod.udh8.rawValue

    @Option(name: .customLong("default-alphabet"), help: "What data_coding 0 means to the SMSC: gsm7, gsm7-packed, latin1 or ascii.")
    var defaultAlphabet: String = DefaultAlphabet.gsm7.rawValue

    @Option(name: .customLong("part-size"), help: "GSM part size: standard (153) or short-message-140 (134).")
    var partSize: String = GSMPartSize.standard.rawValue

    @Option(name: .long, help: "Concatenation reference to use when the text needs several parts (0-65535).")
    var reference: UInt16 = 0

    func run() throws {
        do {
            guard let text else { throw OptionError(message: "--text is required") }
            let encoding = try Self.choice(TextEncoding.self, encoding, option: "--encoding")
            let method = try Self.choice(ConcatenationMethod.self, concat, option: "--concat")
            let alphabet = try Self.choice(DefaultAlphabet.self, defaultAlphabet, option: "--default-alphabet")
            let size = try Self.choice(GSMPartSize.self, partSize, option: "--part-size")
            let encoded = try SMSText.encode(text, as: encoding, defaultAlphabet: alphabet)
            let message = try MessageSegmenter(method: method, gsmPartSize: size).segment(encoded, reference: reference)
            let report = SplitReport(message, text: text)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Parses one of a closed set of option values; the error lists what is allowed.
    static func choice<Value: RawRepresentable & CaseIterable>(
        _: Value.Type,
        _ raw: String,
        option: String
    ) throws -> Value where Value.RawValue == String {
        if let value = Value(rawValue: raw.lowercased()) { return value }
        throw OptionError(message: "\(option) '\(raw)' is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
    }
}

/// A bad option value, reported on stderr.
struct OptionError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The JSON `text split` prints.
struct SplitReport: Encodable {
    struct Part: Encodable {
        var index: Int
        var total: Int
        var shortMessage: String
        var smLength: Int
        var udh: String?
        var esmClass: UInt8
        var tlvs: [TLVReport]
        var count: Int

        enum CodingKeys: String, CodingKey {
            case index, total, udh, tlvs, count
            case shortMessage = "short_message", smLength = "sm_length", esmClass = "esm_class"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(total, forKey: .total)
            try container.encode(shortMessage, forKey: .shortMessage)
            try container.encode(smLength, forKey: .smLength)
            try container.encode(udh, forKey: .udh)  // null rather than absent
            try container.encode(esmClass, forKey: .esmClass)
            try container.encode(tlvs, forKey: .tlvs)
            try container.encode(count, forKey: .count)
        }
    }

    struct TLVReport: Encodable {
        var tag: String
        var value: String
    }

    var encoding: String
    var alphabet: String
    var dataCoding: UInt8
    var count: Int
    var countUnit: String
    var characters: Int
    var concat: String
    var reference: UInt16?
    var parts: [Part]

    enum CodingKeys: String, CodingKey {
        case encoding, alphabet, count, characters, concat, reference, parts
        case dataCoding = "data_coding", countUnit = "count_unit"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(encoding, forKey: .encoding)
        try container.encode(alphabet, forKey: .alphabet)
        try container.encode(dataCoding, forKey: .dataCoding)
        try container.encode(count, forKey: .count)
        try container.encode(countUnit, forKey: .countUnit)
        try container.encode(characters, forKey: .characters)
        try container.encode(concat, forKey: .concat)
        try container.encode(reference, forKey: .reference)  // null for a single part
        try container.encode(parts, forKey: .parts)
    }

    init(_ message: SegmentedMessage, text: String) {
        encoding = message.encoding?.rawValue ?? "binary"
        alphabet = message.alphabet.rawValue
        dataCoding = message.dataCoding
        count = message.count
        countUnit = switch message.encoding {
        case .gsm7?: "septets"
        case .ucs2?: "utf16_code_units"
        default: "octets"
        }
        characters = text.count
        concat = message.method.rawValue
        reference = message.reference
        parts = message.parts.map { part in
            Part(
                index: part.index, total: part.total, shortMessage: Self.hex(part.shortMessage),
                smLength: part.shortMessage.count, udh: part.udh.map(Self.hex), esmClass: part.esmClassFlags,
                tlvs: part.tlvs.map { TLVReport(tag: Self.hex([UInt8(truncatingIfNeeded: $0.tag.rawValue >> 8), UInt8(truncatingIfNeeded: $0.tag.rawValue)]), value: Self.hex($0.value)) },
                count: part.count)
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
