import BridgeCore
import Foundation
import SMPP
import Testing

/// A fixed "now" for decoding: decoding never reads the clock.
let requestNow = Date(timeIntervalSince1970: 1_796_121_217)

/// Decodes a JSON text as a request body.
func decodeRequest(_ json: String, messageID: String? = nil) -> RequestDecoding {
    SendRequestDecoder.decode(body: Array(json.utf8), messageID: messageID, now: requestNow)
}

/// A minimal valid body with `extra` members appended (`extra` starts with a comma when not empty).
func requestBody(_ extra: String = "") -> String {
    #"{"id":"order-42","to":"+573001234567","text":"Hola""# + extra + "}"
}

extension RequestDecoding {
    /// The request, when valid.
    var request: SendRequest? {
        if case .valid(let request) = self { return request }
        return nil
    }

    /// The rejection, when rejected.
    var rejection: RequestRejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }

    /// The reason, when unidentifiable.
    var unidentifiableReason: String? {
        if case .unidentifiable(let reason) = self { return reason }
        return nil
    }
}

@Suite struct SendRequestDecoderTests {
    @Test func decodesEveryField() throws {
        let json = """
            {"id":"order-42","to":"+573001234567","from":"ACME","text":"Hola €","encoding":"ucs2","dlr":true,
             "validity":3600,"schedule_at":"2026-12-01T12:00:00+02:00","expires_at":"2026-12-01T11:00:00.5Z",
             "priority":3,"concat":"sar","service_type":"CMT","protocol_id":127,
             "tlvs":{"1403":"4142","0501":""},"metadata":{"order": 42, "tags":["a"]},"unknown":[1,{"x":null}]}
            """
        let request = try #require(decodeRequest(json).request)
        #expect(request.id == "order-42")
        #expect(request.to == "+573001234567")
        #expect(request.from == "ACME")
        #expect(request.content == .text("Hola €"))
        #expect(request.encoding == .ucs2)
        #expect(request.dlr == true)
        #expect(request.validity == 3600)
        #expect(request.scheduleAt == Date(timeIntervalSince1970: 1_796_119_200))
        #expect(request.expiresAt == Date(timeIntervalSince1970: 1_796_122_800.5))
        #expect(request.priority == 3)
        #expect(request.concat == .sar)
        #expect(request.serviceType == "CMT")
        #expect(request.protocolID == 127)
        #expect(request.tlvs == [TLV(tag: TLVTag(rawValue: 0x1403), value: [0x41, 0x42]), TLV(tag: TLVTag(rawValue: 0x0501), value: [])])
        #expect(request.metadata == Array(#"{"order": 42, "tags":["a"]}"#.utf8))
    }

