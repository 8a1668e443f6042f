import SMPP
import Testing

@Suite struct DeliveryReceiptTests {
    /// One real-world receipt shape and what must be read from it.
    struct Shape: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var id: String?
        var stat: String?
        var state: ReceiptState?
        var err: String?
        var body: String?
        var submit: String? = nil
        var done: String? = nil
        var testDescription: String { name }
    }

    static let shapes: [Shape] = [
        Shape(name: "Appendix B", text: "id:0123456789 sub:001 dlvrd:001 submit date:2301011200 done date:2301011201 stat:DELIVRD err:000 text:Hello world",
              id: "0123456789", stat: "DELIVRD", state: .delivered, err: "000", body: "Hello world",
              submit: "2023-01-01T12:00:00.000Z", done: "2023-01-01T12:01:00.000Z"),
        Shape(name: "spec capital Text", text: "id:5F3A9C01 sub:001 dlvrd:001 submit date:2301011200 done date:2301011201 stat:DELIVRD err:000 Text:Your code",
              id: "5F3A9C01", stat: "DELIVRD", state: .delivered, err: "000", body: "Your code", submit: "2023-01-01T12:00:00.000Z", done: "2023-01-01T12:01:00.000Z"),
        Shape(name: "upper-case labels", text: "ID:ABC123 SUB:001 DLVRD:001 SUBMIT DATE:2301011200 DONE DATE:2301011201 STAT:UNDELIV ERR:001 TEXT:x",
              id: "ABC123", stat: "UNDELIV", state: .undeliverable, err: "001", body: "x", submit: "2023-01-01T12:00:00.000Z", done: "2023-01-01T12:01:00.000Z"),
        Shape(name: "fields reordered", text: "stat:EXPIRED err:007 id:42 done date:2301021200 submit date:2301011200 dlvrd:000 sub:001 text:",
              id: "42", stat: "EXPIRED", state: .expired, err: "007", body: "", submit: "2023-01-01T12:00:00.000Z", done: "2023-01-02T12:00:00.000Z"),
        Shape(name: "minimal, 1-char err", text: "id:99 stat:DELIVRD err:0", id: "99", stat: "DELIVRD", state: .delivered, err: "0"),
        Shape(name: "12-digit dates", text: "id:1 sub:001 dlvrd:001 submit date:230101120030 done date:230101120145 stat:DELIVRD err:000 text:",
              id: "1", stat: "DELIVRD", state: .delivered, err: "000", body: "",
              submit: "2023-01-01T12:00:30.000Z", done: "2023-01-01T12:01:45.000Z"),
        Shape(name: "14-digit dates", text: "id:1 sub:001 dlvrd:001 submit date:20230101120030 done date:20231231235959 stat:DELIVRD err:000",
              id: "1", stat: "DELIVRD", state: .delivered, err: "000", submit: "2023-01-01T12:00:30.000Z",
              done: "2023-12-31T23:59:59.000Z"),
        Shape(name: "underscore labels", text: "id:77 sub:001 dlvrd:001 submit_date:2301011200 done_date:2301011201 stat:DELIVRD err:000 text:ok",
              id: "77", stat: "DELIVRD", state: .delivered, err: "000", body: "ok", submit: "2023-01-01T12:00:00.000Z",
              done: "2023-01-01T12:01:00.000Z"),
        Shape(name: "text with colons and labels", text: "id:8 sub:001 dlvrd:001 submit date:2301011200 done date:2301011201 stat:DELIVRD err:000 text:Meet at 10:30: id:5 stat:FAKE",
              id: "8", stat: "DELIVRD", state: .delivered, err: "000", body: "Meet at 10:30: id:5 stat:FAKE",
              submit: "2023-01-01T12:00:00.000Z", done: "2023-01-01T12:01:00.000Z"),
        Shape(name: "ENROUTE intermediate", text: "id:300 sub:001 dlvrd:000 submit date:2301011200 done date:2301011200 stat:ENROUTE err:000 text:",
              id: "300", stat: "ENROUTE", state: .enroute, err: "000", body: "", submit: "2023-01-01T12:00:00.000Z", done: "2023-01-01T12:00:00.000Z"),
        Shape(name: "REJECTD only carrier", text: "id:301 sub:001 dlvrd:000 submit date:2301011200 done date:2301011200 stat:REJECTD err:0B1 text:",
              id: "301", stat: "REJECTD", state: .rejected, err: "0B1", body: "", submit: "2023-01-01T12:00:00.000Z", done: "2023-01-01T12:00:00.000Z"),
        Shape(name: "ACCEPTD intermediate", text: "id:302 sub:001 dlvrd:000 submit date:2301011200 done date:2301011200 stat:ACCEPTD err:000 text:",
              id: "302", stat: "ACCEPTD", state: .accepted, err: "000", body: "", submit: "2023-01-01T12:00:00.000Z", done: "2023-01-01T12:00:00.000Z"),
        Shape(name: "UUID id and lower-case stat", text: "id:a1b2c3d4-e5f6-7890-abcd-ef1234567890 sub:001 dlvrd:001 stat:delivrd err:000",
              id: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", stat: "delivrd", state: .delivered, err: "000"),
        Shape(name: "trailing CRLF and NUL", text: "id:12 sub:001 dlvrd:001 stat:DELIVRD err:000 text:bye\r\n\0",
              id: "12", stat: "DELIVRD", state: .delivered, err: "000", body: "bye"),
        Shape(name: "double spaces, space after colon", text: "id: 55  sub:001  dlvrd:001  stat: UNDELIV  err: 2  text: hi there",
              id: "55", stat: "UNDELIV", state: .undeliverable, err: "2", body: " hi there"),
        Shape(name: "unknown extra field, no text", text: "id:13 sub:001 dlvrd:001 nmsgs:1 stat:DELETED err:000",
              id: "13", stat: "DELETED", state: .deleted, err: "000"),
        Shape(name: "spelled-out stat", text: "id:14 stat:DELIVERED err:000", id: "14", stat: "DELIVERED", state: .delivered, err: "000"),
        Shape(name: "vendor stat unknown", text: "id:15 stat:WHATEVER err:999", id: "15", stat: "WHATEVER", state: nil, err: "999"),
        Shape(name: "stat UNKNOWN, invalid date", text: "id:16 submit date:23013 done date:2313011200 stat:UNKNOWN err:000",
              id: "16", stat: "UNKNOWN", state: .unknown, err: "000"),
    ]

    @Test(arguments: shapes)
    func readsShape(shape: Shape) {
        let receipt = DeliveryReceipt.parse(text: shape.text)
        #expect(receipt.messageID == shape.id)
        #expect(receipt.stat == shape.stat)
        #expect(receipt.state == shape.state)
        #expect(receipt.error == shape.err)
        #expect(receipt.text == shape.body)
        #expect(receipt.submitDate?.rfc3339 == shape.submit)
        #expect(receipt.doneDate?.rfc3339 == shape.done)
        #expect(receipt.rawText == shape.text)
    }

    @Test func finalAndIntermediate() {
        #expect(ReceiptState.enroute.isFinal == false && ReceiptState.accepted.isFinal == false)
        for state in [ReceiptState.delivered, .expired, .deleted, .undeliverable, .unknown, .rejected] {
            #expect(state.isFinal)
            #expect(ReceiptState(messageState: state.messageState) == state)
            #expect(ReceiptState(stat: state.stat) == state)
        }
        #expect(ReceiptState(messageState: 0) == nil && ReceiptState(messageState: 9) == nil)
        #expect(ReceiptState(stat: "buffred") == .enroute)
        #expect(DeliveryReceipt.parse(text: "id:1 stat:ENROUTE").isFinal == false)
    }

    /// Words cut short (seven-character fields) or spelt with separators still give their state: an intermediate
    /// ACCEPTE or ENROUT read as unknown would be published final, and a DELIVER as unknown.
    @Test(arguments: [
        ("DELIVER", ReceiptState.delivered), ("deliv", .delivered), ("ACCEPTE", .accepted), ("REJECTE", .rejected),
        ("ENROUT", .enroute), ("EN_ROUTE", .enroute), ("en-route", .enroute), ("EN ROUTE", .enroute),
        ("UNDELIVERAB", .undeliverable), ("EXPIRE", .expired), ("DELETE", .deleted), ("UNKNOW", .unknown),
        ("BUFFER", .enroute),
    ])
    func truncatedAndSeparatedStatWords(word: String, state: ReceiptState) {
        #expect(ReceiptState(stat: word) == state)
    }

    @Test func unrelatedWordsStayUnreadable() {
        // Longer words that only start like a known one are not read as it (a failure is no delivery).
        for word in ["", "OK", "DEL", "SENT", "X", "ACK", "DELIVERY_FAILED", "DELIVERED_TO_NETWORK", "DELIVERYPENDING",
                     "EXPIREDX", "UNDELIVRD"] {
            #expect(ReceiptState(stat: word) == nil, "\(word)")
        }
    }

    /// The text of a receipt flagged with a UDH starts after a real header; without one (flag set, no header, or a
    /// UCS2 text whose first octet is 0x00) the whole user data is the text.
    @Test func receiptTextSkipsARealUDHOnly() {
        let text = Array("id:1 stat:DELIVRD".utf8)
        let header: [UInt8] = [0x05, 0x00, 0x03, 0x07, 0x02, 0x01]
        let flagged: ESMClass = [.deliveryReceipt, .udhIndicator]
        #expect(DeliveryReceipt.textOctets(of: header + text, esmClass: flagged) == text)
        #expect(DeliveryReceipt.textOctets(of: header + text, esmClass: .deliveryReceipt) == header + text)
        #expect(DeliveryReceipt.textOctets(of: text, esmClass: flagged) == text)
        let ucs2: [UInt8] = [0x00, 0x69, 0x00, 0x64, 0x00, 0x3A]
        #expect(DeliveryReceipt.textOctets(of: ucs2, esmClass: flagged) == ucs2)
        #expect(DeliveryReceipt.textOctets(of: [0x03, 0x00, 0x05, 0x41], esmClass: flagged) == [0x03, 0x00, 0x05, 0x41])  // unreadable header
        #expect(DeliveryReceipt.textOctets(of: [], esmClass: flagged).isEmpty)
    }

    @Test func tlvsTakePrecedence() {
        let tlvs = [
            TLV(tag: TLVTag(rawValue: 0x001E), value: Array("5F3A9C01".utf8) + [0]),
            TLV(tag: TLVTag(rawValue: 0x0427), value: [5]),
            TLV(tag: TLVTag(rawValue: 0x0423), value: [3, 0x00, 0x22]),
        ]
        let receipt = DeliveryReceipt.parse(text: "id:0000000001 stat:DELIVRD err:000 text:x", tlvs: tlvs)
        #expect(receipt.messageID == "5F3A9C01")
        #expect(receipt.state == .undeliverable && receipt.stat == "UNDELIV" && receipt.isFinal == true)
        #expect(receipt.networkErrorCode == ReceiptNetworkError(networkType: 3, errorCode: 0x22))
        #expect(receipt.error == "000" && receipt.fields["id"] == "0000000001")
        // Same state in both: the text's spelling is kept, letter case included.
        let agreeing = DeliveryReceipt.parse(text: "stat:delivered", receiptedMessageID: nil, messageState: .delivered, networkErrorCode: nil)
        #expect(agreeing.stat == "delivered")
        // Only TLVs, no text at all.
        let bare = DeliveryReceipt.parse(shortMessage: [], tlvs: Array(tlvs.prefix(2)))
        #expect(bare.messageID == "5F3A9C01" && bare.state == .undeliverable && bare.text == nil)
        // Bad TLV lengths are ignored, and the text fills in.
        let odd = DeliveryReceipt.parse(text: "id:7 stat:DELIVRD", tlvs: [
            TLV(tag: TLVTag(rawValue: 0x0427), value: [2, 2]), TLV(tag: TLVTag(rawValue: 0x0423), value: [3]),
            TLV(tag: TLVTag(rawValue: 0x001E), value: [0]),
        ])
        #expect(odd.messageID == "7" && odd.state == .delivered && odd.networkErrorCode == nil)
    }

    @Test func receiptInMessagePayloadAndUCS2() throws {
        let text = "id:ABCDEF sub:001 dlvrd:001 submit date:2301011200 done date:2301011201 stat:DELIVRD err:000 text:payload"
        let payload = TLV(tag: TLVTag(rawValue: 0x0424), value: Array(text.utf8))
        let receipt = DeliveryReceipt.parse(shortMessage: [], dataCoding: 0, tlvs: [payload])
        #expect(receipt.messageID == "ABCDEF" && receipt.state == .delivered && receipt.text == "payload")
        let ucs2 = try SMSText.encode("id:9 stat:REJECTD err:1", as: .ucs2)
        let wide = DeliveryReceipt.parse(shortMessage: ucs2.units, dataCoding: 8)
        #expect(wide.messageID == "9" && wide.state == .rejected && wide.error == "1")
        // ASCII text under data_coding 8 (an SMSC copying the submit's coding): read as the text it is.
        let copied = DeliveryReceipt.parse(shortMessage: Array(text.utf8), dataCoding: 8)
        #expect(copied.messageID == "ABCDEF" && copied.state == .delivered && copied.error == "000")
        // Underscores in ids survive (read as Latin-1, not GSM, whatever data_coding 0 means).
        #expect(DeliveryReceipt.parse(shortMessage: Array("id:msg_1 stat:DELIVRD".utf8)).messageID == "msg_1")
    }

    @Test func hostileTextNeverTraps() {
        var random = SeededRandom(seed: 42)
        let pieces = ["id:", "stat:", "text:", "err:", " ", "submit date:", ":", "DELIVRD", "12345678901234", "\0", "é", "😀"]
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<Int(random.next() % 12) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            let receipt = DeliveryReceipt.parse(text: text)
            #expect(receipt.rawText == text)
            let bytes = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = DeliveryReceipt.parse(shortMessage: bytes, dataCoding: UInt8(truncatingIfNeeded: random.next()))
        }
    }
}

