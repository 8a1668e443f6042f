import BridgeCore
import Testing

@Suite struct JSONReaderTests {
    func parse(_ text: String) throws(JSONReadError) -> JSONNode { try JSONReader.parse(Array(text.utf8)) }

    func errorCode(_ bytes: [UInt8], limits: JSONReader.Limits = .init()) -> JSONReadError.Code? {
        do {
            _ = try JSONReader.parse(bytes, limits: limits)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func parsesEveryKindOfValue() throws {
        let node = try parse(#" { "a" : [1, -2.5e3, true, false, null, "x\n\u00e9\ud83d\ude00"], "b": {} } "#)
        guard case .object(let object) = node else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.map(\.key) == ["a", "b"])
        #expect(object["b"] == .object(JSONObject()))
        #expect(
            object["a"]
                == .array([
                    .number(JSONNumber(text: "1", isInteger: true)),
                    .number(JSONNumber(text: "-2.5e3", isInteger: false)),
                    .bool(true), .bool(false), .null, .string("x\né😀"),
                ]))
    }

    @Test func keepsNumbersAsText() throws {
        let huge = String(repeating: "9", count: 400)
        #expect(try parse(huge) == .number(JSONNumber(text: huge, isInteger: true)))
        #expect(JSONNumber(text: huge, isInteger: true).intValue == nil)
        #expect(try parse("-0") == .number(JSONNumber(text: "-0", isInteger: true)))
        #expect(JSONNumber(text: "42", isInteger: true).intValue == 42)
        #expect(JSONNumber(text: "1.0", isInteger: false).intValue == nil)
    }

    @Test(arguments: ["01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.e5", "--1"])
    func rejectsNumbersOutsideTheGrammar(_ text: String) {
        #expect(errorCode(Array(text.utf8)) != nil)
    }

    @Test func duplicateKeysKeepAllAndTheLastWins() throws {
        let text = #"{"k":1,"k":"two"}"#
        guard case .object(let object) = try parse(text) else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.count == 2)
        #expect(object["k"] == .string("two"))
        let member = try #require(object.member("k"))
        #expect(Array(Array(text.utf8)[member.range]) == Array(#""two""#.utf8))
    }

    @Test func memberRangesCoverTheValueText() throws {
        let text = #"{"m": {"a": [1, 2]} , "n":null}"#
        guard case .object(let object) = try parse(text) else {
            Issue.record("not an object")
            return
        }
        let range = try #require(object.member("m")).range
        #expect(String(decoding: Array(text.utf8)[range], as: UTF8.self) == #"{"a": [1, 2]}"#)
    }

    @Test func rejectsInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0x22, 0xFF, 0x22],  // never valid
            [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong 3-byte
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate U+D800
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xC3, 0x22],  // truncated sequence
            [0x22, 0xE2, 0x82],  // truncated at the end
            [0xC3, 0xA9],  // non-ASCII outside a string
        ]
        for bytes in cases {
            #expect(errorCode(bytes) == .invalidUTF8, "bytes \(bytes)")
        }
    }

    @Test func rejectsLoneSurrogates() {
        for text in [#""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800x""#, #""a\uDBFF""#] {
            #expect(errorCode(Array(text.utf8)) == .loneSurrogate, "\(text)")
        }
    }

    @Test func rejectsBadEscapesAndControlCharacters() {
        #expect(errorCode(Array(#""\x""#.utf8)) == .invalidEscape)
        #expect(errorCode(Array(#""\u12G4""#.utf8)) == .invalidEscape)
        #expect(errorCode([0x22, 0x0A, 0x22]) == .controlCharacter)
        #expect(errorCode([0x22, 0x61, 0x00, 0x22]) == .controlCharacter)
    }

    @Test func limitsDepth() throws {
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(errorCode(Array(ok.utf8)) == nil)
        let deep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        #expect(errorCode(Array(deep.utf8)) == .tooDeep)
        // Far deeper than any stack would survive unbounded: stops at the limit.
        #expect(errorCode(Array(String(repeating: "{\"a\":", count: 100_000).utf8)) == .tooDeep)
        #expect(errorCode(Array(String(repeating: "[", count: 200_000).utf8)) == .tooDeep)
    }

    @Test func limitsSize() {
        let text = Array(#"{"a":"0123456789"}"#.utf8)
        #expect(errorCode(text, limits: .init(maxBytes: text.count)) == nil)
        #expect(errorCode(text, limits: .init(maxBytes: text.count - 1)) == .tooLarge)
    }

    @Test func rejectsStructuralMistakes() {
        let cases: [(String, JSONReadError.Code)] = [
            ("", .unexpectedEnd), ("{", .unexpectedEnd), (#"{"a"}"#, .unexpectedByte), (#"{"a":1,}"#, .unexpectedByte),
            ("[1,]", .unexpectedByte), ("[1 2]", .unexpectedByte), ("{} {}", .trailingData), ("tru", .unexpectedEnd),
            ("nul1", .unexpectedByte), (#"{a:1}"#, .unexpectedByte), ("\u{FEFF}{}", .invalidUTF8),
            (#""abc"#, .unexpectedEnd), ("// c\n{}", .unexpectedByte),
        ]
        for (text, code) in cases {
            #expect(errorCode(Array(text.utf8)) == code, "\(text)")
        }
    }

    @Test func errorDescriptionNamesOffsetAndByte() {
        #expect(
            JSONReadError(code: .invalidUTF8, offset: 12, byte: 0xFF).description == "invalid UTF-8 at offset 12 (0xff)")
        #expect(JSONReadError(code: .unexpectedEnd, offset: 3).description == "unexpected end of input at offset 3")
    }

    @Test func salvagesTheLastTopLevelStringMemberOfARefusedDocument() {
        func salvage(_ text: String) -> String? { JSONReader.salvagedTopLevelString(named: "id", in: Array(text.utf8)) }
        #expect(salvage(#" { "a" : {"id":"inner","x":[1,"]}",{"b":"\""}]}, "id" : "outer\u00e9" , "z":"\ud800"}"#) == "outer\u{e9}")
        #expect(salvage(#"{"a":"\ud800","b":[[[[[[]]]]]],"c":-1e5,"d":true,"id":"x"}"#) == "x")
        #expect(salvage(#"{"id":"x","id":"y"}"#) == "y")
        #expect(salvage(#"{"id":"x","id":null}"#) == nil)
        #expect(salvage(#"{"id":"x","id":{"k":1}, "id"#) == nil)
        #expect(salvage(#"{"id":"x" "id":"y"}"#) == "x")  // the structure breaks after the first
        #expect(salvage(#"{"a":[1,2"#) == nil)
        #expect(salvage(#"{"a":"no end, "id":"x"}"#) == nil)  // the id is inside the unterminated string
        #expect(salvage(#"{"id":"\ud800"}"#) == nil)
        #expect(salvage(#"{"a":{"x":1],"id":"nested"}}"#) == nil)  // mismatched brackets: "id" may be nested
        #expect(salvage(#"["id","x"]"#) == nil)
        #expect(salvage("") == nil)
        #expect(salvage(#"{"id":"x\"#) == nil)
        #expect(salvage(#"{"id\u0022:"x"}"#) == nil)
        // Hostile bytes never crash it and it always ends.
        var random = SeededGenerator(seed: 7)
        let alphabet = Array(#"{}[]:,"\ idx"#.utf8)
        for _ in 0..<2000 {
            let bytes = (0..<random.int(0...64)).map { _ in alphabet[random.int(0...alphabet.count - 1)] }
            _ = JSONReader.salvagedTopLevelString(named: "id", in: bytes)
        }
    }
}
