import BridgeCore
import Foundation
import SMPP
import Testing

/// The three examples of DESIGN §1.3, with their `…` placeholders filled in, byte for byte.
@Suite struct EventEncodingTests {
    static let received = Date(timeIntervalSince1970: 1_796_121_217.123)
    static let completed = Date(timeIntervalSince1970: 1_796_121_217.25)

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Removes the line breaks and indentation the DESIGN examples are wrapped with (never inside strings there).
    func compact(_ example: String) -> String {
        example.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined()
    }

    @Test func submitResultMatchesTheDesignExample() {
        let example = compact(
            """
            {"type":"submit_result","request_id":"order-42","status":"accepted",
             "to":"+573001234567","from":"ACME","encoding":"gsm7","segments":[
               {"index":1,"message_id":"5F3A9C01","command_status":0,"attempts":1}],
             "message_ids":["5F3A9C01"],"attempts":1,"possible_duplicate":false,"error":null,
             "received_at":"2026-12-01T10:33:37.123Z","completed_at":"2026-12-01T10:33:37.250Z","metadata":{}}
            """)
        let event = SubmitResultEvent(
            requestID: "order-42", status: .accepted, to: "+573001234567", from: "ACME", encoding: "gsm7",
            segments: [.init(index: 1, messageID: "5F3A9C01", commandStatus: 0, attempts: 1)], attempts: 1,
            possibleDuplicate: false, error: nil, receivedAt: Self.received, completedAt: Self.completed, metadata: nil)
        #expect(text(event.jsonBytes()) == example)
        #expect(event.routingKey == "submit.accepted")
    }

