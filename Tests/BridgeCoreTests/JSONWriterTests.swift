import BridgeCore
import Foundation
import Testing

@Suite struct JSONWriterTests {
    func written(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        body(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func placesCommasAndNesting() {
        let text = written { writer in
            writer.beginObject()
            writer.key("a")
            writer.beginArray()
            writer.integer(1)
            writer.integer(-20)
            writer.beginObject()
            writer.endObject()
            writer.null()
            writer.endArray()
            writer.key("b")
            writer.bool(true)
            writer.key("c")
            writer.string(nil as String?)
            writer.key("d")
            writer.raw(Array(#"{"x":[1]}"#.utf8))
            writer.key("e")
            writer.integer(nil as Int?)
            writer.endObject()
        }
        #expect(text == #"{"a":[1,-20,{},null],"b":true,"c":null,"d":{"x":[1]},"e":null}"#)
    }

    @Test func escapesDynamicKeys() {
        let text = written { writer in
            writer.beginObject()
            writer.key("a\"b\u{2028}" as String)
            writer.integer(1)
            writer.endObject()
        }
        #expect(text == #"{"a\"b\u2028":1}"#)
    }

    @Test func writesIntegerExtremes() {
        #expect(written { $0.integer(Int64.min) } == "-9223372036854775808")
        #expect(written { $0.integer(UInt64.max) } == "18446744073709551615")
        #expect(written { $0.integer(0) } == "0")
        #expect(written { $0.integer(UInt8(255)) } == "255")
    }

    @Test func escapesWhatJSONAndJavaScriptNeed() {
        let text = written { $0.string("q\"b\\n\n r\r t\t \u{08}\u{0C}\u{01}\u{1F}\u{7F} \u{2028}\u{2029} é😀 / \u{2027}") }
        #expect(
            text
                == #""q\"b\\n\n r\r t\t \b\f\u0001\u001f\u007f \u2028\u2029 é😀 / ‧""#)
    }

    @Test func escapedStringsRoundTripThroughTheReaderAndFoundation() throws {
        let samples = [
            "", "plain", "\u{0}\u{1}\u{1F} \"\\/", "\u{2028}x\u{2029}", "€ ñ 中文 😀 \u{E2}\u{80}", "\u{10FFFF}",
            String(repeating: "ab\n", count: 300),
        ]
        for sample in samples {
            var single = JSONWriter()
            single.string(sample)
            #expect(try JSONReader.parse(Array("[".utf8) + single.bytes + Array("]".utf8)) == .array([.string(sample)]))
            let foundation = try JSONSerialization.jsonObject(with: Data(single.bytes), options: [.fragmentsAllowed])
            #expect(foundation as? String == sample)
        }
    }

    @Test func writesTimestampsAndBase64() {
        let date = Date(timeIntervalSince1970: 1_796_121_217.123)
        #expect(written { $0.timestamp(date) } == #""2026-12-01T10:33:37.123Z""#)
        #expect(written { $0.base64([0xFF, 0x00, 0x41]) } == #""/wBB""#)
        #expect(written { $0.base64(nil) } == "null")
    }
}
