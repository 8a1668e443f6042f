import Foundation
import NIOCore
import SMPP
import Testing

/// The `smsc-sim` flags for refused binds and receipts ahead of their response, through the executable.
@Suite(.timeLimit(.minutes(1))) struct SMSCSimExecutableFaultFlagTests {
    @Test(.enabled(if: !SMSCSimExecutableTests.executable.isEmpty, "the smsc-sim executable is not built next to the tests"))
    func refuseBindsAndReceiptBeforeResponseFlags() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SMSCSimExecutableTests.executable)
        process.arguments = [
            "--listen", "127.0.0.1:0", "--account", "acme:secret:2", "--dlr-outcomes", "DELIVRD=1",
            "--message-id-format", "dec", "--message-id-start", "7000", "--seed", "5", "--log-level", "error",
            "--refuse-binds", "1", "--receipt-before-response-rate", "1",
        ]
        let pipe = Pipe()
        let lines = SMSCSimExecutableTests.Lines()
        process.standardOutput = pipe
        pipe.fileHandleForReading.readabilityHandler = { handle in lines.feed(handle.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let listening = try #require(await lines.first(startingWith: "smsc-sim listening"))
        let plain = listening.split(separator: " ").first { $0.hasPrefix("plain=") }
        let port = try #require(plain?.split(separator: ":").last.flatMap { Int($0) })
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let refused = try await TestSMPPClient.connect(to: address, tls: false)
        #expect(try await refused.bind(.transceiver).commandStatus == .bindFailed)
        await refused.close()
        let client = try await TestSMPPClient.connect(to: address, tls: false)
        #expect(try await client.bind(.transceiver).commandStatus == .ok)
        let seq = try await client.request(testSubmit())
        let receipt = try await client.nextPDU()
        #expect(receipt.deliverSM?.tlvs.receiptedMessageID == "7000")
        let response = try await client.nextPDU()
        #expect(response.sequenceNumber == seq)
        #expect(response.submitMessageID == "7000")
        try await client.answer(receipt)

        process.terminate()  // SIGTERM
        let stopped = try #require(await lines.first(startingWith: "smsc-sim stopped"))
        #expect(stopped.contains("binds_refused_by_fault=1"))
        #expect(stopped.contains("receipts_before_response=1"))
        process.waitUntilExit()
        await client.close()
    }
}
