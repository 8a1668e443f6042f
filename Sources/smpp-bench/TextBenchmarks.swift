import SMPP

/// Figures for the text layer, for `smpp-bench codec`: GSM 7-bit and UCS2 encoding throughput (one operation =
/// one character, so `ops_per_s` reads as characters per second) and splitting a 600-character text into UDH 8-bit
/// parts. `maxOperations` bounds the number of whole texts processed per figure; `maxSeconds` bounds each figure's
/// time.
func textBenchmarkFigures(maxSeconds: Double, maxOperations: Int) -> [BenchmarkFigure] {
    let gsmText = String(repeating: "Hello {world}, your code is 12345. Ça va? €5 ", count: 14)
    let ucs2Text = String(repeating: "Привет, мир! 你好 😀 ", count: 30)
    let longText = String(String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 14).prefix(600))
    var sink = 0

    let gsmCharacters = gsmText.unicodeScalars.count
    let gsm = measure(
        "text.gsm7_encode.chars", maxOperations: maxOperations * gsmCharacters, maxSeconds: maxSeconds,
        batch: gsmCharacters
    ) {
        sink &+= (try? SMSText.encode(gsmText, as: .gsm7))?.count ?? 0
    }

    let ucs2Characters = ucs2Text.unicodeScalars.count
    let ucs2 = measure(
        "text.ucs2_encode.chars", maxOperations: maxOperations * ucs2Characters, maxSeconds: maxSeconds,
        batch: ucs2Characters
    ) {
        sink &+= (try? SMSText.encode(ucs2Text, as: .ucs2))?.count ?? 0
    }

    let segmenter = MessageSegmenter(method: .udh8)
    var references = ConcatenationReferences()
    let segment = measure("text.segment_600_udh8", maxOperations: maxOperations, maxSeconds: maxSeconds) {
        if let encoded = try? SMSText.encode(longText),
            let message = try? segmenter.segment(encoded, destination: "+573001234567", references: &references)
        {
            sink &+= message.parts.count
        }
    }

    // Keeps the optimiser from discarding the work; the value itself means nothing.
    if sink == Int.min { print(sink) }
    return [gsm, ucs2, segment]
}
