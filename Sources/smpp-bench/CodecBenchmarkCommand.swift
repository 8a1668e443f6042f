import ArgumentParser
import NIOCore
import SMPP

/// `smpp-bench codec`: encode and decode throughput of the PDUs on the hot path.
struct CodecBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "SMPP codec throughput: submit_sm and a deliver_sm receipt, encode and decode (ops/s, ns/op)."
    )

    @Option(help: "Upper bound on the seconds each figure runs.")
    var maxSeconds: Double = 2

    @Option(help: "Upper bound on the operations each figure runs.")
    var count: Int = 2_000_000

    /// The JSON line printed at the end.
    struct Report: Encodable {
        var benchmark = "codec"
        var figures: [BenchmarkFigure]
    }

    func run() throws {
        var figures: [BenchmarkFigure] = []
        figures += try codecFigures()
        try printJSONLine(Report(figures: figures))
    }

    /// The PDU figures: encode, decode and both for submit_sm and a receipt deliver_sm, then frame splitting.
    func codecFigures() throws -> [BenchmarkFigure] {
        var figures: [BenchmarkFigure] = []
        let submit = PDU(.submitSM(Self.typicalSubmitSM), sequenceNumber: 0x0102_0304)
        let receipt = PDU(.deliverSM(Self.receiptDeliverSM), sequenceNumber: 0x0506_0708)
        for (name, pdu) in [("submit_sm", submit), ("deliver_sm_receipt", receipt)] {
            let wire = try pdu.encoded()
            var scratch = ByteBufferAllocator().buffer(capacity: 512)
            figures.append(try measure("\(name).encode", maxOperations: count, maxSeconds: maxSeconds) {
                scratch.clear()
                try pdu.encode(into: &scratch)
                blackHole(scratch.writerIndex)
            })
            figures.append(try measure("\(name).decode", maxOperations: count, maxSeconds: maxSeconds) {
                var frame = wire
                blackHole(try PDU.decode(frame: &frame).sequenceNumber)
            })
            figures.append(try measure("\(name).encode_decode", maxOperations: count, maxSeconds: maxSeconds) {
                scratch.clear()
                try pdu.encode(into: &scratch)
                let decoded = try PDU.decode(frame: &scratch)
                blackHole(decoded.sequenceNumber)
            })
        }
        figures.append(try framing(submit))
        return figures
    }

    /// Splitting a stream of 64 back-to-back submit_sm PDUs into frames and decoding each (per PDU).
    private func framing(_ pdu: PDU) throws -> BenchmarkFigure {
        var stream = ByteBuffer()
        for _ in 0..<64 { try pdu.encode(into: &stream) }
        return try measure("frame_decoder.submit_sm", maxOperations: count, maxSeconds: maxSeconds, batch: 64) {
            var input = stream
            let decoder = SMPPFrameDecoder()
            while var frame = try decoder.nextFrame(from: &input) {
                blackHole(try PDU.decode(frame: &frame).sequenceNumber)
            }
        }
    }

    /// A 62-character GSM text to an international number, receipt requested, with a user_message_reference.
    static let typicalSubmitSM = SubmitSM(
        source: Address(ton: TypeOfNumber.alphanumeric, npi: NumberingPlan.unknown, address: "ACME"),
        destination: Address(ton: TypeOfNumber.international, npi: NumberingPlan.isdn, address: "573001234567"),
        registeredDelivery: RegisteredDelivery.onSuccessOrFailure, dataCoding: 0,
        shortMessage: Array("Your verification code is 482913. It expires in 10 minutes.".utf8),
        tlvs: [.userMessageReference(4242)])

    /// An SMSC delivery receipt: Appendix B text plus receipted_message_id, message_state and network_error_code.
    static let receiptDeliverSM = DeliverSM(
        source: Address(ton: TypeOfNumber.international, npi: NumberingPlan.isdn, address: "573001234567"),
        destination: Address(ton: TypeOfNumber.alphanumeric, npi: NumberingPlan.unknown, address: "ACME"),
        esmClass: .deliveryReceipt,
        shortMessage: Array(
            ("id:5F3A9C01 sub:001 dlvrd:001 submit date:2611261530 done date:2611261531 stat:DELIVRD err:000 "
                + "text:Your verification").utf8),
        tlvs: [
            .receiptedMessageID("5F3A9C01"), .messageState(MessageState.delivered),
            .networkErrorCode(NetworkErrorCode(networkType: 3, errorCode: 0)),
        ])
}

/// Keeps a value alive so the optimiser cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