@Suite struct DeliveryReceiptFormattingTests {
    @Test(arguments: ReceiptState.allCases)
    func formatThenParse(state: ReceiptState) {
        let submit = ReceiptDate(year: 2026, month: 11, day: 26, hour: 9, minute: 5)
        let done = ReceiptDate(year: 2026, month: 11, day: 26, hour: 9, minute: 7)
        let text = DeliveryReceipt.format(
            id: "5F3A9C01", state: state, submitDate: submit, doneDate: done, text: "Your code is 123456, valid 5 min")
        #expect(text.hasPrefix("id:5F3A9C01 sub:001 dlvrd:00"))
        #expect(text.contains("submit date:2611260905 done date:2611260907 stat:\(state.stat) err:000 text:Your code is 123456"))
        let receipt = DeliveryReceipt.parse(text: text)
        #expect(receipt.messageID == "5F3A9C01" && receipt.state == state && receipt.error == "000")
        #expect(receipt.submitDate == submit && receipt.doneDate == done)
        #expect(receipt.text == "Your code is 123456,")
        #expect(receipt.delivered == (state == .delivered ? "001" : "000"))
    }
}

@Suite struct ReceiptDateTests {
    @Test(arguments: [
        ("2301011200", "2023-01-01T12:00:00.000Z"),
        ("230101120059", "2023-01-01T12:00:59.000Z"),
        ("20230101120059", "2023-01-01T12:00:59.000Z"),
        ("09991231235959", "0999-12-31T23:59:59.000Z"),
        ("2402291200", "2024-02-29T12:00:00.000Z"), ("20000229120000", "2000-02-29T12:00:00.000Z"),
        ("2304301200", "2023-04-30T12:00:00.000Z"),
    ])
    func parsesTheThreeLengths(text: String, expected: String) {
        #expect(ReceiptDate(text)?.rfc3339 == expected)
    }

    /// Wrong lengths, non-digits (also digits of other scripts and full-width ones), out-of-range fields.
    @Test(arguments: [
        "", "230101120", "23010112000", "2301011200590", "230101120A", "2301011200 ", " 2301011200",
        "٢٣٠١٠١١٢٠٠", "２３０１０１１２００", "2313011200", "2300011200", "2301321200", "2301012400", "2301011260",
        "230101120060", "2301011200½",
        // Days the month does not have: 31 April, 30 February, 29 February outside a leap year (1900 was none).
        "2304311200", "2402301200", "2302291200", "19000229120000",
    ])
    func refusesAnythingElse(text: String) {
        #expect(ReceiptDate(text) == nil)
    }

    /// Values no parse produces still format (wider fields as they are).
    @Test func formatsValuesSetByHand() {
        #expect(ReceiptDate(year: 12345, month: 1, day: 2, hour: 3, minute: 4).rfc3339 == "12345-01-02T03:04:00.000Z")
        #expect(ReceiptDate(year: 7, month: 1, day: 2, hour: 3, minute: 4, second: 5).rfc3339 == "0007-01-02T03:04:05.000Z")
    }
}
