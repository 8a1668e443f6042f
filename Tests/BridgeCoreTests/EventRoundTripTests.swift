import BridgeCore
import Foundation
import Testing

/// Events written by `jsonBytes()` read back to the same values, through ``JSONReader`` and, as an independent
/// check, through Foundation's JSONSerialization.
@Suite struct EventRoundTripTests {
    /// Strings that stress escaping: quotes, backslashes, controls, U+2028/2029, non-BMP, and plain ones.
    static let awkward: [String] = [
        "", "plain", "quote \" and \\ backslash", "line\nfeed\r\ttab", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}",
        "sep \u{2028} \u{2029} end", "ñ € 中文 😀 \u{10FFFF}", "</script>", String(repeating: "long ", count: 200),
    ]

    func foundationObject(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    func readObject(_ bytes: [UInt8]) throws -> JSONObject {
        guard case .object(let object) = try JSONReader.parse(bytes) else {
            Issue.record("not an object")
            return JSONObject()
        }
        return object
    }

    @Test(arguments: awkward)
    func submitResultRoundTrips(_ value: String) throws {
        let received = Date(timeIntervalSince1970: 1_796_121_217.042)
        let metadata = Array(#"{"note":"x","n":[1,2.5,null]}"#.utf8)
        let event = SubmitResultEvent(
            requestID: value, status: .failed, to: value, from: nil, encoding: "ucs2",
            segments: [.init(index: 1, messageID: value, commandStatus: 0x45, attempts: 3)], attempts: 3,
            possibleDuplicate: true,
            error: .init(code: "ESME_RSUBMITFAIL", commandStatus: 0x45, message: value, field: value),
            receivedAt: received, completedAt: received.addingTimeInterval(1.5), metadata: metadata)
        let bytes = event.jsonBytes()

        let object = try readObject(bytes)
        #expect(object.members.map(\.key) == [
            "type", "request_id", "status", "to", "from", "encoding", "segments", "message_ids", "attempts",
            "possible_duplicate", "error", "received_at", "completed_at", "metadata",
        ])
        #expect(object["request_id"] == .string(value))
        #expect(object["message_ids"] == .array([.string(value)]))
        #expect(Array(bytes[try #require(object.member("metadata")).range]) == metadata)
        guard case .object(let error)? = object["error"] else {
            Issue.record("no error object")
            return
        }
        #expect(error["message"] == .string(value) && error["field"] == .string(value))

        let foundation = try foundationObject(bytes)
        #expect(foundation["request_id"] as? String == value)
        #expect(foundation["to"] as? String == value)
        #expect(foundation["from"] is NSNull)
        #expect((foundation["error"] as? [String: Any])?["message"] as? String == value)
        #expect((foundation["error"] as? [String: Any])?["command_status"] as? Int == 0x45)
        #expect(foundation["completed_at"] as? String == "2026-12-01T10:33:38.542Z")
        #expect(foundation["possible_duplicate"] as? Bool == true)
        #expect(((foundation["segments"] as? [[String: Any]])?.first)?["attempts"] as? Int == 3)
    }

    @Test(arguments: awkward)
    func deliveryReceiptRoundTrips(_ value: String) throws {
        let event = DeliveryReceiptEvent(
            requestID: value, messageID: value, segment: 2, segments: 3, stat: value, state: "delivered", final: true,
            err: value, networkErrorCode: "030001", submitDate: value, doneDate: value, to: value, from: value,
            receivedAt: Date(timeIntervalSince1970: 0), matched: true, metadata: nil, receipt: value)
        let bytes = event.jsonBytes()
        let object = try readObject(bytes)
        for key in ["request_id", "message_id", "stat", "err", "submit_date", "done_date", "to", "from", "receipt"] {
            #expect(object[key] == .string(value), "\(key)")
        }
        #expect(object["metadata"] == .object(JSONObject()))
        let foundation = try foundationObject(bytes)
        #expect(foundation["receipt"] as? String == value)
        #expect(foundation["segments"] as? Int == 3)
        #expect(foundation["received_at"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(foundation["network_error_code"] as? String == "030001")
    }

    @Test(arguments: awkward)
    func moRoundTrips(_ value: String) throws {
        let binary = Array(value.utf8)
        let event = MOEvent(
            from: value, to: value, text: value, encoding: "ucs2", dataCoding: 8, segments: 4, complete: false,
            receivedAt: Date(timeIntervalSince1970: 1_796_121_217.999), binary: binary)
        let bytes = event.jsonBytes()
        let object = try readObject(bytes)
        #expect(object["text"] == .string(value))
        guard case .string(let base64)? = object["binary"] else {
            Issue.record("binary is not a string")
            return
        }
        #expect(Base64.decode(base64) == binary)
        let foundation = try foundationObject(bytes)
        #expect(foundation["from"] as? String == value)
        #expect(foundation["data_coding"] as? Int == 8)
        #expect(foundation["complete"] as? Bool == false)
        #expect(Data(base64Encoded: try #require(foundation["binary"] as? String)) == Data(binary))
    }
}
