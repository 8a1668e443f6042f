@testable import BridgeCore
import Foundation
import Logging
import SMPP
import Testing

/// `protocol_id`: the request's when it gives one, else `smpp.protocol_id` (DESIGN §1.2 "default: config").
@Suite struct OutboundProtocolIDTests {
    @Test(arguments: [(#""#, UInt8(0x40)), (#","protocol_id":127"#, 127), (#","protocol_id":0"#, 0)])
    func theConfiguredProtocolIDIsUsedUnlessTheRequestSetsOne(field: String, expected: UInt8) async {
        let submitter = AcceptingSubmitter()
        let processor = OutboundProcessor.testing(
            settings: OutboundPipelineSettings(sourceAddress: "ACME", protocolID: 0x40), submitter: submitter)
        let request = IncomingRequest(
            body: Array(#"{"id":"p\#(expected)","to":"+1555","text":"x"\#(field)}"#.utf8), properties: .init(),
            redelivered: false, receivedAt: Date())
        #expect(await processor.process(request) == .ack)
        #expect(submitter.sent.withLockedValue { $0.map(\.protocolID) } == [expected])
    }
}

/// A binary payload whose data_coding means packed GSM 7-bit (0 with `smpp.default_alphabet: gsm7-packed`) cannot be
/// cut by octets into parts (septets cross octet boundaries, each part needs its own fill bits): rejected naming
/// `binary`, not sent as parts that decode as other characters. One part, or another coding, goes as before.
@Suite struct OutboundPackedBinaryTests {
    func result(
        octets: Int, dataCoding: Int, alphabet: DefaultAlphabet, concat: String = "udh8"
    ) async throws -> (String?, String?, Int) {
        let submitter = AcceptingSubmitter()
        let publisher = RecordingPublisher()
        let processor = OutboundProcessor.testing(
            settings: OutboundPipelineSettings(sourceAddress: "ACME", defaultAlphabet: alphabet), publisher: publisher,
            submitter: submitter)
        let binary = Data(repeating: 0x61, count: octets).base64EncodedString()
        let body = #"{"id":"b\#(octets)-\#(dataCoding)","to":"+1555","binary":"\#(binary)","data_coding":\#(dataCoding),"concat":"\#(concat)"}"#
        let request = IncomingRequest(body: Array(body.utf8), properties: .init(), redelivered: false, receivedAt: Date())
        #expect(await processor.process(request) == .ack)
        let json = try publisher.json(0)
        let error = json["error"] as? [String: Any]
        return (json["status"] as? String, error?["field"] as? String, submitter.sent.withLockedValue { $0.count })
    }

    @Test func packedGSMBinaryThatNeedsPartsIsRejected() async throws {
        let (status, field, sent) = try await result(octets: 200, dataCoding: 0, alphabet: .gsm7Packed)
        #expect(status == "rejected" && field == "binary" && sent == 0)
    }

    @Test func onePartOrAnotherCodingStillGoes() async throws {
        let single = try await result(octets: 120, dataCoding: 0, alphabet: .gsm7Packed)
        #expect(single.0 == "accepted" && single.2 == 1)
        let unpacked = try await result(octets: 200, dataCoding: 0, alphabet: .gsm7)
        #expect(unpacked.0 == "accepted" && unpacked.2 == 2)
        let octets = try await result(octets: 200, dataCoding: 4, alphabet: .gsm7Packed)
        #expect(octets.0 == "accepted" && octets.2 == 2)
        let sar = try await result(octets: 200, dataCoding: 0, alphabet: .gsm7Packed, concat: "sar")
        #expect(sar.0 == "accepted" && sar.2 == 2, "SAR parts: no UDH, cut at whole septets")
    }
}

/// A decomposed accent ("e" + U+0301, as macOS and iOS often write "é") is the GSM character é: composed (NFC)
/// before encoding, the text goes as GSM 7-bit, and `encoding: gsm7` accepts it.
@Suite struct ComposedTextTests {
    @Test(arguments: ["auto", "gsm7"])
    func aDecomposedAccentIsSentAsTheGSMCharacter(encoding: String) async throws {
        let submitter = AcceptingSubmitter()
        let publisher = RecordingPublisher()
        let processor = OutboundProcessor.testing(
            publisher: publisher, submitter: submitter)
        let body = #"{"id":"nfc-\#(encoding)","to":"+1555","text":"Cafe\u0301","encoding":"\#(encoding)"}"#
        let request = IncomingRequest(body: Array(body.utf8), properties: .init(), redelivered: false, receivedAt: Date())
        #expect(await processor.process(request) == .ack)
        let result = try publisher.json(0)
        #expect(result["status"] as? String == "accepted" && result["encoding"] as? String == "gsm7")
        let sent = try #require(submitter.sent.withLockedValue { $0.first })
        #expect(sent.dataCoding == 0 && sent.shortMessage == [0x43, 0x61, 0x66, 0x05])  // "Caf" + GSM é (0x05)
    }

    /// Compared scalar by scalar (String's == is canonical equivalence, which would hide the change).
    @Test func onlyAComposingThatHelpsIsKept() {
        func scalars(_ text: String, _ encoding: TextEncoding = .auto) -> [UInt32] {
            RequestFields.composed(text, for: encoding).unicodeScalars.map(\.value)
        }
        #expect(scalars("Cafe\u{301}") == [0x43, 0x61, 0x66, 0xE9])
        #expect(scalars("Cafe\u{301}", .ucs2) == [0x43, 0x61, 0x66, 0x65, 0x301])
        #expect(scalars("😀 e\u{301}") == [0x1F600, 0x20, 0x65, 0x301], "UCS2 anyway: left as sent")
        #expect(scalars("\u{F900}e\u{301}") == [0xF900, 0x65, 0x301], "a compatibility ideograph is not replaced")
        #expect(scalars("a\u{2126}") == [0x61, 0x2126], "no combining mark: not looked at")
    }
}

/// `smpp.gsm_part_size: short-message-140`: a GSM text sent unpacked keeps every short_message within 140 octets
/// (134 septets after the 6-octet UDH, 140 alone), for SMSCs that refuse longer ones; `standard` gives 153.
@Suite struct OutboundGSMPartSizeTests {
    func shortMessageLengths(_ text: String, partSize: GSMPartSize) async throws -> [Int] {
        let submitter = AcceptingSubmitter()
        let publisher = RecordingPublisher()
        let processor = OutboundProcessor.testing(
            settings: OutboundPipelineSettings(sourceAddress: "ACME", gsmPartSize: partSize), publisher: publisher,
            submitter: submitter)
        let body = #"{"id":"gps-\#(text.count)-\#(partSize.rawValue)","to":"+1555","text":"\#(text)"}"#
        let request = IncomingRequest(body: Array(body.utf8), properties: .init(), redelivered: false, receivedAt: Date())
        #expect(await processor.process(request) == .ack)
        #expect(try publisher.json(0)["status"] as? String == "accepted")
        return submitter.sent.withLockedValue { $0.map(\.shortMessage.count) }
    }

    @Test func partsStayWithin140OctetsWhenAsked() async throws {
        let long = String(repeating: "a", count: 300)
        #expect(try await shortMessageLengths(long, partSize: .standard) == [159, 153])
        #expect(try await shortMessageLengths(long, partSize: .shortMessage140) == [140, 140, 38])
        let single = String(repeating: "b", count: 150)
        #expect(try await shortMessageLengths(single, partSize: .standard) == [150])
        #expect(try await shortMessageLengths(single, partSize: .shortMessage140) == [140, 22])
    }
}
