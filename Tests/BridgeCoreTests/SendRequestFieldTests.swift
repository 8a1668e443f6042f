import BridgeCore
import Testing

/// The rules of DESIGN §1.2 row by row: bodies rejected naming a field, and bodies at the edges that are valid.
@Suite struct SendRequestFieldTests {
    static let invalid: [(String, String)] = [
        (#"{"id":"f1","text":"x"}"#, "to"),
        (#"{"id":"f1","to":"","text":"x"}"#, "to"),
        (#"{"id":"f1","to":"+","text":"x"}"#, "to"),
        (#"{"id":"f1","to":"57a","text":"x"}"#, "to"),
        (#"{"id":"f1","to":"123456789012345678901","text":"x"}"#, "to"),
        (#"{"id":"f1","to":573001234567,"text":"x"}"#, "to"),
        (#"{"id":"f1","to":"++57","text":"x"}"#, "to"),
        (#"{"id":"f1","to":"５７","text":"x"}"#, "to"),
        (#"{"id":"f1","to":"1","from":"","text":"x"}"#, "from"),
        (#"{"id":"f1","to":"1","from":"ABCDEFGHIJKL","text":"x"}"#, "from"),
        (#"{"id":"f1","to":"1","from":"+123456789012345678901","text":"x"}"#, "from"),
        (#"{"id":"f1","to":"1","from":"AC\nME","text":"x"}"#, "from"),
        (#"{"id":"f1","to":"1","from":"ШОП","text":"x"}"#, "from"),
        // GSM 03.38 letters beyond Latin-1 cannot go in source_addr, a C-octet string.
        (#"{"id":"f1","to":"1","from":"ΔELTA","text":"x"}"#, "from"),
        (#"{"id":"f1","to":"1","from":"€SHOP","text":"x"}"#, "from"),
        (#"{"id":"f1","to":"1","from":12345,"text":"x"}"#, "from"),
        (#"{"id":"f1","to":"1"}"#, "text"),
        (#"{"id":"f1","to":"1","text":""}"#, "text"),
        (#"{"id":"f1","to":"1","text":5}"#, "text"),
        (#"{"id":"f1","to":"1","text":"x","binary":"QQ=="}"#, "binary"),
        (#"{"id":"f1","to":"1","binary":"QQ="}"#, "binary"),
        (#"{"id":"f1","to":"1","binary":""}"#, "binary"),
        (#"{"id":"f1","to":"1","binary":[65]}"#, "binary"),
        (#"{"id":"f1","to":"1","binary":"QQ==","data_coding":256}"#, "data_coding"),
        (#"{"id":"f1","to":"1","binary":"QQ==","data_coding":-1}"#, "data_coding"),
        (#"{"id":"f1","to":"1","binary":"QQ==","data_coding":"4"}"#, "data_coding"),
        (#"{"id":"f1","to":"1","binary":"QQ==","udh":"not base64"}"#, "udh"),
        (#"{"id":"f1","to":"1","text":"x","encoding":"utf8"}"#, "encoding"),
        (#"{"id":"f1","to":"1","text":"x","encoding":"GSM7"}"#, "encoding"),
        (#"{"id":"f1","to":"1","text":"a€","encoding":"latin1"}"#, "text"),
        (#"{"id":"f1","to":"1","text":"é","encoding":"ascii"}"#, "text"),
        (#"{"id":"f1","to":"1","text":"中","encoding":"gsm7"}"#, "text"),
        (#"{"id":"f1","to":"1","text":"x","dlr":1}"#, "dlr"),
        (#"{"id":"f1","to":"1","text":"x","dlr":"true"}"#, "dlr"),
        (#"{"id":"f1","to":"1","text":"x","validity":0}"#, "validity"),
        (#"{"id":"f1","to":"1","text":"x","validity":2419201}"#, "validity"),
        (#"{"id":"f1","to":"1","text":"x","validity":60.0}"#, "validity"),
        (#"{"id":"f1","to":"1","text":"x","validity":6e1}"#, "validity"),
        (#"{"id":"f1","to":"1","text":"x","validity":"60"}"#, "validity"),
        (#"{"id":"f1","to":"1","text":"x","validity":99999999999999999999999}"#, "validity"),
        (#"{"id":"f1","to":"1","text":"x","schedule_at":"2026-12-01"}"#, "schedule_at"),
        (#"{"id":"f1","to":"1","text":"x","schedule_at":1796121217}"#, "schedule_at"),
        // An SMPP time has a two-digit year: outside 2000–2099 it would be clamped to another time.
        (#"{"id":"f1","to":"1","text":"x","schedule_at":"2100-01-01T00:00:00Z"}"#, "schedule_at"),
        (#"{"id":"f1","to":"1","text":"x","schedule_at":"1999-12-31T23:59:59Z"}"#, "schedule_at"),
        (#"{"id":"f1","to":"1","text":"x","expires_at":"2026-12-01T10:33:37"}"#, "expires_at"),
        (#"{"id":"f1","to":"1","text":"x","priority":4}"#, "priority"),
        (#"{"id":"f1","to":"1","text":"x","priority":-1}"#, "priority"),
        (#"{"id":"f1","to":"1","text":"x","priority":1.0}"#, "priority"),
        (#"{"id":"f1","to":"1","text":"x","priority":"1"}"#, "priority"),
        (#"{"id":"f1","to":"1","text":"x","concat":"udh"}"#, "concat"),
        (#"{"id":"f1","to":"1","text":"x","service_type":"ABCDEF"}"#, "service_type"),
        (#"{"id":"f1","to":"1","text":"x","service_type":"é"}"#, "service_type"),
        (#"{"id":"f1","to":"1","text":"x","service_type":1}"#, "service_type"),
        (#"{"id":"f1","to":"1","text":"x","protocol_id":256}"#, "protocol_id"),
        (#"{"id":"f1","to":"1","text":"x","protocol_id":true}"#, "protocol_id"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":[]}"#, "tlvs"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":{"140":"41"}}"#, "tlvs.140"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":{"14G3":"41"}}"#, "tlvs.14G3"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":{"1403":"414"}}"#, "tlvs.1403"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":{"1403":"4G"}}"#, "tlvs.1403"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":{"1403":65}}"#, "tlvs.1403"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":{"020C":"0001"}}"#, "tlvs.020C"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":{"020e":"01"}}"#, "tlvs.020e"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":{"020F":"01"}}"#, "tlvs.020F"),
        (#"{"id":"f1","to":"1","text":"x","tlvs":{"0424":"41"}}"#, "tlvs.0424"),
        (#"{"id":"f1","to":"1","text":"x","metadata":"x"}"#, "metadata"),
        (#"{"id":"f1","to":"1","text":"x","metadata":[]}"#, "metadata"),
    ]

    @Test(arguments: invalid)
    func rejectsNamingTheField(_ json: String, _ field: String) throws {
        let rejection = try #require(decodeRequest(json).rejection, "\(json)")
        #expect(rejection.field == field)
        #expect(rejection.requestID == "f1")
        #expect(!rejection.reason.isEmpty && !rejection.reason.contains("\n"))
    }

    static let valid: [String] = [
        #"{"id":"f1","to":"1","text":"x"}"#,
        #"{"id":"f1","to":"12345678901234567890","text":"x"}"#,
        #"{"id":"f1","to":"+12345678901234567890","text":"x"}"#,
        #"{"id":"f1","to":"1","from":"+12345678901234567890","text":"x"}"#,
        #"{"id":"f1","to":"1","from":"ABCDEFGHIJK","text":"x"}"#,
        #"{"id":"f1","to":"1","from":"My Shop-1","text":"x"}"#,
        #"{"id":"f1","to":"1","from":"Ñoño£","text":"x"}"#,
        #"{"id":"f1","to":"1","text":"x","encoding":"gsm7"}"#,
        #"{"id":"f1","to":"1","text":"{€}","encoding":"gsm7"}"#,
        #"{"id":"f1","to":"1","text":"é","encoding":"latin1"}"#,
        #"{"id":"f1","to":"1","text":"~","encoding":"ascii"}"#,
        #"{"id":"f1","to":"1","text":"中😀","encoding":"ucs2"}"#,
        #"{"id":"f1","to":"1","text":"中😀","encoding":"auto"}"#,
        #"{"id":"f1","to":"1","text":"x","dlr":false}"#,
        #"{"id":"f1","to":"1","text":"x","validity":1}"#,
        #"{"id":"f1","to":"1","text":"x","validity":2419200}"#,
        #"{"id":"f1","to":"1","text":"x","priority":0}"#,
        #"{"id":"f1","to":"1","text":"x","schedule_at":"2099-12-31T23:59:59Z"}"#,
        #"{"id":"f1","to":"1","text":"x","schedule_at":"2000-01-01T00:00:00Z"}"#,
        #"{"id":"f1","to":"1","text":"x","concat":"udh16"}"#,
        #"{"id":"f1","to":"1","text":"x","concat":"payload"}"#,
        #"{"id":"f1","to":"1","text":"x","service_type":""}"#,
        #"{"id":"f1","to":"1","text":"x","protocol_id":0}"#,
        #"{"id":"f1","to":"1","text":"x","tlvs":{}}"#,
        #"{"id":"f1","to":"1","text":"x","tlvs":{"FFFF":"00ff"}}"#,
        #"{"id":"f1","to":"1","text":"x","metadata":{}}"#,
        #"{"id":"f1","to":"1","text":"x","data_coding":8,"udh":""}"#,
        #"{"id":"f1","to":"1","binary":"QQ==","udh":""}"#,
    ]

    @Test(arguments: valid)
    func accepts(_ json: String) {
        #expect(decodeRequest(json).request != nil, "\(json)")
    }

    @Test func textErrorNamesTheCharacterIndex() throws {
        let rejection = try #require(decodeRequest(#"{"id":"f1","to":"1","text":"abc€","encoding":"latin1"}"#).rejection)
        #expect(rejection.reason == "character U+20AC '€' at index 3 cannot be encoded as latin1")
    }

    @Test func tlvValueLimitIs255Octets() {
        let ok = String(repeating: "ab", count: 255)
        #expect(decodeRequest(#"{"id":"f1","to":"1","text":"x","tlvs":{"1403":"\#(ok)"}}"#).request != nil)
        let rejection = decodeRequest(#"{"id":"f1","to":"1","text":"x","tlvs":{"1403":"\#(ok)ab"}}"#).rejection
        #expect(rejection?.field == "tlvs.1403")
    }

    @Test func metadataLimitIs4096Bytes() throws {
        // {"p":"…"} is 8 bytes around the padding.
        let fits = #"{"p":""# + String(repeating: "m", count: 4088) + #""}"#
        #expect(fits.utf8.count == 4096)
        let request = try #require(decodeRequest(#"{"id":"f1","to":"1","text":"x","metadata":\#(fits)}"#).request)
        #expect(request.metadata == Array(fits.utf8))
        let tooBig = #"{"p":""# + String(repeating: "m", count: 4089) + #""}"#
        let rejection = decodeRequest(#"{"id":"f1","to":"1","text":"x","metadata":\#(tooBig)}"#).rejection
        #expect(rejection?.field == "metadata")
        #expect(rejection?.metadata == nil)
    }
}
