@testable import BridgeCore
import Foundation
import Testing

/// docs/schemas/send-request.schema.json says what the decoder accepts: a producer validating against the schema
/// never gets a `rejected` for what the schema let through, nor the other way round.
@Suite struct SendRequestSchemaTests {
    private static func schemaProperties() throws -> [String: Any] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("docs/schemas/send-request.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(schema["properties"] as? [String: Any])
    }

    private static func matches(_ pattern: String, _ text: String) throws -> Bool {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// An alphanumeric `from`: every scalar up to U+024F, alone and eleven times, and twelve characters.
    @Test func theAlphanumericSenderPatternIsTheDecodersRule() throws {
        let from = try #require(try Self.schemaProperties()["from"] as? [String: Any])
        let alternatives = try #require(from["anyOf"] as? [[String: Any]])
        let patterns = alternatives.compactMap { $0["pattern"] as? String }
        try #require(patterns.count == 2)
        func schemaAccepts(_ text: String) throws -> Bool {
            try patterns.contains { try Self.matches($0, text) }
        }
        func decoderAccepts(_ text: String) -> Bool {
            RequestFields.isAlphanumericSender(text) || RequestFields.isNumber(text, maxDigits: 20)
        }
        var compared = 0
        for value in UInt32(0)...0x24F {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for text in [String(scalar), String(repeating: String(scalar), count: 11)] {
                #expect(try schemaAccepts(text) == decoderAccepts(text), "U+\(String(value, radix: 16)) × \(text.count)")
                compared += 1
            }
        }
        #expect(compared > 1_000)
        #expect(try !schemaAccepts("ACMEACMEACME") && !decoderAccepts("ACMEACMEACME"))
        #expect(try schemaAccepts("+573001234567") && decoderAccepts("+573001234567"))
    }

    /// `binary` and `udh`: canonical base64, as the decoder reads it.
    @Test func theBase64PatternIsTheDecodersRule() throws {
        let properties = try Self.schemaProperties()
        let samples = [
            "QQ==", "QR==", "QUI=", "QUJ=", "QUJD", "", "Q===", "QQ=", "QUJDRA==", "QUJDRB==", "AAAA", "////", "+/+/",
            "QQ", "Q Q=", "QUJDRA=", "AP8=", "AP9=",
        ]
        for key in ["binary", "udh"] {
            let property = try #require(properties[key] as? [String: Any])
            let pattern = try #require(property["pattern"] as? String)
            for sample in samples where !sample.isEmpty {
                #expect(try Self.matches(pattern, sample) == (Base64.decode(sample) != nil), "\(key): \(sample)")
            }
        }
    }
}