    @Test func appliesDefaults() throws {
        let request = try #require(decodeRequest(requestBody()).request)
        #expect(
            request
                == SendRequest(id: "order-42", to: "+573001234567", content: .text("Hola")))
        #expect(request.encoding == .auto && request.priority == 0 && request.tlvs.isEmpty && request.metadata == nil)
    }

    @Test func nullMeansNotGiven() throws {
        let json = requestBody(
            #","from":null,"encoding":null,"dlr":null,"validity":null,"priority":null,"concat":null,"tlvs":null,"metadata":null,"binary":null"#
        )
        #expect(decodeRequest(json).request == SendRequest(id: "order-42", to: "+573001234567", content: .text("Hola")))
    }

    @Test func decodesBinaryWithDefaultDataCodingAndOptionalUDH() throws {
        let plain = try #require(decodeRequest(#"{"id":"b1","to":"12345","binary":"AAEC/w=="}"#).request)
        #expect(plain.content == .binary(payload: [0, 1, 2, 255], dataCoding: 4, udh: nil))
        let withUDH = try #require(
            decodeRequest(#"{"id":"b2","to":"12345","binary":"QQ==","data_coding":245,"udh":"BQQLhCPw"}"#).request)
        #expect(withUDH.content == .binary(payload: [0x41], dataCoding: 245, udh: [0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0]))
    }

    @Test func idFallsBackToMessageID() throws {
        let body = #"{"to":"123","text":"x"}"#
        #expect(try #require(decodeRequest(body, messageID: "amqp-7").request).id == "amqp-7")
        #expect(try #require(decodeRequest(#"{"id":null,"to":"123","text":"x"}"#, messageID: "m").request).id == "m")
        // The body's id wins over message_id.
        #expect(try #require(decodeRequest(requestBody(), messageID: "amqp-7").request).id == "order-42")
    }

    @Test func idRules() {
        #expect(decodeRequest(#"{"to":"123","text":"x"}"#).unidentifiableReason != nil)
        #expect(decodeRequest(#"{"to":"123","text":"x"}"#, messageID: "").unidentifiableReason != nil)
        #expect(decodeRequest(#"{"id":"","to":"123","text":"x"}"#).unidentifiableReason != nil)
        #expect(decodeRequest(#"{"id":42,"to":"123","text":"x"}"#).unidentifiableReason != nil)
        let long = String(repeating: "i", count: 65)
        #expect(decodeRequest(#"{"id":"\#(long)","to":"123","text":"x"}"#).unidentifiableReason != nil)
        let sixtyFour = String(repeating: "é", count: 64)
        #expect(decodeRequest(#"{"id":"\#(sixtyFour)","to":"123","text":"x"}"#).request?.id == sixtyFour)
        // 64 four-byte characters do not fit an AMQP short string.
        let wide = String(repeating: "😀", count: 64)
        #expect(decodeRequest(#"{"id":"\#(wide)","to":"123","text":"x"}"#).unidentifiableReason != nil)
        #expect(SendRequestDecoder.isUsableID(String(repeating: "😀", count: 63)))
        // Control characters: PostgreSQL text refuses U+0000 (the request would be requeued for ever); a line
        // break splits log lines. A message_id with one is unusable too.
        for id in ["a\u{0}b", "a\nb", "tab\t", "\u{7F}"] {
            #expect(!SendRequestDecoder.isUsableID(id), "\(id.debugDescription)")
        }
        #expect(decodeRequest(#"{"id":"a\u0000b","to":"123","text":"x"}"#).unidentifiableReason != nil)
        #expect(decodeRequest(#"{"to":"123","text":"x"}"#, messageID: "a\u{0}b").unidentifiableReason != nil)
        #expect(decodeRequest(#"{"id":"a\u0000b","to":"123","text":"x"}"#, messageID: "m-2").rejection?.field == "id")
        #expect(SendRequestDecoder.isUsableID("order-42 ünï €"))
        // A bad body id with a usable message_id: rejected naming "id", under the message_id.
        let rejection = decodeRequest(#"{"id":7,"to":"123","text":"x"}"#, messageID: "m-1").rejection
        #expect(rejection?.requestID == "m-1")
        #expect(rejection?.field == "id")
    }

    @Test func notJSONIsUnidentifiableUnlessMessageIDIsUsable() {
        #expect(decodeRequest("not json").unidentifiableReason?.hasPrefix("body is not valid JSON") == true)
        #expect(decodeRequest("[1]").unidentifiableReason == "body is an array, not a JSON object")
        #expect(SendRequestDecoder.decode(body: [0xFF], messageID: nil, now: requestNow).unidentifiableReason != nil)
        let rejection = decodeRequest(#"{"to":"1","#, messageID: "m-2").rejection
        #expect(rejection?.requestID == "m-2")
        #expect(rejection?.field == "body")
        #expect(rejection?.reason == "body is not valid JSON: unexpected end of input at offset 10")
        // The body's own id, still readable, wins over the message_id as in a valid body.
        #expect(decodeRequest(#"{"id":"x","#, messageID: "m-2").rejection?.requestID == "x")
    }

    /// A body the reader refuses still gets a result under its own top-level id (DESIGN "Dead letters"), with or
    /// without a message_id; it was a dead letter with no result when it had no message_id.
    @Test func refusedBodyIsRejectedUnderItsOwnReadableID() throws {
        let loneSurrogate = #"{"id":"cut-emoji","to":"+573001234567","text":"Hola \ud83d","metadata":{"k":"\udc00"}}"#
        let rejection = try #require(decodeRequest(loneSurrogate).rejection)
        #expect(rejection.requestID == "cut-emoji")
        #expect(rejection.field == "body")
        #expect(rejection.reason.contains("lone UTF-16 surrogate"))
        #expect(rejection.to == nil && rejection.metadata == nil)
        // The id after the problem, too deep a metadata, a body over the size limit, broken syntax after the id.
        #expect(decodeRequest(#"{"text":"\udfff","id":"after"}"#).rejection?.requestID == "after")
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(decodeRequest(#"{"id":"deep","to":"1","text":"x","metadata":{"a":\#(deep)}}"#).rejection?.requestID == "deep")
        let huge = String(repeating: "a", count: SendRequestDecoder.maxBodyBytes)
        let big = try #require(decodeRequest(#"{"to":"1","text":"\#(huge)","id":"big"}"#).rejection)
        #expect(big.requestID == "big" && big.reason.contains("document too large"))
        #expect(decodeRequest(#"{"id":"order-42" "to":"1"}"#).rejection?.requestID == "order-42")
        // Duplicates: the last readable one counts; a last one that is not a string leaves none.
        #expect(decodeRequest(#"{"id":"a","id":"b","text":"\ud800"}"#).rejection?.requestID == "b")
        #expect(decodeRequest(#"{"id":"a","id":7,"text":"\ud800"}"#).unidentifiableReason != nil)
        // No readable, usable id: unidentifiable without a message_id, under the message_id with one.
        for body in [
            #"{"id":"\ud800","to":"1"}"#, #"{"id" "x","text":"\ud800"}"#,
            #"{"id":"","text":"\ud800"}"#, #"{"text":"\ud800"}"#, #"["id","x"]"#, #"{"text":"unterminated"#,
        ] {
            #expect(decodeRequest(body).unidentifiableReason != nil, "\(body)")
            #expect(decodeRequest(body, messageID: "m-3").rejection?.requestID == "m-3", "\(body)")
        }
    }

    @Test func rejectionEchoesToFromAndMetadata() throws {
        let json = #"{"id":"r1","to":"+57 300","from":"ACME","text":"x","metadata":{ "a" : [1] }}"#
        let rejection = try #require(decodeRequest(json).rejection)
        #expect(
            rejection
                == RequestRejection(
                    requestID: "r1", field: "to",
                    reason: #"must be a string of an optional '+' and 1–20 digits, got "+57 300""#, to: "+57 300",
                    from: "ACME", metadata: Array(#"{ "a" : [1] }"#.utf8)))
        // Metadata that is itself the fault is not echoed; a huge `to` is echoed truncated.
        let huge = String(repeating: "7", count: 5000)
        let other = try #require(decodeRequest(#"{"id":"r2","to":"\#(huge)","text":"x","metadata":[1]}"#).rejection)
        #expect(other.field == "to")
        #expect(other.metadata == nil)
        #expect(other.to == String(repeating: "7", count: 64) + "…")
        #expect(other.reason.count < 200)
    }

    @Test func duplicateKeysLastWins() throws {
        let request = try #require(decodeRequest(requestBody(#","priority":"x","priority":2,"tlvs":{"140a":"01","140A":"02"}"#)).request)
        #expect(request.priority == 2)
        #expect(request.tlvs == [TLV(tag: TLVTag(rawValue: 0x140A), value: [0x02])])
    }

    @Test func reportsTheFirstWrongFieldInTableOrder() {
        let json = #"{"id":"o","to":"x","from":"!!!!!!!!!!!!!!!!","text":"","priority":9}"#
        #expect(decodeRequest(json).rejection?.field == "to")
    }
}
