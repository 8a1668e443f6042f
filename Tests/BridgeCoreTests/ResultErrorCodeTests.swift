@testable import BridgeCore
import Foundation
import Logging
import SMPP
import Testing

/// `error.code` of a failed result is the SMPP status name; a status the reference does not name (vendor range,
/// reserved values) still yields a code of the contract's shape `^[A-Z][A-Z0-9_]*$` (docs/schemas).
@Suite struct ResultErrorCodeTests {
    @Test(arguments: [
        (UInt32(0x0B), "ESME_RINVDSTADR"), (0x40C, "VENDOR_0000040C"), (0x4FF, "VENDOR_000004FF"),
        (0xC5, "STATUS_000000C5"), (0x1234_ABCD, "STATUS_1234ABCD"),
    ])
    func aPermanentRefusalNamesItsStatusInTheContractsShape(status: UInt32, code: String) async throws {
        let text = UInt8(ascii: "x")
        let submitter = ScriptedSubmitter([text: [ScriptedSubmitter.status(CommandStatus(rawValue: status))]])
        let publisher = RecordingPublisher()
        let processor = OutboundProcessor.testing(
            publisher: publisher, submitter: submitter)
        let request = IncomingRequest(
            body: Array(#"{"id":"r-\#(status)","to":"+1555","text":"x"}"#.utf8), properties: .init(),
            redelivered: false, receivedAt: Date())
        #expect(await processor.process(request) == .ack)
        let result = try publisher.json(0)
        #expect(result["status"] as? String == "failed")
        let error = try #require(result["error"] as? [String: Any])
        #expect(error["code"] as? String == code)
        #expect((error["command_status"] as? NSNumber)?.uint32Value == status)
        let shape = try Regex("^[A-Z][A-Z0-9_]*$")
        #expect(code.wholeMatch(of: shape) != nil)
    }
}
