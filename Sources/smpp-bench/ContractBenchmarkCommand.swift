import ArgumentParser
import BridgeCore
import Foundation

/// `smpp-bench contract`: cost of the JSON contract per request — decoding a send request and encoding each event.
struct ContractBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contract",
        abstract: "JSON contract cost: send-request decode (and Foundation's JSONSerialization for scale), event encodes."
    )

    @Option(help: "Upper bound on the seconds each figure runs.")
    var maxSeconds: Double = 2

    @Option(help: "Upper bound on the operations each figure runs.")
    var count: Int = 1_000_000

    /// The JSON line printed at the end.
    struct Report: Encodable {
        var benchmark = "contract"
        var figures: [BenchmarkFigure]
    }

    /// A typical request: text, sender, receipt wanted, a little metadata.
    static let typicalRequest = Array(
        #"{"id":"order-42","to":"+573001234567","from":"ACME","text":"Your code is 123456. It expires in 10 minutes.","dlr":true,"priority":1,"metadata":{"customer":"c-981","campaign":"otp"}}"#
            .utf8)

    static let received = Date(timeIntervalSince1970: 1_796_121_217.123)

    static let result = SubmitResultEvent(
        requestID: "order-42", status: .accepted, to: "+573001234567", from: "ACME", encoding: "gsm7",
        segments: [.init(index: 1, messageID: "5F3A9C01", commandStatus: 0, attempts: 1)], attempts: 1,
        possibleDuplicate: false, error: nil, receivedAt: received, completedAt: received,
        metadata: Array(#"{"customer":"c-981","campaign":"otp"}"#.utf8))

    static let receipt = DeliveryReceiptEvent(
        requestID: "order-42", messageID: "5F3A9C01", segment: 1, segments: 1, stat: "DELIVRD", state: "delivered",
        final: true, err: "000", networkErrorCode: nil, submitDate: "2612011033", doneDate: "2612011034",
        to: "+573001234567", from: "ACME", receivedAt: received, matched: true,
        metadata: Array(#"{"customer":"c-981","campaign":"otp"}"#.utf8),
        receipt: "id:5F3A9C01 sub:001 dlvrd:001 submit date:2612011033 done date:2612011034 stat:DELIVRD err:000 text:Your code")

    static let mo = MOEvent(
        from: "+573001234567", to: "12345", text: "Hola, quiero información", encoding: "gsm7", dataCoding: 0,
        segments: 1, complete: true, receivedAt: received)

    func run() throws {
        try printJSONLine(Report(figures: try contractFigures()))
    }

    /// Every figure; the decode figure fails loudly if the typical request stops being valid.
    func contractFigures() throws -> [BenchmarkFigure] {
        let now = Self.received
        guard case .valid = SendRequestDecoder.decode(body: Self.typicalRequest, messageID: nil, now: now) else {
            throw ValidationError("the benchmark request no longer decodes as valid")
        }
        var sink = 0
        var figures: [BenchmarkFigure] = []
        figures.append(measure("send_request.decode", maxOperations: count, maxSeconds: maxSeconds) {
            if case .valid(let request) = SendRequestDecoder.decode(body: Self.typicalRequest, messageID: nil, now: now) {
                sink &+= request.to.utf8.count
            }
        })
        let data = Data(Self.typicalRequest)
        figures.append(try measure("send_request.parse_jsonserialization", maxOperations: count, maxSeconds: maxSeconds) {
            if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] { sink &+= object.count }
        })
        figures.append(measure("submit_result.encode", maxOperations: count, maxSeconds: maxSeconds) {
            sink &+= Self.result.jsonBytes().count
        })
        figures.append(measure("delivery_receipt.encode", maxOperations: count, maxSeconds: maxSeconds) {
            sink &+= Self.receipt.jsonBytes().count
        })
        figures.append(measure("mo.encode", maxOperations: count, maxSeconds: maxSeconds) {
            sink &+= Self.mo.jsonBytes().count
        })
        // Keeps the optimizer from dropping the work; never true.
        if sink == Int.min { print(sink) }
        return figures
    }
}