    @Test func submitResultErrorsAndMetadata() {
        let failed = SubmitResultEvent(
            requestID: "order-43", status: .failed, to: "+573001234567", from: nil, encoding: "ucs2",
            segments: [
                .init(index: 1, messageID: "A1", commandStatus: 0, attempts: 1),
                .init(index: 2, messageID: nil, commandStatus: 11, attempts: 1),
            ],
            attempts: 2, possibleDuplicate: true, error: .smpp(.invalidDestinationAddress, message: "bad number"),
            receivedAt: Self.received, completedAt: Self.completed, metadata: Array(#"{"k": [1, "é"]}"#.utf8))
        #expect(
            text(failed.jsonBytes())
                == #"{"type":"submit_result","request_id":"order-43","status":"failed","to":"+573001234567","from":null,"#
                + #""encoding":"ucs2","segments":[{"index":1,"message_id":"A1","command_status":0,"attempts":1},"#
                + #"{"index":2,"message_id":null,"command_status":11,"attempts":1}],"message_ids":["A1"],"attempts":2,"#
                + #""possible_duplicate":true,"error":{"code":"ESME_RINVDSTADR","command_status":11,"message":"bad number"},"#
                + #""received_at":"2026-12-01T10:33:37.123Z","completed_at":"2026-12-01T10:33:37.250Z","metadata":{"k": [1, "é"]}}"#
        )
        #expect(failed.routingKey == "submit.failed")

        let rejection = RequestRejection(requestID: "r", field: "priority", reason: "must be an integer from 0 to 3, got 9")
        let rejected = SubmitResultEvent(
            requestID: "r", status: .rejected, error: .rejected(rejection), receivedAt: Self.received,
            completedAt: Self.received)
        #expect(
            text(rejected.jsonBytes())
                == #"{"type":"submit_result","request_id":"r","status":"rejected","to":null,"from":null,"encoding":null,"#
                + #""segments":[],"message_ids":[],"attempts":0,"possible_duplicate":false,"error":{"code":"INVALID_REQUEST","#
                + #""command_status":null,"message":"must be an integer from 0 to 3, got 9","field":"priority"},"#
                + #""received_at":"2026-12-01T10:33:37.123Z","completed_at":"2026-12-01T10:33:37.123Z","metadata":{}}"#)
    }

    @Test func errorCodesAndSMPPNames() {
        #expect(SubmitResultEvent.ErrorInfo.invalidRequest == "INVALID_REQUEST")
        #expect(SubmitResultEvent.ErrorInfo.expired == "EXPIRED")
        #expect(SubmitResultEvent.ErrorInfo.outcomeUnknown == "OUTCOME_UNKNOWN")
        #expect(SubmitResultEvent.ErrorInfo.retriesExhausted == "RETRIES_EXHAUSTED")
        let throttled = SubmitResultEvent.ErrorInfo.smpp(.throttled)
        #expect(throttled.code == "ESME_RTHROTTLED" && throttled.commandStatus == 0x58 && throttled.field == nil)
        #expect(SubmitResultEvent.Status.allCases.map { SubmitResultEvent(requestID: "x", status: $0, receivedAt: Self.received, completedAt: Self.received).routingKey } == [
            "submit.accepted", "submit.failed", "submit.rejected", "submit.expired", "submit.unknown",
        ])
    }

    @Test func deliveryReceiptMatchesTheDesignExample() {
        let example = compact(
            """
            {"type":"delivery_receipt","request_id":"order-42","message_id":"5F3A9C01","segment":1,"segments":1,
             "stat":"DELIVRD","state":"delivered","final":true,"err":"000","network_error_code":null,
             "submit_date":"2612011033","done_date":"2612011034","to":"+573001234567","from":"ACME","received_at":"2026-12-01T10:33:37.123Z",
             "matched":true,"metadata":{},"receipt":"id:5F3A9C01 sub:001 dlvrd:001 submit date:2612011033 done date:2612011034 stat:DELIVRD err:000 text:Hola"}
            """)
        let event = DeliveryReceiptEvent(
            requestID: "order-42", messageID: "5F3A9C01", segment: 1, segments: 1, stat: "DELIVRD", state: "delivered",
            final: true, err: "000", networkErrorCode: nil, submitDate: "2612011033", doneDate: "2612011034",
            to: "+573001234567", from: "ACME", receivedAt: Self.received, matched: true, metadata: nil,
            receipt: "id:5F3A9C01 sub:001 dlvrd:001 submit date:2612011033 done date:2612011034 stat:DELIVRD err:000 text:Hola")
        #expect(text(event.jsonBytes()) == example)
        #expect(event.routingKey == "dlr.delivrd")
    }

    @Test func unmatchedReceiptHasNullRequestID() {
        let event = DeliveryReceiptEvent(
            requestID: nil, messageID: "77", stat: "UNDELIV", state: "undeliverable", final: true,
            receivedAt: Self.received, matched: false, receipt: "id:77 stat:UNDELIV")
        #expect(
            text(event.jsonBytes())
                == #"{"type":"delivery_receipt","request_id":null,"message_id":"77","segment":null,"segments":null,"#
                + #""stat":"UNDELIV","state":"undeliverable","final":true,"err":null,"network_error_code":null,"#
                + #""submit_date":null,"done_date":null,"to":null,"from":null,"received_at":"2026-12-01T10:33:37.123Z","#
                + #""matched":false,"metadata":{},"receipt":"id:77 stat:UNDELIV"}"#)
    }

    @Test func receiptRoutingKeysAreLowerCaseAndSafe() {
        func key(_ stat: String) -> String {
            DeliveryReceiptEvent(
                requestID: nil, messageID: "1", stat: stat, state: "unknown", final: true, receivedAt: Self.received,
                matched: false, receipt: ""
            ).routingKey
        }
        #expect(key("ENROUTE") == "dlr.enroute")
        #expect(key("ACCEPTD") == "dlr.acceptd")
        #expect(key("Del.Iv #*") == "dlr.del_iv___")
        #expect(key("É1") == "dlr._1")
        #expect(key("") == "dlr.")
        #expect(key(String(repeating: "X", count: 400)).utf8.count == 255)
    }

    @Test func moMatchesTheDesignExample() {
        let example =
            #"{"type":"mo","from":"+573001234567","to":"12345","text":"Hola","encoding":"gsm7","data_coding":0,"#
            + #""segments":1,"complete":true,"received_at":"2026-12-01T10:33:37.123Z","binary":null}"#
        let event = MOEvent(
            from: "+573001234567", to: "12345", text: "Hola", encoding: "gsm7", dataCoding: 0, segments: 1,
            complete: true, receivedAt: Self.received, binary: nil)
        #expect(text(event.jsonBytes()) == example)
        #expect(event.routingKey == "mo.12345")
    }

    @Test func binaryMOIsBase64AndRoutingKeysStayShort() {
        let event = MOEvent(
            from: "1", to: "2", text: nil, encoding: "binary", dataCoding: 4, segments: 2, complete: false,
            receivedAt: Self.received, binary: [0x00, 0xFF, 0x10])
        #expect(
            text(event.jsonBytes())
                == #"{"type":"mo","from":"1","to":"2","text":null,"encoding":"binary","data_coding":4,"segments":2,"#
                + #""complete":false,"received_at":"2026-12-01T10:33:37.123Z","binary":"AP8Q"}"#)
        let long = MOEvent(
            from: "1", to: String(repeating: "é", count: 200), text: "x", encoding: "gsm7", dataCoding: 0,
            receivedAt: Self.received)
        // "mo." is 3 octets, each é is 2: 126 of them fit in 255, never half of one.
        #expect(long.routingKey == "mo." + String(repeating: "é", count: 126))
    }
}
