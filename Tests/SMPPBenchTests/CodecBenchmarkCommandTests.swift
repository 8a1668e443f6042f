import NIOCore
import SMPP
import Testing

@testable import smpp_bench

@Suite struct CodecBenchmarkCommandTests {
    @Test func boundedRunProducesEveryFigure() throws {
        let command = try CodecBenchmarkCommand.parse(["--max-seconds", "5", "--count", "128"])
        let figures = try command.codecFigures()
        #expect(figures.map(\.name) == [
            "submit_sm.encode", "submit_sm.decode", "submit_sm.encode_decode", "deliver_sm_receipt.encode",
            "deliver_sm_receipt.decode", "deliver_sm_receipt.encode_decode", "frame_decoder.submit_sm",
        ])
        for figure in figures {
            #expect(figure.operations >= 64 && figure.operations <= 192, "\(figure.name)")
            #expect(figure.seconds >= 0)
        }
    }

    @Test func benchmarkPDUsAreRealistic() throws {
        let receipt = PDU(.deliverSM(CodecBenchmarkCommand.receiptDeliverSM), sequenceNumber: 1)
        var buffer = try receipt.encoded()
        let decoded = try PDU.decode(frame: &buffer)
        #expect(decoded == receipt)
        guard case .deliverSM(let deliver) = decoded.body else { return }
        #expect(deliver.esmClass.isReceipt)
        #expect(deliver.tlvs.receiptedMessageID == "5F3A9C01")
        let submit = PDU(.submitSM(CodecBenchmarkCommand.typicalSubmitSM), sequenceNumber: 2)
        var submitBuffer = try submit.encoded()
        #expect(try PDU.decode(frame: &submitBuffer) == submit)
    }
}
